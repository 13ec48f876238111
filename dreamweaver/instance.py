"""The instance folder's secrets and private files.

Files that hold secrets or readers' data (the database and its WAL, the
secret key, backups, WXR exports) are readable by their owner only, or by
their group too when FILES_GROUP_READABLE is set. One place decides the mode;
every such file is made through it, and an existing one is only ever
tightened. instance/secret_key is read here, and written by `init-db`.
"""

from __future__ import annotations

import os
import secrets

import click
from flask import current_app

OWNER_ONLY = 0o600
WITH_GROUP = 0o640


def file_mode() -> int:
    return WITH_GROUP if current_app.config.get("FILES_GROUP_READABLE") else OWNER_ONLY


def create_private(path, *, exclusive: bool = False) -> int:
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


def will_serve(app) -> bool:
    """Is this app about to serve requests for real (not debug, testing or a CLI task)?

    Commands such as init-db, which creates the secret key, must still run
    without one; `flask run` and gunicorn must not.
    """
    if app.debug or app.testing:
        return False
    command = click.get_current_context(silent=True)
    return command is None or command.info_name == "run"


def secret_key_path(app) -> str:
    return os.path.join(app.instance_path, "secret_key")


def read_secret_key(app) -> str | None:
    try:
        with open(secret_key_path(app), encoding="ascii") as f:
            return f.read().strip() or None
    except FileNotFoundError:
        return None


def write_secret_key(app) -> bool:
    """Create instance/secret_key (private to its owner) unless it exists or a
    key is configured (FLASK_SECRET_KEY, config.py): the configured key wins,
    so a file beside it would be a second secret that nothing uses."""
    path = secret_key_path(app)
    if app.config.get("SECRET_KEY") and not os.path.exists(path):
        return False
    with app.app_context():
        try:
            fd = create_private(path, exclusive=True)
        except FileExistsError:
            tighten(path)
            return False
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32))
    return True
