"""Two app servers on one PostgreSQL and one Redis, as on two machines: what one
writes the other shows at once, and flood control and rate limits hold across both."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin",
               "Content-Type": "application/x-www-form-urlencoded"}


def reachable(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def shared_env():
    if not (reachable(5432) and reachable(6379)):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL on 5432 and Redis on 6379 must run for the scale-out test")
        pytest.skip("PostgreSQL and Redis are not running here")
    name = f"dw_scale_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    prefix = f"dwtest-{name}-"
    env = {
        **os.environ,
        "FLASK_SQLALCHEMY_DATABASE_URI": f"{POSTGRES}/{name}",
        "FLASK_SECRET_KEY": "scale-out-test-key",
        "FLASK_CACHE_REDIS_URL": REDIS, "FLASK_CACHE_KEY_PREFIX": prefix,
        "FLASK_RATELIMIT_STORAGE_URI": REDIS, "FLASK_RATELIMIT_KEY_PREFIX": prefix,
        "FLASK_RATELIMIT_ENABLED": "true",
        "FLASK_COMMENT_MODERATION": "false", "FLASK_COMMENT_MIN_SECONDS": "0",
        "FLASK_COMMENT_FLOOD_SECONDS": "60",
    }
    for command in (["init-db"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    yield env
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


class Server:
    """gunicorn serving the checkout at `cwd` (this one by default) on a free port,
    with one worker unless `env` sets WEB_CONCURRENCY."""

    def __init__(self, env, cwd=ROOT):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(Path(cwd) / "gunicorn.conf.py"), "app:app"],
            cwd=cwd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={"WEB_CONCURRENCY": "1", **env, "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                 "GUNICORN_ACCESSLOG": ""})
        deadline = time.time() + 30
        while not reachable(self.port):
            if time.time() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(self.process.stderr.read().decode())
            time.sleep(0.1)

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def servers(shared_env):
    one, two = Server(shared_env), Server(shared_env)
    yield one, two
    one.stop()
    two.stop()


def first_post(server) -> str:
    _, _, home = server.request("GET", "/")
    link = r'<h2 class="entry-title"><a href="(?:https?://[^/]+)?(/\d{4}/[^"]+)"'
    return re.search(link, home)[1]


def comment(server, path, text):
    _, _, page = server.request("GET", path)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    body = urllib.parse.urlencode({"comment": text, "author": "Two Servers",
                                   "email": "two@example.org", "url": "", "comment_parent": "0",
                                   "csrf_token": token})
    return server.request("POST", path + "comments/", body, SAME_ORIGIN)[0]


def test_a_comment_through_one_shows_on_the_other_and_flood_control_holds(servers):
    one, two = servers
    path = first_post(one)
    two.request("GET", path)
    assert two.request("GET", path)[1]["X-Cache"] == "hit"  # server two has it cached
    assert comment(one, path, "Written through server one.") == 303
    status, headers, page = two.request("GET", path)
    assert "Written through server one." in page and headers["X-Cache"] == "miss"
    # Same address, 60 s flood window: server two knows what server one accepted.
    assert comment(two, path, "Too soon, through server two.") == 429
    assert "Too soon" not in one.request("GET", path)[2]


def test_rate_limits_count_across_both_servers(servers):
    one, two = servers
    statuses = []
    for attempt in range(12):  # the login form allows 10 per minute per address
        server = one if attempt % 2 else two
        body = urllib.parse.urlencode({"username": "nobody", "password": "wrong"})
        statuses.append(server.request("POST", "/admin/login", body, SAME_ORIGIN)[0])
    assert 429 not in statuses[:10]
    assert statuses[10:] == [429, 429]
