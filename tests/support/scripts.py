"""Loading a file that is no package's module (a migration, a CI script), to
call its functions directly."""

import importlib.util
from pathlib import Path
from types import ModuleType

from tests.support.paths import ROOT


def load_script(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_migration(pattern: str) -> ModuleType:
    """The migration whose file name matches `pattern` (e.g. "0012_*")."""
    (path,) = ROOT.glob(f"migrations/versions/{pattern}")
    return load_script(path)
