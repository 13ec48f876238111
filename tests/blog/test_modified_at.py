"""Post.modified_at is the post's last edit, and a comment is not an edit.

Comment activity (posting, moderating, deleting, the comment count it keeps)
leaves modified_at alone, so JSON-LD dateModified and the admin's "most
recently changed" order follow edits of the post only; a save, trash and
restore, and a re-import that changed the post move it. The sitemap gives a
post the later of its last edit and its newest approved comment
(docs/decisions.md)."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post
from tests.support.admin_forms import act, form
from tests.support.auth import csrf_token
from tests.support.comment_client import permalink, send
from tests.support.feeds import HOST, sitemap_urls
from tests.support.responses import text
from tests.support.wxr_files import SITE, import_file

EDITED = datetime(2024, 2, 1, 8, 0, tzinfo=UTC)  # long before any comment here


def modified(app, post) -> datetime:
    with app.app_context():
        return db.session.get(Post, post.id).modified_at


def comment_count(app, post) -> int:
    with app.app_context():
        return db.session.get(Post, post.id).comment_count


def date_modified(client, page) -> str:
    body = text(client.get(page))
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert found, "no JSON-LD on the page"
    return json.loads(found.group(1))["dateModified"]


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def admin_order(client) -> list[int]:
    body = text(client.get("/admin/posts/"))
    return [int(n) for n in re.findall(r'<tr id="post-row-(\d+)"', body)]


@pytest.fixture
def post(make):
    return make.post("Talked About", modified_at=EDITED,
                     published_at=EDITED - timedelta(days=1))


@pytest.fixture
def admin(app, auth):
    auth.login()
    return auth.client


def test_posting_a_comment_is_not_an_edit(app, client, post):
    page = permalink(app, post)
    assert send(client, page).status_code in (200, 303)
    assert comment_count(app, post) == 1  # the post's row was updated: its count
    assert modified(app, post) == EDITED
    assert date_modified(client, page) == EDITED.isoformat()


def test_approving_and_deleting_comments_are_not_edits(app, admin, make, post):
    held = make.comment(post, status="pending")
    assert act(admin, held.id, "approve").status_code in (200, 303)
    assert comment_count(app, post) == 1
    assert modified(app, post) == EDITED
    assert act(admin, held.id, "trash").status_code in (200, 303)
    assert comment_count(app, post) == 0
    assert act(admin, held.id, "delete").status_code in (200, 303)
    with app.app_context():
        assert db.session.get(Comment, held.id) is None
    assert modified(app, post) == EDITED


def test_editing_the_post_moves_modified_at_and_date_modified(app, admin, post):
    before = datetime.now(UTC)
    response = form(admin, f"/admin/posts/{post.id}/edit", title="Talked About",
                    source="New words.")
    assert response.status_code == 303
    assert modified(app, post) >= before.replace(microsecond=0)
    reader = app.test_client()
    assert date_modified(reader, permalink(app, post)) == modified(app, post).isoformat()


def test_admin_order_follows_edits_not_comments(app, admin, make, post):
    other = make.post("Edited Later", modified_at=EDITED + timedelta(days=1))
    assert admin_order(admin) == [other.id, post.id]
    send(app.test_client(), permalink(app, post))
    assert comment_count(app, post) == 1
    assert admin_order(admin) == [other.id, post.id]
    form(admin, f"/admin/posts/{post.id}/edit", title="Talked About", source="Edited.")
    assert admin_order(admin) == [post.id, other.id]


def test_sitemap_lastmod_is_the_later_of_edit_and_newest_approved_comment(
        app, client, make, post):
    science = make.category("Science")
    quiet = make.post("Quiet", modified_at=EDITED + timedelta(hours=1), categories=[science])
    with app.app_context():
        db.session.get(Post, post.id).categories = [db.session.merge(science)]
        db.session.commit()
    make.comment(post, created_at=EDITED + timedelta(hours=3))
    make.comment(post, created_at=EDITED + timedelta(hours=5), status="pending")
    make.comment(post, created_at=EDITED + timedelta(hours=6), status="spam")
    make.comment(quiet, created_at=EDITED - timedelta(hours=2))  # older than its edit
    urls = sitemap_urls(client.get("/sitemap.xml"))
    assert urls[HOST + permalink(app, post)] == stamp(EDITED + timedelta(hours=3))
    assert urls[HOST + permalink(app, quiet)] == stamp(EDITED + timedelta(hours=1))
    # Listings show posts, not their comments: their lastmod follows edits only.
    assert urls[f"{HOST}/category/science/"] == stamp(EDITED + timedelta(hours=1))
    assert urls[f"{HOST}/"] == stamp(EDITED + timedelta(hours=1))
    assert modified(app, post) == EDITED  # and the comments left the post's own date alone


def test_trash_and_restore_are_changes_of_the_post(app, admin, post):
    for action in ("trash", "restore"):
        with app.app_context():
            db.session.get(Post, post.id).modified_at = EDITED
            db.session.commit()
        response = admin.post(f"/admin/posts/{post.id}/status", data={
            "csrf_token": csrf_token(admin, "/admin/posts/"), "action": action})
        assert response.status_code == 303
        assert modified(app, post) > EDITED, action


def test_a_reimport_that_changes_a_post_is_an_edit_of_it(app, runner, tmp_path):
    assert import_file(runner, SITE).exit_code == 0
    with app.app_context():
        db.session.execute(sa.update(Post).values(modified_at=EDITED))
        db.session.commit()
    changed = tmp_path / "changed.xml"
    changed.write_text(SITE.read_text(encoding="utf-8").replace(
        "<title>Hello Dreams</title>", "<title>Hello Again</title>"), encoding="utf-8")
    result = import_file(runner, changed)
    assert result.exit_code == 0, result.output
    assert "posts: 0 imported, 1 updated" in result.output
    with app.app_context():
        dates = dict(db.session.execute(sa.select(Post.title, Post.modified_at)).all())
    assert dates.pop("Hello Again") > EDITED
    assert set(dates.values()) == {EDITED}  # the posts the file left as they were
