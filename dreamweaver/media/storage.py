"""Where media files live: a folder (the instance folder's media/ by default)
or an S3-compatible bucket (s3.py), chosen by MEDIA_STORAGE_URL.

Every key is one we made (keys.py): nothing the uploader sent ever becomes a
path. A file is written whole or not at all (a temporary name, then a rename)
and never changes once written, so it is served as immutable.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app

from .keys import is_key


class StorageError(OSError):
    """The store could not do what was asked (unreachable, timed out, refused)."""


class Storage(Protocol):
    """A store raises OSError when it fails (StorageError for a remote one) and
    FileNotFoundError from open() for a key it does not hold."""

    def save(self, key: str, data: bytes, mime: str) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def url(self, key: str) -> str: ...
    def origin(self) -> str | None: ...
    def keys(self) -> Iterator[tuple[str, float]]: ...
    def remove(self, name: str) -> None: ...


class LocalStorage:
    """Files under `root`, served by the app at /media/<key> (media/views.py)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not is_key(key):
            raise ValueError(f"not a media key: {key!r}")
        return self.root / key

    def save(self, key: str, data: bytes, mime: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(partial, 0o644)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def url(self, key: str) -> str:
        return "/media/" + key

    def origin(self) -> str | None:
        return None  # our own

    def remove(self, name: str) -> None:
        """Delete any stored name keys() gave, key or not (a sweep's leftovers)."""
        path = (self.root / name).resolve()
        if self.root.resolve() in path.parents:
            path.unlink(missing_ok=True)

    def keys(self) -> Iterator[tuple[str, float]]:
        """Every stored name with its modification time (partial files included
        under their own names, so that a sweep can remove them)."""
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            if path.is_file():
                yield path.relative_to(self.root).as_posix(), path.stat().st_mtime


def from_url(app, url: str | None) -> Storage:
    if not url:
        return LocalStorage(os.path.join(app.instance_path, "media"))
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalStorage(url2pathname(parts.path))
    if parts.scheme == "s3":
        from .s3 import S3Storage

        return S3Storage.from_config(app, parts)
    raise ValueError(f"MEDIA_STORAGE_URL must be file:///… or s3://bucket/prefix, not {url!r}")


def init_app(app) -> None:
    app.extensions["media_storage"] = from_url(app, app.config.get("MEDIA_STORAGE_URL"))


def current() -> Storage:
    return current_app.extensions["media_storage"]
