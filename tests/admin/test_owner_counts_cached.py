"""The status counts of the posts list, the dashboard and the comment tabs are
cached under the content generation (issue 21): with a real cache they are
as exact as without one, after every write, when a scheduled post falls due,
and for each user's own scope."""

import re
from datetime import UTC, datetime, timedelta

from dreamweaver import caching
from dreamweaver.admin import posts as admin_posts
from dreamweaver.admin import queries
from tests.support.admin_forms import act
from tests.support.auth import Auth
from tests.support.responses import text


def post_tabs(body: str) -> dict[str, int]:
    nav = re.search(r'<nav class="status-tabs".*?</nav>', body, re.S).group(0)
    return {label: int(n) for label, n in re.findall(r">(\w+) \((\d+)\)</a>", nav)}


def comment_tabs(body: str) -> dict[str, int]:
    nav = re.search(r'<nav id="comment-tabs".*?</nav>', body, re.S).group(0)
    return {label: int(n) for label, n in
            re.findall(r'>(\w+) <span class="count">\((\d+)\)</span>', nav)}


def test_comment_tab_counts_follow_every_write(cached_app, make):
    client = cached_app.test_client()
    post = make.post("Talked about")
    held = make.comment(post, status="pending")
    make.comment(post, status="spam")
    Auth(client, make).login()
    before = comment_tabs(text(client.get("/admin/comments/")))
    assert before == {"Pending": 1, "Approved": 0, "Spam": 1, "Trash": 0}
    act(client, held.id, "approve")
    assert comment_tabs(text(client.get("/admin/comments/"))) == {
        "Pending": 0, "Approved": 1, "Spam": 1, "Trash": 0}
    make.comment(post, status="pending")  # a reader's, from another session
    assert comment_tabs(text(client.get("/admin/comments/?status=approved")))["Pending"] == 1


def test_post_counts_follow_writes_and_the_clock(cached_app, make, monkeypatch):
    client = cached_app.test_client()
    now = datetime.now(UTC)
    make.post("Out", published_at=now - timedelta(days=1))
    make.post("Soon", status="scheduled", published_at=now + timedelta(hours=1))
    Auth(client, make).login()
    assert post_tabs(text(client.get("/admin/posts/"))) == {
        "All": 2, "Published": 1, "Scheduled": 1}
    make.post("Idea", status="draft")
    assert post_tabs(text(client.get("/admin/posts/")))["Draft"] == 1
    # Two hours on, with no write at all: the scheduled post is published.
    later = lambda: now + timedelta(hours=2)  # noqa: E731
    for module in (caching, queries, admin_posts):
        monkeypatch.setattr(module, "utcnow", later)
    assert post_tabs(text(client.get("/admin/posts/"))) == {
        "All": 3, "Published": 2, "Draft": 1}
    assert "2 published posts" in text(client.get("/admin/"))


def test_an_author_and_an_administrator_keep_their_own_counts(cached_app, make):
    mine, theirs = cached_app.test_client(), cached_app.test_client()
    author = Auth(mine, make).login("writer", "author")
    own = make.post("Mine", author=author)
    make.post("Theirs")
    make.comment(own, status="pending")
    make.comment(make.post("Other"), status="pending")
    Auth(theirs, make).login()
    assert post_tabs(text(mine.get("/admin/posts/")))["All"] == 1
    assert post_tabs(text(theirs.get("/admin/posts/")))["All"] == 3
    assert comment_tabs(text(mine.get("/admin/comments/")))["Pending"] == 1
    assert comment_tabs(text(theirs.get("/admin/comments/")))["Pending"] == 2
