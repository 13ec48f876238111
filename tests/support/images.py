"""Images made for tests: photographs with the metadata a phone writes (GPS,
camera, orientation), other formats, and the broken and hostile files an
upload must refuse."""

import functools
import io

from PIL import Image, ImageCms

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
CAMERA = "PhoneCamSecretModel"


def phone_exif(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[MAKE] = CAMERA
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 31.0, 12.5), 3: "E", 4: (13.0, 24.0, 1.5)})
    return exif.tobytes()


def picture(width: int = 640, height: int = 480, mode: str = "RGB") -> Image.Image:
    """A picture with detail in it (a flat colour compresses to nothing), its
    left half red and right half blue, so orientation can be checked."""
    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    if mode == "RGB":
        left = Image.new("RGB", (width // 2, height), (220, 30, 30))
        right = Image.new("RGB", (width - width // 2, height), (30, 30, 220))
        image.paste(Image.blend(left, image.crop((0, 0, width // 2, height)), 0.3), (0, 0))
        image.paste(Image.blend(right, image.crop((width // 2, 0, width, height)), 0.3),
                    (width // 2, 0))
    return image


def noisy(width: int, height: int) -> Image.Image:
    """A picture that hardly compresses: a file of roughly 3 bytes a pixel as PNG."""
    return Image.merge("RGB", [Image.effect_noise((width, height), 90 + 10 * i).convert("L")
                               for i in range(3)])


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg(width: int = 640, height: int = 480, orientation: int = 1, **options) -> bytes:
    """A phone's JPEG: GPS position, camera model, orientation tag."""
    return encoded(picture(width, height), "JPEG", exif=phone_exif(orientation),
                   quality=85, **options)


def png_with_alpha(width: int = 200, height: int = 100) -> bytes:
    image = picture(width, height).convert("RGBA")
    image.putalpha(128)
    return encoded(image, "PNG")


def animated_gif(frames: int = 3, size=(40, 30)) -> bytes:
    images = [Image.new("RGB", size, colour) for colour in ("red", "green", "blue")][:frames]
    return encoded(images[0], "GIF", save_all=True, append_images=images[1:], duration=80,
                   loop=0, comment=b"made by " + CAMERA.encode())


def with_profile(fmt: str = "JPEG") -> tuple[bytes, bytes]:
    """An image with a (non-sRGB) colour profile, and that profile's bytes."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    return encoded(picture(120, 80), fmt, icc_profile=profile), profile


def svg() -> bytes:
    return (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(document.cookie)</script></svg>')


def truncated_jpeg() -> bytes:
    data = jpeg(800, 600)
    return data[: len(data) // 2]


@functools.cache
def bomb_png(side: int = 20_000) -> bytes:
    """A PNG of side×side pixels that compresses to a few hundred kilobytes."""
    return encoded(Image.new("1", (side, side)), "PNG")


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
