"""Where readers' browsers fetch a media file: the storage's own address for it."""

from ..models import Media
from . import storage

THUMBNAIL_WIDTH = 320
THUMBNAIL_FORMATS = ("webp", "avif")


def url_of(key: str) -> str:
    return storage.current().url(key)


def original_url(media: Media) -> str:
    return url_of(media.key)


def thumbnail_url(media: Media, width: int = THUMBNAIL_WIDTH) -> str:
    """The narrowest WebP variant at least `width` wide, else the original."""
    fitting = [v for v in media.variants or () if v["format"] == "webp" and v["width"] >= width]
    if fitting:
        return url_of(min(fitting, key=lambda v: v["width"])["key"])
    return original_url(media)
