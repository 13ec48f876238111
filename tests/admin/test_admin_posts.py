"""Writing in /admin: posts and pages, scheduling, slugs, permissions."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import OldSlug, Post
from tests.support.admin_forms import form
from tests.support.auth import csrf_token
from tests.support.responses import text, titles


def saved_post(app, title):
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.title == title))
        db.session.expunge(post)
        return post


def test_admin_pages_need_login(client):
    for url in ("/admin/posts/", "/admin/posts/new", "/admin/pages/", "/admin/posts/1/edit"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")


def test_create_published_post_shows_to_readers(app, client, auth, make):
    auth.login()
    science = make.category("Neuroscience")
    response = form(client, title="Fresh & New", categories=str(science.id), tags="one, Two")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("?saved=1")
    post = saved_post(app, "Fresh & New")
    assert (post.status, post.slug) == ("published", "fresh-new")
    assert "<em>text</em>" in post.content_html
    assert "Fresh &amp; New" in text(client.get("/"))
    assert "Fresh &amp; New" in text(client.get("/category/neuroscience/"))
    assert "Fresh &amp; New" in text(client.get("/tag/two/"))


def test_create_without_category_files_under_uncategorized(app, client, auth):
    auth.login()
    form(client, title="Loose")
    assert "Loose" in text(client.get("/category/uncategorized/"))


def test_draft_is_not_shown(app, client, auth):
    auth.login()
    form(client, title="Secret Draft", status="draft")
    assert saved_post(app, "Secret Draft").published_at is None
    assert "Secret Draft" not in text(client.get("/"))


def test_scheduled_post_invisible_before_its_time_visible_after(app, client, auth):
    auth.login()
    later = datetime.now(UTC) + timedelta(days=2)
    form(client, title="Tomorrow's News", published=later.strftime("%Y-%m-%dT%H:%M"))
    post = saved_post(app, "Tomorrow's News")
    assert post.status == "scheduled"
    assert "Tomorrow\u2019s News" not in text(client.get("/"))
    with app.app_context():  # time passes: nothing runs, the post just becomes due
        row = db.session.get(Post, post.id)
        row.published_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    assert "Tomorrow\u2019s News" in text(client.get("/"))


def test_changing_slug_or_date_keeps_old_url_working(app, client, auth):
    auth.login()
    form(client, title="Moving House", published="2024-03-01T10:00")
    post = saved_post(app, "Moving House")
    url = f"/admin/posts/{post.id}/edit"
    response = form(client, url, title="Moving House", slug="new-home",
                    published="2024-04-02T10:00")
    assert response.status_code == 303
    old = client.get("/2024/03/01/moving-house/")
    assert old.status_code == 301 and old.headers["Location"].endswith("/2024/04/02/new-home/")
    assert client.get("/2024/03/01/new-home/").headers["Location"].endswith(
        "/2024/04/02/new-home/")
    with app.app_context():
        assert db.session.scalar(sa.select(OldSlug.slug)) == "moving-house"


def test_slugs_unique_and_reserved(app, client, auth):
    auth.login()
    form(client, title="Same Title")
    form(client, title="Same Title")
    slugs = sorted(p.slug for p in _all(app))
    assert slugs == ["same-title", "same-title-2"]
    form(client, "/admin/pages/new", title="Feed")
    assert saved_post(app, "Feed").slug == "feed-2"
    form(client, "/admin/pages/new", title="2024")  # /2024/ is the year's archive
    assert saved_post(app, "2024").slug == "2024-2"


def test_renamed_page_keeps_old_url_working(app, client, auth):
    auth.login()
    form(client, "/admin/pages/new", title="Contact")
    page = saved_post(app, "Contact")
    response = form(client, f"/admin/posts/{page.id}/edit", title="Contact", slug="write-to-us")
    assert response.status_code == 303
    old = client.get("/contact/")
    assert old.status_code == 301 and old.headers["Location"].endswith("/write-to-us/")
    assert client.get("/write-to-us/").status_code == 200


def _all(app):
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Post).where(Post.type == "post")))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_empty_title_is_422(client, auth):
    auth.login()
    response = form(client, title="")
    assert response.status_code == 422
    assert "Give it a title." in text(response)


def test_missing_csrf_token_is_400(app, client, auth):
    auth.login()
    response = client.post("/admin/posts/new", data={"title": "No token", "status": "draft"})
    assert response.status_code == 400
    assert _all(app) == []


def test_author_edits_own_post_only(app, client, auth, make):
    other = make.account("other", "author")
    theirs = make.post("Their Post", author=other)
    auth.login("writer", "author")
    assert client.get(f"/admin/posts/{theirs.id}/edit").status_code == 403
    hijack = form(client, f"/admin/posts/{theirs.id}/edit", token_from="/admin/posts/new",
                  title="Hijacked")
    assert hijack.status_code == 403
    form(client, title="My Own")
    mine = saved_post(app, "My Own")
    assert client.get(f"/admin/posts/{mine.id}/edit").status_code == 200
    assert "Their Post" not in text(client.get("/admin/posts/"))
    assert client.get("/admin/pages/").status_code == 403
    assert client.get("/admin/pages/new").status_code == 403


def test_author_cannot_trash_or_delete_anothers_post(app, client, auth, make):
    other = make.account("other", "author")
    theirs = make.post("Their Post", author=other)
    auth.login("writer", "author")
    token = csrf_token(client, "/admin/posts/")
    for action in ("trash", "restore", "delete"):
        response = client.post(f"/admin/posts/{theirs.id}/status",
                               data={"csrf_token": token, "action": action})
        assert response.status_code == 403, action
    assert saved_post(app, "Their Post").status == "published"


def test_admin_edits_an_authors_post(app, client, auth, make):
    author = make.account("other", "author")
    theirs = make.post("Their Post", author=author)
    auth.login()
    assert client.get(f"/admin/posts/{theirs.id}/edit").status_code == 200
    response = form(client, f"/admin/posts/{theirs.id}/edit", title="Edited by the admin",
                    slug=theirs.slug)
    assert response.status_code in (302, 303)
    edited = saved_post(app, "Edited by the admin")
    assert edited.id == theirs.id and edited.author_id == author.id


def test_admin_makes_a_post_sticky_and_unsticks_it(app, client, auth):
    auth.login()
    assert 'name="sticky"' in text(client.get("/admin/posts/new"))
    form(client, title="Pinned", sticky="y")
    pinned = saved_post(app, "Pinned")
    assert pinned.sticky
    form(client, f"/admin/posts/{pinned.id}/edit", title="Pinned", slug=pinned.slug)
    assert not saved_post(app, "Pinned").sticky


def test_author_form_has_no_sticky_control(app, client, auth, make):
    auth.login("writer", "author")
    assert 'name="sticky"' not in text(client.get("/admin/posts/new"))
    form(client, title="Mine")
    mine = saved_post(app, "Mine")
    assert 'name="sticky"' not in text(client.get(f"/admin/posts/{mine.id}/edit"))


def test_author_forged_sticky_changes_nothing(app, client, auth, make):
    writer = auth.login("writer", "author")
    assert form(client, title="Forged", sticky="y").status_code == 303
    assert not saved_post(app, "Forged").sticky
    featured = make.post("Featured by the admin", author=writer, sticky=True)
    response = form(client, f"/admin/posts/{featured.id}/edit", token_from="/admin/posts/new",
                    title="Featured by the admin", slug=featured.slug)  # no sticky field
    assert response.status_code == 303
    assert saved_post(app, "Featured by the admin").sticky


def test_post_list_tabs_search_and_fragment(client, auth, make):
    auth.login()
    make.post("Alpha Published")
    make.post("Beta Draft", status="draft")
    body = text(client.get("/admin/posts/"))
    assert "Alpha Published" in body and "Beta Draft" in body
    assert "Draft (1)" in body and "Published (1)" in body
    assert "Beta Draft" not in text(client.get("/admin/posts/?status=published"))
    assert titles_in(client.get("/admin/posts/?s=alpha")) == ["Alpha Published"]
    fragment = client.get("/admin/posts/", headers={"HX-Request": "true"})
    assert text(fragment).lstrip().startswith('<section id="post-admin"')


def titles_in(response):
    import re

    return re.findall(r'/edit">([^<]+)</a>', text(response))


def test_trash_restore_delete(app, client, auth, make):
    auth.login()
    post = make.post("Disposable")
    url = f"/admin/posts/{post.id}/status"
    token = csrf_token(client, "/admin/posts/")
    assert client.post(url, data={"csrf_token": token, "action": "delete"}).status_code == 400
    client.post(url, data={"csrf_token": token, "action": "trash"})
    assert "Disposable" not in titles(client.get("/"))
    client.post(url, data={"csrf_token": token, "action": "restore"})
    assert saved_post(app, "Disposable").status == "draft"
    client.post(url, data={"csrf_token": token, "action": "trash"})
    client.post(url, data={"csrf_token": token, "action": "delete"})
    assert _all(app) == []


def test_preview_renders_like_a_save(client, auth):
    auth.login()
    token = csrf_token(client, "/admin/posts/new")
    response = client.post("/admin/posts/preview", headers={"X-CSRFToken": token},
                           data={"source": "## Hi\n\n<script>alert(1)</script> *x*",
                                 "format": "markdown"})
    assert response.status_code == 200
    assert "<h2>Hi</h2>" in text(response) and "<script>" not in text(response)


@pytest.mark.parametrize("field,value", [("status", "bogus"), ("format", "php"),
                                         ("published", "not a date"), ("categories", "999999")])
def test_bad_values_are_422(client, auth, field, value):
    auth.login()
    assert form(client, **{field: value}).status_code == 422


def test_pages_list_says_which_page_each_child_sits_under(client, auth, make):
    """WordPress marks child pages in its Pages list; ours says the parent by name."""
    auth.login()
    guides = make.post("Guides", kind="page")
    make.post("First Trip", kind="page", parent_id=guides.id)
    body = text(client.get("/admin/pages/"))
    rows = {row.split("</tr>", 1)[0] for row in body.split('id="post-row-')[1:]}
    child = next(row for row in rows if "First Trip" in row)
    parent = next(row for row in rows if "First Trip" not in row and "Guides" in row)
    assert "in &ldquo;Guides&rdquo;" in child
    assert "in &ldquo;" not in parent  # Guides itself sits under nothing
