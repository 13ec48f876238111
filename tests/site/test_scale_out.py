"""Two app servers on one PostgreSQL and one Redis, as on two machines: what one
writes the other shows at once, and flood control and rate limits hold across both."""

import os
import re
import subprocess
import urllib.parse
import uuid

import pytest
import sqlalchemy as sa

from tests.support.paths import ROOT
from tests.support.servers import BIN, POSTGRES, REDIS, SAME_ORIGIN, Server, first_post, reachable


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


@pytest.fixture(scope="module")
def servers(shared_env):
    one, two = Server(shared_env), Server(shared_env)
    yield one, two
    one.stop()
    two.stop()


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
