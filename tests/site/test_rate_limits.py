"""Rate limits hold for the whole site, not per worker: the default storage (a
SQLite file in the instance folder) is shared by the workers of one machine,
Redis by every machine."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import pytest

from dreamweaver import create_app
from dreamweaver.admin.accounts import WRONG
from dreamweaver.ratelimits import SQLiteStorage
from tests.support.factories import Factory
from tests.support.paths import ROOT
from tests.support.servers import SAME_ORIGIN, Server, reachable
from tests.support.settings import TEST_SETTINGS

BIN = Path(sys.executable).parent
REDIS = "redis://127.0.0.1:6379/0"
ATTEMPTS = 20  # in a few seconds; the login form and post passwords allow 10 a minute
WRONG_PASSWORD = "That password is not correct."


def served(tmp_path, **settings) -> tuple[Server, str, Path]:
    """gunicorn with 2 workers on a fresh SQLite site holding one protected post;
    the server, the post's path and the access log (`<pid> <method>` a line)."""
    database = tmp_path / "site.sqlite"
    env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
           "FLASK_SECRET_KEY": "rate-limit-test-key", "FLASK_RATELIMIT_ENABLED": "true",
           **{f"FLASK_{key}": value for key, value in settings.items()}}
    subprocess.run([str(BIN / "flask"), "--app", "app", "init-db"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    Factory(app).post("Locked", slug="locked", password="open sesame",
                      published_at=datetime(2024, 1, 15, 12, tzinfo=UTC))
    log = tmp_path / "access.log"
    logging = f"--access-logfile {log} --access-logformat '%(p)s %(m)s'"
    server = Server({**env, "WEB_CONCURRENCY": "2", "GUNICORN_CMD_ARGS": logging})
    return server, "/2024/01/15/locked/", log


class Occupied:
    """A connection that has sent half a request's headers: the worker that
    accepted it waits on it, so the next requests go to the other worker.

    The kernel hands a sync worker that just answered the next waiting
    connection first, so without this one worker may take every request.
    """

    def __init__(self, server):
        self.socket = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.socket.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(1)  # for a worker to accept it (a free one does at once)

    def release(self):
        self.socket.sendall(b"\r\n")
        assert self.socket.recv(100).startswith(b"HTTP/1.1 200")
        self.socket.close()


def on_each_worker(server, attempt) -> tuple[list, list]:
    """ATTEMPTS calls of `attempt`, the first half answered by one worker and
    the second half by the other."""
    first_busy = Occupied(server)
    first = [attempt() for _ in range(ATTEMPTS // 2)]
    second_busy = Occupied(server)  # taken by the worker that answered `first`
    first_busy.release()
    second = [attempt() for _ in range(ATTEMPTS // 2)]
    second_busy.release()
    return first, second


def wrong_logins(server) -> tuple[list, list]:
    """Wrong passwords with a valid CSRF token, so each one reaches the password check."""
    _, headers, page = server.request("GET", "/admin/login")
    headers = {**SAME_ORIGIN, "Cookie": headers["Set-Cookie"].split(";")[0]}
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    body = urllib.parse.urlencode({"csrf_token": token, "username": "nobody",
                                   "password": "wrong"})
    return on_each_worker(server, lambda: server.request("POST", "/admin/login", body, headers))


def wrong_post_passwords(server, path) -> tuple[list, list]:
    body = urllib.parse.urlencode({"post_password": "guess"})
    return on_each_worker(server, lambda: server.request("POST", path, body, SAME_ORIGIN))


def assert_ten_evaluated(answers, evaluated_status, message):
    """The first worker evaluated 10; the second, whose own count is 0, refused all 10."""
    first, second = answers
    assert [status for status, _, _ in first] == [evaluated_status] * 10
    assert all(message in page for _, _, page in first)
    assert [status for status, _, _ in second] == [429] * 10


def posts_by_worker(log: Path) -> list[str]:
    """The pid of the worker that answered each POST, in order."""
    return [line.split()[0] for line in log.read_text().splitlines() if line.endswith("POST")]


def assert_split_between_workers(log: Path):
    pids = posts_by_worker(log)
    assert len(pids) == 4 * 10
    for batch in range(4):
        assert len(set(pids[batch * 10:(batch + 1) * 10])) == 1
    assert pids[0] != pids[10] and pids[20] != pids[30]


def limited_across_two_workers(tmp_path, **settings):
    """Ten wrong logins and ten wrong post passwords, served by two workers
    sharing the limits' storage: each refused once its limit is reached."""
    server, path, log = served(tmp_path, **settings)
    try:
        assert_ten_evaluated(wrong_logins(server), 422, WRONG)
        assert_ten_evaluated(wrong_post_passwords(server, path), 403, WRONG_PASSWORD)
    finally:
        server.stop()
    assert_split_between_workers(log)


def test_default_storage_holds_limits_across_two_workers(tmp_path):
    # The default's file, placed in tmp_path so this run's counters start empty.
    storage = f"sqlite:///{tmp_path / 'ratelimits.sqlite3'}"
    limited_across_two_workers(tmp_path, RATELIMIT_STORAGE_URI=storage)
    assert oct((tmp_path / "ratelimits.sqlite3").stat().st_mode & 0o777) == "0o600"


@pytest.fixture
def redis_prefix():
    if not reachable(6379):
        if os.environ.get("CI"):
            pytest.fail("Redis on 6379 must run for the Redis rate-limit test")
        pytest.skip("Redis is not running here")
    import redis

    prefix = f"dwtest-limits-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_cache_redis_url_alone_puts_limits_in_redis_across_two_workers(tmp_path, redis_prefix):
    import redis

    limited_across_two_workers(tmp_path, CACHE_REDIS_URL=REDIS,
                               CACHE_KEY_PREFIX=redis_prefix + "-cache-",
                               RATELIMIT_KEY_PREFIX=redis_prefix)
    client = redis.Redis.from_url(REDIS)
    try:  # the counters are Redis's, under this test's prefix: 20 hits each
        for endpoint in ("admin.login", "blog.unlock"):
            (key,) = client.scan_iter(f"LIMITS:LIMITER/{redis_prefix}/127.0.0.1/{endpoint}/*")
            assert client.get(key) == b"20"
    finally:
        client.close()


def test_storage_defaults(tmp_path):
    def storage_uri(**config):
        return create_app({**TEST_SETTINGS, "RATELIMIT_STORAGE_URI": None, **config}
                          ).config["RATELIMIT_STORAGE_URI"]

    app = create_app({**TEST_SETTINGS, "RATELIMIT_STORAGE_URI": None})
    assert storage_uri() == "sqlite:///" + os.path.join(app.instance_path, "ratelimits.sqlite3")
    assert storage_uri(CACHE_REDIS_URL=REDIS) == REDIS
    assert storage_uri(CACHE_REDIS_URL="unix:///run/redis.sock") == "redis+unix:///run/redis.sock"
    assert storage_uri(RATELIMIT_STORAGE_URI="memory://") == "memory://"
    assert storage_uri(RATELIMIT_STORAGE_URI="sqlite:///limits.db") == (
        "sqlite:///" + os.path.join(app.instance_path, "limits.db"))
    assert storage_uri(RATELIMIT_STORAGE_URI=f"sqlite:///{tmp_path}/x.db") == (
        f"sqlite:///{tmp_path}/x.db")


def _hits(uri: str, times: int) -> list[int]:
    storage = SQLiteStorage(uri)
    return [storage.incr("login/127.0.0.1", 60) for _ in range(times)]


def test_sqlite_storage_counts_each_hit_once_across_processes(tmp_path):
    uri = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    with get_context("spawn").Pool(4) as pool:
        counts = [n for hits in pool.starmap(_hits, [(uri, 50)] * 4) for n in hits]
    # Every count from 1 to 200 handed out exactly once: no two processes saw the same.
    assert sorted(counts) == list(range(1, 201))
    assert SQLiteStorage(uri).get("login/127.0.0.1") == 200


def test_sqlite_storage_window_expires(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    assert [storage.incr("k", 1) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") > datetime.now().timestamp()
    time.sleep(storage.get_expiry("k") - time.time() + 0.01)
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1  # a new window, from its first hit
    storage.incr("other", 60, amount=5)
    storage.clear("k")
    assert storage.get("k") == 0 and storage.get("other") == 5
    assert storage.check()
    assert storage.reset() == 1 and storage.get("other") == 0


def test_sqlite_storage_outlives_the_app(tmp_path, database_uri, _migrated):
    uri = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    settings = {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": uri}
    fields = {"username": "nobody", "password": "wrong"}
    first = create_app(settings).test_client()
    assert {first.post("/admin/login", data=fields).status_code for _ in range(10)} == {422}
    # A new app (as a restarted or second worker) reads the same counters.
    again = create_app(settings).test_client()
    assert again.post("/admin/login", data=fields).status_code == 429


def test_disabled_limits_stay_disabled(client):
    fields = {"username": "nobody", "password": "wrong"}
    assert {client.post("/admin/login", data=fields).status_code for _ in range(12)} == {422}


def test_each_app_starts_with_empty_counters(database_uri, _migrated):
    settings = {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                "RATELIMIT_ENABLED": True}
    fields = {"username": "nobody", "password": "wrong"}
    spent = create_app(settings).test_client()
    assert [spent.post("/admin/login", data=fields).status_code for _ in range(11)][-1] == 429
    fresh = create_app(settings).test_client()
    assert fresh.post("/admin/login", data=fields).status_code == 422
