"""Media in an S3-compatible bucket (media/s3.py), against a real local server
(moto's, tests/support/s3.py): what an upload writes there, how readers are
sent to it, deleting and sweeping, the CSP, and a store that is down."""

import http.client
import os
import signal
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.media import library, storage
from dreamweaver.media.s3 import CACHE_CONTROL, S3Storage
from dreamweaver.models import Media
from tests.support import images
from tests.support.auth import Auth, csrf_token
from tests.support.factories import Factory
from tests.support.paths import ROOT
from tests.support.s3 import closed_endpoint
from tests.support.servers import BIN
from tests.support.settings import TEST_SETTINGS
from tests.support.uploads import upload


def signed_in(app):
    client = app.test_client()
    Auth(client, Factory(app)).login()
    return client


def all_media(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Media).order_by(Media.id)))


def fetch(url):
    """GET `url` over HTTP as a browser would: (status, headers, body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def img_src(response) -> str:
    [directive] = [d.strip() for d in response.headers["Content-Security-Policy"].split(";")
                   if d.strip().startswith("img-src")]
    return directive


def test_upload_stores_the_original_and_its_variants_in_the_bucket(s3_app, bucket):
    client = signed_in(s3_app)
    assert upload(client, ("photo.jpg", images.jpeg(1000, 750))).status_code == 303
    [media] = all_media(s3_app)
    assert media.state == "ready" and len(media.variants) == 11
    expected = sorted(f"{bucket.prefix}/{key}" for key in library.files_of(media))
    assert bucket.names() == expected

    status, headers, body = fetch(bucket.url(media.key))
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == CACHE_CONTROL
    assert images.opened(body).size == (1000, 750)
    assert images.CAMERA.encode() not in body  # stripped before it left the app
    for variant in media.variants:
        status, headers, body = fetch(bucket.url(variant["key"]))
        assert headers["Content-Type"] == f"image/{variant['format']}".replace("jpg", "jpeg")
        assert headers["Cache-Control"] == CACHE_CONTROL
        assert images.opened(body).size == (variant["width"], variant["height"])


def test_media_urls_send_readers_to_the_bucket(s3_app, bucket):
    client = signed_in(s3_app)
    upload(client, ("photo.png", images.encoded(images.picture(400, 300), "PNG")))
    [media] = all_media(s3_app)
    response = client.get(f"/media/{media.key}")
    assert response.status_code == 301 and response.location == bucket.url(media.key)
    assert client.get("/media/2026/12/0123456789abcdef.svg").status_code == 404
    with s3_app.test_request_context():
        assert storage.current().url(media.key) == bucket.url(media.key)
        page = client.get(f"/admin/media/{media.id}/").get_data(as_text=True)
    assert bucket.url(media.key) in page  # the library shows the bucket's file


def test_delete_removes_the_object_and_every_variant(s3_app, bucket):
    client = signed_in(s3_app)
    upload(client, ("photo.jpg", images.jpeg(700, 500)))
    [media] = all_media(s3_app)
    assert len(bucket.names()) == 1 + len(media.variants) > 1
    response = client.post(f"/admin/media/{media.id}/delete",
                           data={"csrf_token": csrf_token(client, f"/admin/media/{media.id}/")})
    assert response.status_code == 303
    assert all_media(s3_app) == [] and bucket.names() == []


def test_sweep_removes_old_orphans_under_the_prefix_only(s3_app, bucket):
    client = signed_in(s3_app)
    upload(client, ("kept.jpg", images.jpeg(400, 300)))
    [media] = all_media(s3_app)
    kept = sorted(f"{bucket.prefix}/{key}" for key in library.files_of(media))
    orphans = [f"{bucket.prefix}/2026/01/00000000000000aa.jpg",
               f"{bucket.prefix}/2026/01/00000000000000aa-320w.webp",
               f"{bucket.prefix}/stray upload.tmp"]
    outside = ["other-site/2026/01/00000000000000bb.jpg", "index.html",
               "site/media-old/2026/01/00000000000000cc.jpg"]
    for name in orphans + outside:
        bucket.client.put_object(Bucket=bucket.name, Key=name, Body=b"x")
    with s3_app.app_context():
        assert library.sweep() == 0  # young orphans may be uploads not yet committed
        assert bucket.names() == sorted(kept + orphans + outside)
        assert library.sweep(now=time.time() + library.ORPHAN_AGE + 60) == len(orphans)
    assert bucket.names() == sorted(kept + outside)


def test_storage_lists_every_page_and_tells_missing_from_present(s3_app, bucket):
    with s3_app.app_context():
        store = storage.current()
        assert isinstance(store, S3Storage)
        keys = [f"2026/02/{n:016x}.png" for n in range(7)]
        for key in keys:
            store.save(key, b"png", "image/png")
        store.page_size = 2  # so that keys() must follow the pages
        listed = list(store.keys())
        assert sorted(name for name, _ in listed) == keys
        assert all(abs(when - time.time()) < 300 for _, when in listed)
        assert store.exists(keys[0]) and not store.exists("2026/02/ffffffffffffffff.png")
        with store.open(keys[0]) as stream:
            assert stream.read() == b"png"
        with pytest.raises(FileNotFoundError):
            store.open("2026/02/ffffffffffffffff.png")
        with pytest.raises(ValueError):
            store.save("../../escape.png", b"x", "image/png")
        store.delete(keys[0])
        assert not store.exists(keys[0])


def test_csp_allows_exactly_the_bucket_origin(s3_app, bucket):
    response = s3_app.test_client().get("/")
    assert img_src(response) == f"img-src 'self' data: {bucket.endpoint}"


def test_public_url_names_the_cdn_for_files_and_csp(s3_app_with, bucket):
    app = s3_app_with(MEDIA_PUBLIC_URL="https://cdn.example.org/")
    client = signed_in(app)
    upload(client, ("photo.jpg", images.jpeg(300, 200)))
    [media] = all_media(app)
    response = client.get(f"/media/{media.key}")
    assert response.location == f"https://cdn.example.org/{bucket.prefix}/{media.key}"
    assert img_src(client.get("/")) == "img-src 'self' data: https://cdn.example.org"


def test_local_storage_adds_no_origin_and_serves_nosniff(client, auth, app):
    assert img_src(client.get("/")) == "img-src 'self' data:"
    auth.login()
    upload(client, ("a.gif", images.animated_gif()))
    [media] = all_media(app)
    response = client.get(f"/media/{media.key}")
    assert response.mimetype == "image/gif"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_bad_storage_settings_stop_the_app_at_start(database_uri):
    settings = {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri}
    for url in ("s3://A_Bucket/media", "s3://ok-bucket/../up", "s3://x/media"):
        with pytest.raises(ValueError, match="MEDIA_STORAGE_URL"):
            create_app({**settings, "MEDIA_STORAGE_URL": url})
    for name, value in (("MEDIA_PUBLIC_URL", "cdn.example.org"),
                        ("MEDIA_PUBLIC_URL", "https://cdn.example.org/?x=1"),
                        ("MEDIA_S3_ENDPOINT_URL", "ftp://s3.example.org")):
        with pytest.raises(ValueError, match=name):
            create_app({**settings, "MEDIA_STORAGE_URL": "s3://ok-bucket/media", name: value})


@pytest.mark.parametrize("broken", ["closed port", "missing bucket"])
def test_a_store_that_fails_refuses_the_upload_and_keeps_nothing(s3_app_with, bucket, broken):
    if broken == "closed port":
        app = s3_app_with(MEDIA_S3_ENDPOINT_URL=closed_endpoint())
    else:
        app = s3_app_with(MEDIA_STORAGE_URL=f"s3://{bucket.name}-gone/media")
    client = signed_in(app)
    started = time.monotonic()
    response = upload(client, ("photo.jpg", images.jpeg(400, 300)))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and time.monotonic() - started < 10
    assert "photo.jpg" in page and "media store could not take this file" in page
    assert "Traceback" not in page
    htmx = upload(client, ("photo.jpg", images.jpeg(400, 300)), headers={"HX-Request": "true"})
    assert htmx.status_code == 503 and "nothing was stored" in htmx.get_data(as_text=True)
    assert all_media(app) == [] and bucket.names() == []


def test_worker_makes_the_variants_into_the_bucket(s3_app_with, bucket, database_uri,
                                                   tmp_path):
    queue = str(tmp_path / "tasks.sqlite3")
    app = s3_app_with(TASKS_INLINE=False, TASKS_SQLITE_PATH=queue)
    upload(signed_in(app), ("photo.jpg", images.jpeg(900, 600)))
    [media] = all_media(app)
    assert media.state == "processing" and len(bucket.names()) == 1
    env = {**os.environ, **bucket.env(), "FLASK_SECRET_KEY": "test-secret-key",
           "FLASK_SQLALCHEMY_DATABASE_URI": database_uri, "FLASK_TASKS_INLINE": "false",
           "FLASK_TASKS_SQLITE_PATH": queue}
    worker = subprocess.Popen([str(BIN / "flask"), "--app", "app", "worker", "--threads", "1"],
                              cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while (media := all_media(app)[0]).state != "ready":
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            assert time.time() < deadline, "no variants after 30 s"
            time.sleep(0.1)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=10)
    assert bucket.names() == sorted(f"{bucket.prefix}/{key}" for key in library.files_of(media))
