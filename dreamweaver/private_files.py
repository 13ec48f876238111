"""Files that hold secrets or readers' data (the database and its WAL, the
secret key, backups, WXR exports): readable by their owner only, or by their
group too when FILES_GROUP_READABLE is set. One place decides the mode; every
such file is made through it, and an existing one is only ever tightened."""

from __future__ import annotations

import os

from flask import current_app

OWNER_ONLY = 0o600
WITH_GROUP = 0o640


def file_mode() -> int:
    return WITH_GROUP if current_app.config.get("FILES_GROUP_READABLE") else OWNER_ONLY


def create(path, *, exclusive: bool = False) -> int:
    """Open `path` for writing, created with the private mode (emptied if it
    exists, or FileExistsError when `exclusive`); an open file descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, file_mode())
    try:
        _tighten(fd, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def tighten(path) -> None:
    """Take away from an existing file whatever the private mode does not allow
    (a 0644 database made before this becomes 0600); never widen it."""
    try:
        _tighten(path, os.stat(path).st_mode)
    except FileNotFoundError:
        return
    except PermissionError:  # another user's file: say so, but let the site start
        current_app.logger.warning("%s is readable by others and not ours to chmod: "
                                   "run chmod go-rwx on it", path)


def _tighten(target, mode: int) -> None:
    if mode & 0o777 & ~file_mode():
        os.chmod(target, mode & file_mode())
