"""Responsive variants, made off the request by the task queue: a few widths
of each image in AVIF and WebP, and in the original's own kind (JPEG, or PNG
where there is transparency) for browsers that take neither.

Memory stays bounded for large images: a JPEG is decoded straight at the
smallest scale that still covers the widest variant (libjpeg scales while it
decodes: a 50-megapixel photo is read at an eighth or a quarter of its
pixels), and each narrower width is made from the one before it.
"""

from __future__ import annotations

import io
import logging

from PIL import Image

from .. import tasks
from ..extensions import db
from ..models import Media
from . import pictures, storage
from .images import FORMATS
from .keys import variant_key

log = logging.getLogger(__name__)

# The widths a post's images are offered at: a phone at 1x to a wide screen at
# 2x; 1280 covers a 390 px phone at DPR 3 (1,170 px).
WIDTHS = (320, 640, 960, 1280, 1600, 2048)
# AVIF first (the smallest at the same look), then WebP, then the fallback.
MODERN = ("AVIF", "WEBP")
QUALITY = {"AVIF": 55, "WEBP": 78, "JPEG": 82}
# libavif's speed 0-10: 7 takes about a fifth of the default's time for a few
# per cent more bytes.
AVIF_SPEED = 7


def widths_for(width: int) -> list[int]:
    """The variant widths of an image `width` pixels wide: each standard width
    below it, and its own width when that is under the widest."""
    chosen = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        chosen.append(width)
    return chosen


@tasks.task(retries=3, retry_delay=30)
def make_variants(media_id: int) -> None:
    media = db.session.get(Media, media_id)
    if media is None or media.state == "ready":
        return  # deleted since, or done by an earlier try
    if media.animated:
        # A variant would be its first frame only: animations show as uploaded.
        media.variants, media.state = [], "ready"
        db.session.commit()
        return
    store = storage.current()
    try:
        with store.open(media.key) as stream:
            made = _make(media, stream, store)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, OSError) and not isinstance(error, Image.UnidentifiedImageError):
            raise  # storage trouble: the queue tries again later
        log.warning("media %s: no variants (%s)", media_id, error)
        media.state = "failed"
        db.session.commit()
        return
    media.variants, media.state = made, "ready"
    # The posts showing it offer the variants from now on, in the same commit.
    pictures.refresh_posts_showing(media)
    db.session.commit()


def _make(media: Media, stream, store) -> list[dict]:
    widths = widths_for(media.width)
    with Image.open(stream) as source:
        icc = source.info.get("icc_profile")
        widest = widths[-1]
        height_at = round(media.height * widest / media.width)
        if source.format == "JPEG":
            source.draft("RGB", (widest, height_at))
        alpha = _has_alpha(source)
        # Stored originals are upright already (images.accept).
        image = source.convert("RGBA" if alpha else "RGB")
    made = []
    fallback = "PNG" if alpha else "JPEG"
    for width in reversed(widths):
        height = max(1, round(media.height * width / media.width))
        if image.size != (width, height):
            image = image.resize((width, height), Image.LANCZOS, reducing_gap=2.0)
        for fmt in (*MODERN, fallback):
            if fmt == fallback and width == media.width and FORMATS[fmt][0] == media.mime:
                continue  # the original itself is this variant
            data = _encode(image, fmt, icc)
            key = variant_key(media.key, width, FORMATS[fmt][1])
            store.save(key, data, FORMATS[fmt][0])
            made.append({"width": width, "height": height, "format": FORMATS[fmt][1],
                         "key": key, "size": len(data)})
    made.sort(key=lambda v: (v["format"], v["width"]))
    return made


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _encode(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    if fmt in QUALITY:
        options["quality"] = QUALITY[fmt]
    if fmt == "AVIF":
        options["speed"] = AVIF_SPEED
    if fmt == "JPEG":
        options["optimize"] = True
        options["progressive"] = True
    elif fmt == "PNG":
        options["optimize"] = False  # zlib's default level: optimize triples the time
    image.save(out, fmt, **options)
    return out.getvalue()
