"""SIGKILL in the middle of a stream of comment posts loses nothing that was
acknowledged, and leaves a sound SQLite database."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.servers import SAME_ORIGIN, Server, first_post

BIN = Path(sys.executable).parent


def site_env(database: Path) -> dict:
    return {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "FLASK_SECRET_KEY": "crash-test-key", "FLASK_COMMENT_MODERATION": "false",
            "FLASK_COMMENT_FLOOD_SECONDS": "0", "FLASK_COMMENT_MIN_SECONDS": "0",
            "FLASK_RATELIMIT_ENABLED": "false",
            # Every comment on the post's one page: past 50 the permalink shows
            # only the newest page, and which acknowledged comment is newest
            # depends on how the writers' threads raced.
            "FLASK_COMMENTS_PER_PAGE": "1000"}


def post_comments(server, path, token, acknowledged, stop, writer):
    n = 0
    while not stop.is_set():
        text = f"Crash test comment {writer}-{n}"
        body = urllib.parse.urlencode({"comment": text, "author": "Crash Tester",
                                       "email": "crash@example.org", "url": "",
                                       "comment_parent": "0", "csrf_token": token})
        try:
            status = server.request("POST", path + "comments/", body, SAME_ORIGIN)[0]
        except OSError:  # the server is gone: this one was never answered
            return
        if status == 303:
            acknowledged.append(text)
        n += 1


def test_sigkill_during_comment_posts_loses_nothing_acknowledged(tmp_path):
    database = tmp_path / "site.sqlite"
    env = site_env(database)
    for command in (["init-db"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    server = Server({**env, "WEB_CONCURRENCY": "2"})
    path = first_post(server)
    page = server.request("GET", path)[2]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    acknowledged, stop = [], threading.Event()
    writers = [threading.Thread(target=post_comments,
                                args=(server, path, token, acknowledged, stop, w))
               for w in range(4)]
    for thread in writers:
        thread.start()
    deadline = time.time() + 30
    while len(acknowledged) < 40 and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(server.process.pid, signal.SIGKILL)  # master and workers, mid-stream
    server.process.wait(timeout=10)
    stop.set()
    for thread in writers:
        thread.join(timeout=15)
    assert len(acknowledged) >= 40

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in connection.execute("SELECT content_html FROM comments")}
    missing = [text for text in acknowledged if not any(text in html for html in stored)]
    assert missing == []

    again = Server({**env, "WEB_CONCURRENCY": "1"})  # and the site starts again
    try:
        assert acknowledged[-1] in again.request("GET", path)[2]
    finally:
        again.stop()
