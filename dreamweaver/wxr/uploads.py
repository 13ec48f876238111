"""Files read from the copy of a WordPress site's wp-content/uploads folder
that `import-wxr --uploads DIR` is given.

The path of each file comes from the export (an attachment's
_wp_attached_file or its URL), which is input like any other: a path that
leaves DIR (an absolute one, "..", a symlink pointing outside) is refused, and
nothing outside DIR is ever opened.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from ..media.old_paths import clean

UPLOADS = "/wp-content/uploads/"
# WordPress.com serves uploads from <site>.files.wordpress.com/<yyyy>/<mm>/...
WPCOM_FILES = ".files.wordpress.com"
# Jetpack's image CDN: i0.wp.com/<host>/<path> is <host>/<path>.
PHOTON = ("i0.wp.com", "i1.wp.com", "i2.wp.com", "i3.wp.com")


class Unreadable(Exception):
    """A file we will not or cannot read; the message says which and why."""

    def __init__(self, message: str, missing: bool = False):
        super().__init__(message)
        self.message = message
        self.missing = missing


def host_and_path(url: str) -> tuple[str, str] | None:
    """(host in lower case, path) of an absolute or scheme-relative URL, with
    Jetpack's CDN prefix taken off; ("", path) for a path alone; None for
    anything else (mailto:, data:, unparseable)."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if bool(parts.scheme) != bool(host):
        return None
    path = parts.path
    if host in PHOTON:
        inner_host, _, rest = path.lstrip("/").partition("/")
        host, path = inner_host.lower(), "/" + rest
    return host, path


def path_in_url(url: str) -> tuple[str, str, str] | None:
    """(host, the path of the uploads folder on it, the file's path under it)
    for a URL WordPress gives an upload; None when it names no upload."""
    found = host_and_path(url)
    if found is None:
        return None
    host, path = found
    at = path.find(UPLOADS)
    if at >= 0:
        base, relative = path[:at + len(UPLOADS)], path[at + len(UPLOADS):]
    elif host.endswith(WPCOM_FILES):
        base, relative = "/", path[1:]
    else:
        return None
    relative = clean(relative)
    return (host, base, relative) if relative else None


def open_upload(root: Path, relative: str, max_bytes: int) -> BinaryIO:
    """The file at `relative` under `root`, opened for reading; Unreadable when
    the path leaves `root`, the file is missing, not a regular file, or too big."""
    path = clean(relative)
    if path is None:
        raise Unreadable(f"{relative!r}: not a path inside the uploads folder")
    base = root.resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base):
        raise Unreadable(f"{relative}: leads outside the uploads folder (a symlink)")
    try:
        info = target.stat()
    except OSError:
        raise Unreadable(f"{relative}: not in the uploads folder", missing=True) from None
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable(f"{relative}: not a regular file")
    if info.st_size > max_bytes:
        raise Unreadable(f"{relative}: larger than {max_bytes / 1024 / 1024:.0f} MB")
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise Unreadable(f"{relative}: cannot be read ({error.strerror})") from None
    return os.fdopen(fd, "rb")
