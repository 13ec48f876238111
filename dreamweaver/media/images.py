"""What an upload is, decided by its bytes: one of the formats we accept,
whole, and not too many pixels; then made safe to publish.

Pillow reads only the formats listed (so an SVG, a PDF or an HTML page named
photo.jpg is refused before any decoder sees it), the pixel count is checked
from the header before anything is decoded, and the whole image is decoded
once, which finds truncated and corrupt files. What is stored is a new
encoding of the pixels: EXIF orientation applied, no EXIF, XMP, IPTC or
comments (a phone's GPS position lives there), nothing appended after the
image data (polyglot payloads), and the colour profile kept.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> (MIME type, file extension). Each one is here because
# browsers show it in <img>: JPEG, PNG and GIF everywhere, WebP and AVIF in
# every current browser. Others (BMP, TIFF, HEIC, SVG) would need converting
# and a reason.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
    "AVIF": ("image/avif", "avif"),
}
ACCEPTED = "JPEG, PNG, GIF, WebP or AVIF"
# Encoder settings for a re-encoded original: close to the source, as it is
# what "full size" links show. Variants are smaller (variants.py).
ORIGINAL_QUALITY = {"JPEG": 90, "WEBP": 90, "AVIF": 80}
# An animation's frames all count toward the pixel limit (a 1×1 GIF of a
# million frames is a bomb too), and there are at most this many.
MAX_FRAMES = 1000


class Refused(ValueError):
    """An upload we do not store, with the message its uploader sees."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Accepted:
    data: bytes
    format: str
    width: int
    height: int
    animated: bool

    @property
    def mime(self) -> str:
        return FORMATS[self.format][0]

    @property
    def extension(self) -> str:
        return FORMATS[self.format][1]


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html", b"<"))


def open_image(stream: BinaryIO, max_pixels: int) -> Image.Image:
    """The image in `stream`, header read, nothing decoded yet; Refused if it is
    not an accepted format or has too many pixels."""
    head = stream.read(512)
    stream.seek(0)
    if not head:
        raise Refused("This file is empty.")
    try:
        with warnings.catch_warnings():
            # We check the pixel count ourselves, against our own limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=list(FORMATS))
    except Image.DecompressionBombError:
        raise Refused(
            f"This image is too large: at most {max_pixels / 1e6:g} megapixels.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        if _looks_like_markup(head):
            raise Refused("SVG and other markup files are not accepted (they can carry "
                          f"scripts). Upload a {ACCEPTED} image.") from None
        raise Refused(f"This is not an image we accept: upload a {ACCEPTED} file.") from None
    width, height = image.size
    frames = getattr(image, "n_frames", 1)
    if width < 1 or height < 1:
        raise Refused("This image has no pixels.")
    if width * height * min(frames, MAX_FRAMES + 1) > max_pixels or frames > MAX_FRAMES:
        raise Refused(f"This image is too large: at most {max_pixels / 1e6:g} megapixels "
                      f"(this one has {width * height / 1e6:g}"
                      f"{f' in each of {frames} frames' if frames > 1 else ''}).")
    return image


def accept(stream: BinaryIO, max_pixels: int) -> Accepted:
    """The upload in `stream` made ready to publish, or Refused."""
    image = open_image(stream, max_pixels)
    fmt = image.format
    animated = getattr(image, "n_frames", 1) > 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            data = _reencode_animation(image, fmt) if animated else _reencode(image, fmt)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        raise Refused("This image is damaged or incomplete (it could not be read "
                      "to the end). Nothing was stored.") from None
    finally:
        image.close()
    width, height = _size_of(data)
    return Accepted(data=data, format=fmt, width=width, height=height, animated=animated)


def _size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as stored:
        return stored.size


def _reencode(image: Image.Image, fmt: str) -> bytes:
    icc = image.info.get("icc_profile")
    image.load()  # decodes everything: truncated or corrupt files fail here
    upright = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")  # CMYK and YCCK: browsers differ on them
        icc = None  # a CMYK profile no longer describes these pixels
    upright.info = {}  # no EXIF, XMP or comments travel with the pixels
    out = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    if fmt in ORIGINAL_QUALITY:
        options["quality"] = ORIGINAL_QUALITY[fmt]
    if fmt == "GIF" and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    upright.save(out, fmt, **options)
    return out.getvalue()


def _reencode_animation(image: Image.Image, fmt: str) -> bytes:
    """Every frame re-encoded, one at a time (Pillow walks the source's frames
    while it writes), without the metadata the source carried."""
    for key in ("exif", "xmp", "comment", "XML:com.adobe.xmp"):
        image.info.pop(key, None)
    out = io.BytesIO()
    options = {"save_all": True}
    if fmt in ORIGINAL_QUALITY:
        options["quality"] = ORIGINAL_QUALITY[fmt]
    image.save(out, fmt, **options)
    return out.getvalue()
