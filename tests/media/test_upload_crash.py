"""A gunicorn worker killed mid-upload leaves nothing half-stored: no row, and
no file that the sweep (library.sweep) does not remove. The real app under
gunicorn, a real upload over a socket, SIGKILL at a moment the test sees:
how much of the file the worker has written to its temporary file, which
/proc/<worker>/io counts (the form parser spools a file part there as it
reads the body)."""

import functools
import http.client
import json
import os
import re
import signal
import socket
import time
import urllib.parse
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.media import library, storage
from dreamweaver.models import Media
from tests.support import images
from tests.support.auth import CSRF_FIELD
from tests.support.factories import Factory, empty_database
from tests.support.s3 import HeldAnswers
from tests.support.servers import Server
from tests.support.settings import TEST_SETTINGS

PASSWORD = "correct horse battery"


@functools.cache
def photo_50_megapixels() -> bytes:
    """A 50-megapixel JPEG of about 11 MB (a picture with some grain: a flat
    gradient would compress to under one)."""
    width, height = 8192, 6144
    grain, tile = Image.new("RGB", (width, height)), images.noisy(512, 512)
    for x in range(0, width, 512):
        for y in range(0, height, 512):
            grain.paste(tile, (x, y))
    return images.encoded(Image.blend(images.picture(width, height), grain, 0.12), "JPEG",
                          quality=85)


class Browser:
    """A signed-in admin on the server, cookies and all, over plain HTTP."""

    def __init__(self, server):
        self.server, self.cookie = server, ""

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        connection.request(method, path, body=body,
                           headers={"Cookie": self.cookie, **(headers or {})})
        response = connection.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                self.cookie = value.split(";", 1)[0]
        text = response.read().decode()
        connection.close()
        return response.status, text

    def sign_in(self, login):
        token = CSRF_FIELD.search(self.request("GET", "/admin/login")[1])[1]
        body = urllib.parse.urlencode({"csrf_token": token, "username": login,
                                       "password": PASSWORD})
        status, _ = self.request("POST", "/admin/login", body,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303

    def upload_request(self, name: str, data: bytes) -> tuple[bytes, bytes]:
        """The head and body of the library's multipart upload of one file."""
        token = CSRF_FIELD.search(self.request("GET", "/admin/media/")[1])[1]
        boundary = "dreamweaver-crash-test-boundary"
        body = b"".join([
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{name}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(), data,
            f"\r\n--{boundary}--\r\n".encode()])
        head = (f"POST /admin/media/ HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
                f"Cookie: {self.cookie}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        return head, body


def poll(condition, seconds=15, what="the condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"no {what} after {seconds} s"
        time.sleep(0.005)


def worker_pid(server) -> int:
    """The one gunicorn worker (the master's child) once it is up."""
    master = server.process.pid
    path = Path(f"/proc/{master}/task/{master}/children")
    poll(lambda: path.read_text().split(), what="gunicorn worker")
    [pid] = path.read_text().split()
    return int(pid)


def bytes_written(pid: int) -> int:
    """Everything process `pid` has written to files (sockets not counted)."""
    io = Path(f"/proc/{pid}/io").read_text()
    return int(re.search(r"^wchar: (\d+)$", io, re.M)[1])


def answer(connection: socket.socket) -> bytes:
    """What the server said before the connection closed (nothing, if killed;
    it closes when the worker is dead)."""
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def server_settings(database_uri, folder, **more) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "crash-test-key",
            "TASKS_INLINE": False, "TASKS_SQLITE_PATH": str(folder / "tasks.sqlite3"),
            "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://", **more}


def as_env(settings: dict) -> dict:
    return {f"FLASK_{key}": value if isinstance(value, str) else json.dumps(value)
            for key, value in settings.items()}


@pytest.fixture(scope="module")
def served(database_uri, _migrated, tmp_path_factory):
    """The app under gunicorn (one worker, replaced when killed) with a media
    folder and a folder for its temporary files; and the same app in-process."""
    folder = tmp_path_factory.mktemp("crash")
    media, scratch = folder / "media", folder / "tmp"
    scratch.mkdir()
    settings = server_settings(database_uri, folder, MEDIA_STORAGE_URL=media.as_uri())
    server = Server({**os.environ, **as_env(settings), "TMPDIR": str(scratch)})
    app = create_app({**TEST_SETTINGS, **settings})
    yield server, app, scratch
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def site(served):
    """The server, an admin signed in to it, the app and the temporary folder;
    the database is emptied afterwards."""
    server, app, scratch = served
    Factory(app).account("owner", "administrator", PASSWORD)
    browser = Browser(server)
    browser.sign_in("owner")
    yield server, browser, app, scratch
    empty_database(app)


def assert_nothing_half_stored(app, scratch):
    with app.app_context():
        assert db.session.scalars(sa.select(Media)).all() == []
        library.sweep(now=time.time() + 10 * library.ORPHAN_AGE)
        assert list(storage.current().keys()) == []
    assert list(scratch.iterdir()) == []  # the half-read body was in an unlinked file


def test_worker_killed_mid_body_leaves_nothing(site):
    server, browser, app, scratch = site
    head, body = browser.upload_request("big.jpg", photo_50_megapixels())
    pid = worker_pid(server)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        before = bytes_written(pid)
        half = len(body) // 2
        connection.sendall(head)
        for start in range(0, half, 256 * 1024):  # slowly, in pieces
            connection.sendall(body[start:start + 256 * 1024])
        # The worker is reading the body: most of what was sent is in its file.
        poll(lambda: bytes_written(pid) - before > half - 1024 * 1024, what="body read")
        os.kill(pid, signal.SIGKILL)
        assert answer(connection) == b""
    assert_nothing_half_stored(app, scratch)
    # A new worker takes over, and the library is empty.
    status, page = browser.request("GET", "/admin/media/")
    assert status == 200 and "big.jpg" not in page


def test_worker_killed_while_processing_leaves_nothing(site):
    server, browser, app, scratch = site
    head, body = browser.upload_request("big.jpg", photo_50_megapixels())
    pid = worker_pid(server)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        before = bytes_written(pid)
        connection.sendall(head + body)
        # The whole file read: the worker is decoding and re-encoding 50 megapixels.
        poll(lambda: bytes_written(pid) - before >= len(photo_50_megapixels()),
             what="body read")
        os.kill(pid, signal.SIGKILL)
        assert answer(connection) == b""
    assert_nothing_half_stored(app, scratch)
    status, page = browser.request("GET", "/admin/media/")
    assert status == 200 and "big.jpg" not in page


def test_worker_killed_between_storing_and_committing_leaves_what_sweep_removes(
        s3_app_with, bucket, database_uri, tmp_path):
    """The original is in the bucket, the store's answer not back yet, the row
    not committed: the kill leaves one object, which the sweep removes once it
    is old enough to be no upload in progress."""
    app = s3_app_with()
    Factory(app).account("owner", "administrator", PASSWORD)
    held = HeldAnswers(bucket.endpoint)
    server = Server({**os.environ, **bucket.env(),
                     **as_env(server_settings(database_uri, tmp_path,
                                              MEDIA_S3_ENDPOINT_URL=held.endpoint))})
    try:
        browser = Browser(server)
        browser.sign_in("owner")
        head, body = browser.upload_request("photo.jpg", images.jpeg(1200, 900))
        pid = worker_pid(server)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall(head + body)
            poll(bucket.names, what="object in the bucket")
            os.kill(pid, signal.SIGKILL)
            assert answer(connection) == b""
        held.release()
        [name] = bucket.names()
        with app.app_context():
            assert db.session.scalars(sa.select(Media)).all() == []
            assert library.sweep() == 0 and bucket.names() == [name]
            assert library.sweep(now=time.time() + 10 * library.ORPHAN_AGE) == 1
        assert bucket.names() == []
    finally:
        held.release()
        server.stop()
