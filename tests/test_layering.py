"""The house rules of ARCHITECTURE.md, checked on the code itself: which area
may import which, and the order the request hooks run in."""

import ast
from pathlib import Path

from werkzeug.middleware.proxy_fix import ProxyFix

from dreamweaver import caching, create_app
from dreamweaver.caching import pages
from tests.support.settings import TEST_SETTINGS

PACKAGE = Path(__file__).resolve().parents[1] / "dreamweaver"
AREAS = ("admin", "blog", "comments", "demo", "wxr")


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, names) of every import in one of our modules."""
    here = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = here[:-1] if here[-1] != "__init__" else here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append((module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return found


def targets(path: Path) -> set[str]:
    """Every module of ours `path` imports, `from x import y` counted as x.y too."""
    modules = set()
    for module, names in imports(path):
        modules.add(module)
        modules.update(f"{module}.{name}" for name in names)
    return {m for m in modules if m.startswith("dreamweaver")}


def in_area(module: str, area: str) -> bool:
    return module == f"dreamweaver.{area}" or module.startswith(f"dreamweaver.{area}.")


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_caching_imports_no_area():
    broken = [(path.name, module) for path in modules("caching") for module in targets(path)
              if any(in_area(module, area) for area in AREAS)]
    assert broken == []


def test_comments_import_the_blog_only_from_their_views():
    broken = [(path.name, module) for path in modules("comments") if path.name != "views.py"
              for module in targets(path) if in_area(module, "blog")]
    assert broken == []


def test_admin_uses_the_public_names_of_other_areas():
    broken = [(path.name, module, name) for path in modules("admin")
              for module, names in imports(path)
              if module.startswith("dreamweaver") and not in_area(module, "admin")
              for name in names if name.startswith("_")]
    assert broken == []


def test_area_packages_hold_only_a_docstring():
    for area in ("blog", "comments"):
        tree = ast.parse((PACKAGE / area / "__init__.py").read_text())
        assert len(tree.body) == 1 and isinstance(tree.body[0].value, ast.Constant), area


def test_hooks_run_in_the_order_the_caches_need():
    """The generation is read before anything else reads content; the page
    cache stores the response as it leaves, after every other hook (Flask
    runs after-request hooks in reverse order of registration); the page
    cache's lookup wraps the app inside the proxy fix, so its key sees the
    reader's scheme and host."""
    app = create_app({**TEST_SETTINGS, "PROXY_FIX_HOPS": 1})
    assert app.before_request_funcs[None][0] is caching.read_first
    assert app.after_request_funcs[None][0] is pages.revalidate
    assert isinstance(app.wsgi_app, ProxyFix)
    assert isinstance(app.wsgi_app.app, pages.PageCache)


def test_no_test_module_imports_another_or_conftest():
    """Tests share what they share through tests/support/ and fixtures: importing
    a test module would run (and collect) its tests again wherever it is
    imported, and a conftest is pytest's to load, once."""
    root = PACKAGE.parent
    broken = []
    for path in sorted((root / "tests").rglob("*.py")):
        for module, names in imports(path):
            for dotted in (module, *(f"{module}.{name}" for name in names)):
                parts = dotted.split(".")
                source = root.joinpath(*parts).with_suffix(".py")
                if "conftest" in parts or (parts[0] == "tests" and source.is_file()
                                           and source.name.startswith("test_")):
                    broken.append((str(path.relative_to(root)), dotted))
    assert broken == []
