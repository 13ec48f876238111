"""The real task queue: an upload answers at once, and a separate worker
process (`flask worker`) makes the variants, through huey's SQLite storage on
one machine and through Redis across machines."""

import contextlib
import os
import signal
import subprocess
import time

import pytest
import sqlalchemy as sa

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.models import Media
from tests.support import images
from tests.support.auth import Auth
from tests.support.factories import Factory
from tests.support.paths import ROOT
from tests.support.servers import BIN, REDIS
from tests.support.settings import TEST_SETTINGS
from tests.support.uploads import upload


def queued_app(database_uri, media_root, **queue):
    return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                       "MEDIA_STORAGE_URL": media_root.as_uri(), "TASKS_INLINE": False,
                       **queue})


@contextlib.contextmanager
def worker(database_uri, media_root, **queue):
    """`flask worker` running on the test database and folder, stopped on leaving."""
    env = {**os.environ, "FLASK_SECRET_KEY": "test-secret-key",
           "FLASK_SQLALCHEMY_DATABASE_URI": database_uri,
           "FLASK_MEDIA_STORAGE_URL": media_root.as_uri(), "FLASK_TASKS_INLINE": "false",
           **{f"FLASK_{key}": value for key, value in queue.items()}}
    process = subprocess.Popen([str(BIN / "flask"), "--app", "app", "worker", "--threads", "1"],
                               cwd=ROOT, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def state_of(app, media_id):
    with app.app_context():
        media = db.session.get(Media, media_id)
        return media.state, len(media.variants)


def wait_for_ready(app, media_id, process, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if state_of(app, media_id)[0] == "ready":
            return
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        time.sleep(0.2)
    raise AssertionError(f"not ready after {seconds} s: {state_of(app, media_id)}")


@pytest.fixture
def uploaded(app, database_uri, media_root):
    """Upload through an app whose tasks go to the queue; returns (app, media id)."""

    def go(**queue):
        queued = queued_app(database_uri, media_root, **queue)
        client = queued.test_client()
        Auth(client, Factory(queued)).login()
        response = upload(client, ("photo.jpg", images.jpeg(1600, 1200)))
        assert response.status_code == 303
        with queued.app_context():
            media = db.session.scalar(sa.select(Media))
        return queued, media.id

    return go


def test_sqlite_queue_worker_makes_the_variants(uploaded, database_uri, media_root, tmp_path):
    path = str(tmp_path / "tasks.sqlite3")
    queued, media_id = uploaded(TASKS_SQLITE_PATH=path)
    assert state_of(queued, media_id) == ("processing", 0)  # nothing ran in the request
    with worker(database_uri, media_root, TASKS_SQLITE_PATH=path) as process:
        wait_for_ready(queued, media_id, process)
    with queued.app_context():
        media = db.session.get(Media, media_id)
        # 320-1280 and its own 1600 in AVIF and WebP, 320-1280 in JPEG (the
        # original is the 1600 one).
        assert len(media.variants) == 14
        assert all((media_root / v["key"]).is_file() for v in media.variants)


def test_redis_queue_worker_makes_the_variants(uploaded, database_uri, media_root):
    url = REDIS.rsplit("/", 1)[0] + "/9"  # a database of its own: no other test's queue
    queued, media_id = uploaded(TASKS_REDIS_URL=url)
    with worker(database_uri, media_root, TASKS_REDIS_URL=url) as process:
        wait_for_ready(queued, media_id, process)
