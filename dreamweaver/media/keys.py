"""Storage keys: made by us from the upload's date and a random token, so no
name an uploader chose reaches the filesystem or the bucket."""

import re
import secrets
from datetime import datetime

EXTENSIONS = ("jpg", "png", "gif", "webp", "avif")
_KEY = re.compile(r"[0-9]{4}/[0-9]{2}/[0-9a-f]{16}(?:-[0-9]{1,5}w)?\.(?:jpg|png|gif|webp|avif)")


def new_key(when: datetime, extension: str) -> str:
    if extension not in EXTENSIONS:
        raise ValueError(extension)
    return f"{when:%Y/%m}/{secrets.token_hex(8)}.{extension}"


def variant_key(key: str, width: int, extension: str) -> str:
    if extension not in EXTENSIONS:
        raise ValueError(extension)
    stem = key.rsplit(".", 1)[0]
    return f"{stem}-{width}w.{extension}"


def is_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None
