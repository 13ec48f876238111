"""Upload-to-ready time and peak memory for photographs of 2, 12, 24 and 50
megapixels, through the real path: the upload request in one process, the
variants made by a real `flask worker` in another.

`python bench/media.py [--sizes 2,12,24,50]` prints, for each size: the JPEG's
bytes, the upload request's time and its process's peak RSS, the time from
the start of the upload until the media is ready (all variants stored), the
worker's peak RSS, and the bytes of the variant a 390 px phone at DPR 3
downloads (the 1280-wide AVIF). Figures are in bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def photo_jpeg(megapixels: float, orientation: int = 6) -> bytes:
    """A photograph-like JPEG (texture and gradients, so it compresses like a
    photo, not like noise or a flat colour) with a phone's EXIF (orientation 6:
    a phone held upright, which the upload turns)."""
    from PIL import Image, ImageFilter

    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    tile = 1024
    texture = Image.merge("RGB", [Image.effect_noise((tile, tile), 50 + 15 * i).convert("L")
                                  for i in range(3)]).filter(ImageFilter.GaussianBlur(1.2))
    image = Image.new("RGB", (width, height))
    for x in range(0, width, tile):
        for y in range(0, height, tile):
            image.paste(texture, (x, y))
    shade = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(image, shade, 0.45)
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def peak_rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


UPLOAD = r"""
import io, json, sys, time
sys.path.insert(0, sys.argv[1])
from bench.media import peak_rss_mb
from dreamweaver import create_app
from tests.support.auth import Auth
from tests.support.factories import Factory
from tests.support.settings import TEST_SETTINGS
from tests.support.uploads import upload
app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": sys.argv[2],
                  "MEDIA_STORAGE_URL": sys.argv[3], "TASKS_INLINE": False,
                  "TASKS_SQLITE_PATH": sys.argv[4], "MEDIA_MAX_BYTES": 200 * 1024 * 1024})
client = app.test_client()
Auth(client, Factory(app)).login()
data = open(sys.argv[5], "rb").read()
before = peak_rss_mb()
started = time.time()
response = upload(client, ("photo.jpg", data))
took = time.time() - started
assert response.status_code == 303, response.status_code
print(json.dumps({"started": started, "request": took, "rss_before": before,
                  "rss_peak": peak_rss_mb()}))
"""


def migrate(database_uri: str) -> None:
    from flask_migrate import upgrade

    from dreamweaver import create_app
    from tests.support.settings import TEST_SETTINGS

    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        upgrade()


def ready_state(database_uri: str):
    import sqlalchemy as sa

    engine = sa.create_engine(database_uri)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT state, variants FROM media")).first()
    engine.dispose()
    return row


def measure(megapixels: float, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    database_uri = f"sqlite:///{work / 'site.sqlite'}"
    media_url = (work / "media").as_uri()
    queue = str(work / "tasks.sqlite3")
    migrate(database_uri)
    jpeg = work / "photo.jpg"
    jpeg.write_bytes(photo_jpeg(megapixels))
    env = {**os.environ, "FLASK_SECRET_KEY": "bench", "FLASK_SQLALCHEMY_DATABASE_URI": database_uri,
           "FLASK_MEDIA_STORAGE_URL": media_url, "FLASK_TASKS_SQLITE_PATH": queue,
           "FLASK_TASKS_INLINE": "false"}
    worker = subprocess.Popen([str(BIN / "flask"), "--app", "app", "worker", "--threads", "1"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)  # the worker is up and idle
        worker_idle = peak_rss_mb(worker.pid)
        result = subprocess.run([sys.executable, "-c", UPLOAD, str(ROOT), database_uri, media_url,
                                 queue, str(jpeg)], cwd=ROOT, capture_output=True, text=True,
                                check=True)
        upload = json.loads(result.stdout.strip().splitlines()[-1])
        while True:
            row = ready_state(database_uri)
            if row and row[0] != "processing":
                ready_at = time.time()
                break
            time.sleep(0.05)
        worker_peak = peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    variants = row[1] if isinstance(row[1], list) else json.loads(row[1])
    phone = next((v["size"] for v in variants if v["format"] == "avif" and v["width"] == 1280),
                 None)
    return {"megapixels": megapixels, "jpeg_bytes": jpeg.stat().st_size,
            "request_s": upload["request"], "upload_rss_before_mb": upload["rss_before"],
            "upload_rss_peak_mb": upload["rss_peak"],
            "upload_to_ready_s": ready_at - upload["started"], "state": row[0],
            "worker_idle_mb": worker_idle, "worker_peak_mb": worker_peak,
            "variants": len(variants), "variant_bytes": sum(v["size"] for v in variants),
            "phone_avif_1280_bytes": phone}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,12,24,50")
    args = parser.parse_args()
    print(f"{'MP':>4} {'JPEG':>9} {'request':>8} {'req RSS':>12} {'to ready':>9} "
          f"{'worker RSS':>14} {'variants':>9} {'phone AVIF':>10}")
    for size in (float(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="dw-media-bench-") as work:
            r = measure(size, Path(work))
        print(f"{r['megapixels']:>4g} {r['jpeg_bytes'] / 1e6:>7.1f}MB {r['request_s']:>7.2f}s "
              f"{r['upload_rss_before_mb']:>5.0f}->{r['upload_rss_peak_mb']:<4.0f}MB "
              f"{r['upload_to_ready_s']:>8.2f}s {r['worker_idle_mb']:>5.0f}->"
              f"{r['worker_peak_mb']:<5.0f}MB {r['variants']:>9} "
              f"{(r['phone_avif_1280_bytes'] or 0) / 1024:>8.0f}KB  ({r['state']})")


if __name__ == "__main__":
    main()
