"""The addresses a WordPress site gave its uploads, and the media they are now.

WordPress keeps an upload at wp-content/uploads/<path> (Media.source_path)
and writes smaller copies beside it with the size in the name:
photo.jpg -> photo-300x200.jpg. Since WordPress 5.3 a big upload is scaled
down and the scaled copy is the attachment (photo-scaled.jpg, or
photo-rotated.jpg when only turned upright), its sizes still named after the
original (photo-300x200.jpg). So one media answers to its own path, to the
name without a size, and to the name without -scaled/-rotated.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

import sqlalchemy as sa

from ..extensions import db
from ..models import Media

# The longest path we look up (Media.source_path's column), and anything
# longer is not one of ours.
MAX_PATH = 500
_SIZE = re.compile(r"-([0-9]{1,5})x([0-9]{1,5})(\.[A-Za-z0-9]{1,5})$")
_ORIGINAL = re.compile(r"-(?:scaled|rotated)(\.[A-Za-z0-9]{1,5})$")


def clean(path: str) -> str | None:
    """`path` (relative to the uploads folder, %-escapes undone) when it is one a
    WordPress site could have written: no empty, "." or ".." part, no backslash
    or control character, not absolute, not too long; None otherwise."""
    path = unquote(path)
    if (not path or len(path) > MAX_PATH or path.startswith("/") or "\\" in path
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in path)):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return path


def size_of(path: str) -> tuple[str, int | None]:
    """(the path without a WordPress size suffix, the width that suffix asked
    for or None)."""
    found = _SIZE.search(path)
    if not found:
        return path, None
    return path[:found.start()] + found.group(3), int(found.group(1))


def candidates(path: str) -> list[str]:
    """The source paths that `path` can name, best first: itself, the full size
    it is a copy of, and that one's -scaled and -rotated attachments."""
    base, _width = size_of(path)
    stem, extension = posixpath.splitext(base)
    return list(dict.fromkeys([path, base, f"{stem}-scaled{extension}",
                               f"{stem}-rotated{extension}"]))


def original_of(path: str) -> str:
    """A -scaled or -rotated attachment's path as the original's name."""
    return _ORIGINAL.sub(r"\1", path)


def find(path: str) -> tuple[Media, int | None] | None:
    """The media at old upload path `path` (already clean), and the width its
    size suffix asked for (None for the file itself)."""
    wanted = candidates(path)
    rows = db.session.scalars(sa.select(Media).where(Media.source_path.in_(wanted))
                              .order_by(Media.id)).all()
    for candidate in wanted:
        for media in rows:
            if media.source_path == candidate:
                return media, (None if candidate == path else size_of(path)[1])
    return None


def best_key(media: Media, width: int | None) -> str:
    """What an old URL of `media` asking for `width` pixels gets: the narrowest
    variant at least that wide in the original's own format (a feed reader or
    an old page that asked for photo-300x200.jpg gets a JPEG), else the
    original."""
    if width is None:
        return media.key
    extension = media.key.rsplit(".", 1)[1]
    fitting = [v for v in media.variants or ()
               if v["format"] == extension and v["width"] >= width]
    if not fitting:
        return media.key
    return min(fitting, key=lambda v: v["width"])["key"]
