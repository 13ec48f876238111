"""No lost writes: many readers commenting at once through a real server."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post
from tests.support.paths import ROOT

COMMENTS, THREADS = 200, 16


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(app, database_uri):
    """gunicorn with 2 workers on the test database, spam rules off (DESIGN)."""
    port = free_port()
    env = {
        **os.environ,
        "FLASK_SQLALCHEMY_DATABASE_URI": database_uri,
        "FLASK_SECRET_KEY": "concurrency-test-key",
        "FLASK_COMMENT_MODERATION": "false",
        "FLASK_COMMENT_FLOOD_SECONDS": "0",
        "FLASK_COMMENT_MIN_SECONDS": "0",
        "FLASK_RATELIMIT_ENABLED": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "app:app"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("gunicorn did not start")
    yield port
    process.terminate()
    process.wait(timeout=10)


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_concurrent_comments_are_all_stored(app, make, server):
    post = make.post("Busy Thread", published_at=datetime(2024, 2, 1, tzinfo=UTC))
    permalink = "/2024/02/01/busy-thread/"
    status, page = request(server, "GET", permalink)
    assert status == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "the comment form carries its token"
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Sec-Fetch-Site": "same-origin"}

    def post_comment(n):
        body = urlencode({"comment": f"Concurrent comment number {n}.", "author": f"Reader {n}",
                          "email": f"reader{n}@example.org", "comment_parent": "0",
                          "csrf_token": token.group(1)})
        return request(server, "POST", permalink + "comments/", body, headers)[0]

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(post_comment, range(COMMENTS)))

    assert statuses.count(303) == COMMENTS, sorted(set(statuses))
    with app.app_context():
        stored = db.session.scalars(sa.select(Comment.content_html).where(
            Comment.post_id == post.id, Comment.status == "approved")).all()
        assert len(stored) == COMMENTS
        assert len(set(stored)) == COMMENTS
        assert db.session.get(Post, post.id).comment_count == COMMENTS
    status, page = request(server, "GET", permalink)
    assert f"{COMMENTS} thoughts on" in page
    # Every comment is shown to readers, on one of the post's comment pages.
    shown = set(re.findall(r"Concurrent comment number (\d+)\.", page))
    pages = -(-COMMENTS // app.config["COMMENTS_PER_PAGE"])  # the last is the permalink
    for number in range(1, pages):
        shown |= set(re.findall(r"Concurrent comment number (\d+)\.",
                                request(server, "GET", f"{permalink}comment-page-{number}/")[1]))
    assert shown == {str(n) for n in range(COMMENTS)}
