"""Which candidate a phone's browser takes from a post's <picture>, and its bytes.

`python bench/picture_choice.py [--megapixels 12] [--width 390] [--dpr 3]`
makes a post with one landscape photograph (bench/media.py's photo-like
JPEG, 4,000 × 3,000 at 12 megapixels, without its EXIF rotation), serves it
on 127.0.0.1, opens it in Debian's chromium at that viewport and device
pixel ratio, and prints the URL the browser chose (img.currentSrc) with
that file's bytes, and the width the image is drawn at.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def landscape(data: bytes) -> bytes:
    """The photo as shot, without the EXIF orientation that would stand it up."""
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, "JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megapixels", type=float, default=12)
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    parser.add_argument("--dpr", type=float, default=3)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from bench.media import photo_jpeg
    from dreamweaver import create_app
    from dreamweaver.extensions import db
    from dreamweaver.media import library
    from dreamweaver.media.images import accept
    from dreamweaver.media.pictures import POST_SIZES
    from dreamweaver.models import Media
    from tests.support.factories import Factory
    from tests.support.settings import TEST_SETTINGS

    folder = Path(tempfile.mkdtemp())
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.db",
                      "MEDIA_STORAGE_URL": (folder / "media").as_uri(),
                      "MEDIA_MAX_PIXELS": 60_000_000})
    with app.app_context():
        upgrade()
        media = library.add(accept(io.BytesIO(landscape(photo_jpeg(args.megapixels))),
                                   60_000_000),
                            original_name="photo.jpg", alt="A photograph")
        db.session.commit()
        media_id, key = media.id, media.key
    post = Factory(app).post("One photograph", source=f"Text.\n\n![A photograph](/media/{key})")
    with app.app_context():
        media = db.session.get(Media, media_id)
        sizes = {v["key"]: v["size"] for v in media.variants}
        sizes[media.key] = media.size
        width, height = media.width, media.height
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/{post.published_local:%Y/%m/%d}/{post.slug}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox"])
            context = browser.new_context(
                viewport={"width": args.width, "height": args.height},
                device_scale_factor=args.dpr, is_mobile=True, has_touch=True)
            page = context.new_page()
            page.goto(url, wait_until="load")
            chosen = page.eval_on_selector(".entry-content picture img", "i => i.currentSrc")
            shown = page.eval_on_selector(".entry-content picture img",
                                          "i => i.getBoundingClientRect().width")
            browser.close()
    finally:
        server.shutdown()
    chosen_key = chosen.split("/media/", 1)[1]
    print(f"photo {width}x{height}, {sizes[media.key]:,} bytes as stored")
    print(f"viewport {args.width} CSS px at DPR {args.dpr:g}; sizes=\"{POST_SIZES}\"")
    print(f"image laid out {shown:.0f} CSS px wide = {shown * args.dpr:.0f} device px")
    print(f"chromium chose {chosen_key}: {sizes[chosen_key]:,} bytes")
    for candidate in sorted(k for k in sizes if k.endswith(".avif")):
        print(f"  {candidate}: {sizes[candidate]:,} bytes")


if __name__ == "__main__":
    main()
