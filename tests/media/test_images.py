"""What an upload is, decided by its bytes (media/images.py)."""

import io

import pytest

from dreamweaver.media.images import Refused, accept
from tests.support import images

LIMIT = 100_000_000


def accepted(data: bytes, limit: int = LIMIT):
    return accept(io.BytesIO(data), limit)


@pytest.mark.parametrize("fmt, mime", [("JPEG", "image/jpeg"), ("PNG", "image/png"),
                                       ("GIF", "image/gif"), ("WEBP", "image/webp"),
                                       ("AVIF", "image/avif")])
def test_each_accepted_format_is_stored_as_itself(fmt, mime):
    result = accepted(images.encoded(images.picture(64, 48), fmt))
    assert (result.format, result.mime, result.width, result.height) == (fmt, mime, 64, 48)
    assert images.opened(result.data).format == fmt


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "AVIF"])
def test_gps_camera_and_every_other_exif_field_are_gone(fmt):
    data = images.encoded(images.picture(64, 48), fmt, exif=images.phone_exif())
    assert images.CAMERA.encode() in data  # the upload carried them
    stored = accepted(data).data
    assert images.CAMERA.encode() not in stored
    assert dict(images.opened(stored).getexif()) == {}


def test_orientation_is_applied_to_the_pixels():
    # Orientation 6: the camera was turned; shown upright the picture is 480 wide
    # and its left (red) half comes out on top.
    result = accepted(images.jpeg(640, 480, orientation=6))
    assert (result.width, result.height) == (480, 640)
    stored = images.opened(result.data)
    top = stored.getpixel((240, 20))
    bottom = stored.getpixel((240, 620))
    assert top[0] > top[2] and bottom[2] > bottom[0]


def test_jpeg_comment_and_trailing_payload_are_not_stored():
    data = images.encoded(images.picture(64, 48), "JPEG", comment=b"my home address")
    stored = accepted(data + b"<?php system($_GET['c']); ?>").data
    assert b"home address" not in stored and b"<?php" not in stored


def test_the_colour_profile_is_kept():
    data, profile = images.with_profile("JPEG")
    assert images.opened(accepted(data).data).info.get("icc_profile") == profile


def test_animation_keeps_its_frames_and_loses_its_comment():
    result = accepted(images.animated_gif())
    stored = images.opened(result.data)
    assert result.animated and stored.n_frames == 3
    assert images.CAMERA.encode() not in result.data


def test_transparency_is_kept():
    stored = images.opened(accepted(images.png_with_alpha()).data)
    assert stored.mode == "RGBA" and stored.getpixel((5, 5))[3] == 128


@pytest.mark.parametrize("data, words", [
    (images.svg(), "SVG"),
    (b"<html><body><script>alert(1)</script></body></html>", "SVG"),
    (b"%PDF-1.7\n1 0 obj<<>>endobj", "not an image we accept"),
    (b"GIF89a" + b"\x00" * 10, "not an image we accept"),
    (images.encoded(images.picture(20, 20), "BMP"), "not an image we accept"),
    (images.encoded(images.picture(20, 20), "TIFF"), "not an image we accept"),
    (b"", "empty"),
])
def test_what_is_not_an_accepted_image_is_refused(data, words):
    with pytest.raises(Refused) as refused:
        accepted(data)
    assert refused.value.status == 422 and words in refused.value.message


def test_truncated_image_is_refused():
    with pytest.raises(Refused, match="damaged or incomplete"):
        accepted(images.truncated_jpeg())


def test_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(Refused, match="too large"):
        accepted(images.bomb_png())  # 400 megapixels in 50 KB


def test_pixel_limit_is_the_configured_one():
    data = images.jpeg(200, 100)
    assert accepted(data, limit=20_000).width == 200
    with pytest.raises(Refused, match="too large"):
        accepted(data, limit=19_999)


def test_frames_count_toward_the_pixel_limit():
    data = images.animated_gif(3, size=(100, 100))
    with pytest.raises(Refused, match="3 frames"):
        accepted(data, limit=25_000)


def test_a_png_named_jpg_is_a_png():
    # The name plays no part: accept() never sees it, and the bytes say PNG.
    assert accepted(images.encoded(images.picture(10, 10), "PNG")).extension == "png"


def test_formats_pillow_could_open_but_we_do_not_list_are_refused():
    # EPS would start Ghostscript, were its plugin tried: the list keeps it out.
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
    with pytest.raises(Refused, match="not an image we accept"):
        accepted(eps)
