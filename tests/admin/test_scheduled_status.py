"""A scheduled post is published from the moment it is due, everywhere the owner
sees a status (the posts list, its tabs and counts, the dashboard) and in
export-wxr, though nothing runs at that moment to change the stored status."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from defusedxml.ElementTree import parse

from dreamweaver.extensions import db
from dreamweaver.models import Post
from tests.support.responses import text

WP = "{http://wordpress.org/export/1.2/}"


@pytest.fixture
def posts(make):
    now = datetime.now(UTC)
    return {
        "due": make.post("Went Live", status="scheduled", published_at=now - timedelta(minutes=5)),
        "coming": make.post("Still Coming", status="scheduled",
                            published_at=now + timedelta(days=2)),
        "plain": make.post("Plain Post", published_at=now - timedelta(days=1)),
        "draft": make.post("A Draft", status="draft"),
    }


def row_status(body: str, post) -> str:
    row = re.search(rf'<tr id="post-row-{post.id}">(.*?)</tr>', body, re.S)
    assert row, f"no row for post {post.id}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return cells[3].strip()  # title, author, categories, status


def tabs(body: str) -> dict[str, int]:
    nav = re.search(r'<nav class="status-tabs".*?</nav>', body, re.S).group(0)
    return {label: int(n) for label, n in re.findall(r">(\w+) \((\d+)\)</a>", nav)}


def row_ids(body: str) -> set[int]:
    return {int(n) for n in re.findall(r'<tr id="post-row-(\d+)"', body)}


def test_status_at_is_the_same_rule_in_python_and_sql(app, make):
    moment = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    made = [make.post(f"P{n}", status=status, published_at=when) for n, (status, when) in
            enumerate([("scheduled", moment - timedelta(seconds=1)), ("scheduled", moment),
                       ("scheduled", moment + timedelta(seconds=1)), ("published", moment),
                       ("draft", moment - timedelta(days=1)), ("private", moment)])]
    expected = ["published", "published", "scheduled", "published", "draft", "private"]
    with app.app_context():
        rows = db.session.scalars(sa.select(Post).order_by(Post.id)).all()
        assert [p.status_at(moment) for p in rows] == expected
        in_sql = db.session.scalars(
            sa.select(Post.status_at(moment)).where(Post.id.in_([p.id for p in made]))
            .order_by(Post.id)).all()
        assert in_sql == expected
        # The stored status is left as it was: the rule reads it, nothing rewrites it.
        assert [p.status for p in rows][:3] == ["scheduled"] * 3


def test_admin_list_shows_a_due_scheduled_post_as_published(client, auth, posts):
    auth.login()
    body = text(client.get("/admin/posts/"))
    assert row_status(body, posts["due"]) == "Published"
    assert row_status(body, posts["coming"]) == "Scheduled"
    assert row_status(body, posts["plain"]) == "Published"
    assert tabs(body) == {"All": 4, "Published": 2, "Scheduled": 1, "Draft": 1}


def test_admin_status_tabs_list_what_their_counts_count(client, auth, posts):
    auth.login()
    published = text(client.get("/admin/posts/?status=published"))
    assert row_ids(published) == {posts["due"].id, posts["plain"].id}
    scheduled = text(client.get("/admin/posts/?status=scheduled"))
    assert row_ids(scheduled) == {posts["coming"].id}
    assert row_ids(text(client.get("/admin/posts/?status=draft"))) == {posts["draft"].id}


def test_admin_list_counts_follow_the_clock(app, client, auth, posts):
    """The same post moves from one tab to the other when its time comes."""
    auth.login()
    assert tabs(text(client.get("/admin/posts/")))["Scheduled"] == 1
    with app.app_context():
        db.session.get(Post, posts["coming"].id).published_at = (
            datetime.now(UTC) - timedelta(seconds=1))
        db.session.commit()
    body = text(client.get("/admin/posts/"))
    assert "Scheduled" not in tabs(body) and tabs(body)["Published"] == 3
    assert row_status(body, posts["coming"]) == "Published"


def test_dashboard_counts_a_due_scheduled_post_as_published(client, auth, posts):
    auth.login()
    body = text(client.get("/admin/"))
    assert "2 published posts" in body
    assert "1 scheduled" in body


def test_editor_does_not_call_a_due_post_scheduled(client, auth, posts):
    auth.login()
    due = text(client.get(f"/admin/posts/{posts['due'].id}/edit?saved=1"))
    assert "It is scheduled for" not in due
    coming = text(client.get(f"/admin/posts/{posts['coming'].id}/edit?saved=1"))
    assert "It is scheduled for" in coming


def test_export_writes_a_due_scheduled_post_as_publish(app, runner, posts, tmp_path):
    path = tmp_path / "site.xml"
    result = runner.invoke(args=["export-wxr", str(path)])
    assert result.exit_code == 0, result.output
    items = {int(item.find(f"{WP}post_id").text): item.find(f"{WP}status").text
             for item in parse(path).getroot().iter("item")}
    assert items[posts["due"].id] == "publish"
    assert items[posts["coming"].id] == "future"
    assert items[posts["plain"].id] == "publish"
    assert items[posts["draft"].id] == "draft"
