"""The owner on their own site (issue 16, items 10 and 13): signed in, a post
shows Edit, the comment form speaks to them by name, their comments are theirs,
and they see their private posts and previews of drafts. Readers see none of
it, and nothing rendered for a signed-in user is ever shared from a cache."""

import re
from datetime import UTC, datetime

import flask_login
import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post
from tests.support.auth import csrf_token
from tests.support.comment_client import issue_token, permalink, send
from tests.support.responses import text
from tests.support.settings import app_with_cache

EDIT = re.compile(r'<a class="post-edit-link" href="/admin/posts/(\d+)/edit">Edit')
WHEN = datetime(2024, 3, 5, 10, tzinfo=UTC)


@pytest.fixture
def owner_post(make):
    owner = make.account("owner", "administrator")
    return make.post("Owned", published_at=WHEN, author=owner)


def edit_links(response) -> list[int]:
    return [int(found) for found in EDIT.findall(text(response))]


def comment_element(response, comment_id: int) -> str:
    match = re.search(rf'<li id="comment-{comment_id}" class="([^"]*)"', text(response))
    assert match, f"no comment-{comment_id} on the page"
    return match.group(1)


def user_accesses(app, request) -> int:
    """How many times Flask-Login loaded the user (read the session) during `request`."""
    seen = []

    def listener(sender, **extra):
        seen.append(sender)

    flask_login.user_accessed.connect(listener)
    try:
        request()
    finally:
        flask_login.user_accessed.disconnect(listener)
    return len(seen)


# --- item 10: Edit link -------------------------------------------------------------------


def test_post_edit_link_for_those_who_may_edit_it(app, client, auth, make, owner_post):
    url = permalink(app, owner_post)
    assert edit_links(client.get(url)) == []
    auth.login("owner", "administrator")
    response = client.get(url)
    assert edit_links(response) == [owner_post.id]
    auth.logout()
    auth.login("writer", "author")  # another author's post: not theirs to edit
    assert edit_links(client.get(url)) == []
    writers = make.post("Written", published_at=WHEN, author=make.account("writer"))
    assert edit_links(client.get(permalink(app, writers))) == [writers.id]


def test_page_edit_link_for_administrators(app, client, auth, make):
    page = make.post("About", kind="page", published_at=WHEN)
    auth.login("owner", "administrator")
    assert edit_links(client.get("/about/")) == [page.id]
    auth.logout()
    auth.login("writer", "author")
    assert edit_links(client.get("/about/")) == []


# --- item 10: commenting as the account ---------------------------------------------------


def test_signed_in_form_says_logged_in_as_with_a_post_logout(app, client, auth, owner_post):
    auth.login("owner", "administrator")
    html = text(client.get(permalink(app, owner_post)))
    assert "Logged in as Owner." in html
    assert 'name="author"' not in html and 'name="email"' not in html
    assert 'name="url"' not in html and "cookies-consent" not in html
    assert re.search(r'<button type="submit" form="logout-form"[^>]*>Log out\?</button>', html)
    logout = re.search(r'<form id="logout-form"[^>]*action="/admin/logout"[^>]*>\s*'
                       r'<input type="hidden" name="csrf_token" value="([^"]+)">', html)
    assert logout, "no logout form with the session's CSRF token"
    assert client.post("/admin/logout", data={"csrf_token": logout.group(1)}).status_code == 303
    assert client.get("/admin/").status_code == 302  # signed out: back to the login page
    assert "Logged in as" not in text(client.get(permalink(app, owner_post)))


def test_owner_comment_approved_at_once_linked_and_by_post_author(app, client, auth,
                                                                  owner_post):
    app.config["COMMENT_MODERATION"] = True
    user = auth.login("owner", "administrator")
    url = permalink(app, owner_post)
    # Whatever the request says, the name and email are the account's.
    response = send(client, url, author="Someone Else", email="else@example.org",
                    cookies_consent="yes")
    assert response.status_code == 303
    assert "dw_commenter" not in response.headers.get("Set-Cookie", "")
    assert "dw_held" not in response.headers.get("Set-Cookie", "")
    with app.app_context():
        comment = db.session.scalar(sa.select(Comment))
        assert (comment.status, comment.user_id) == ("approved", user.id)
        assert (comment.author_name, comment.author_email) == ("Owner", "")
        assert db.session.get(Post, owner_post.id).comment_count == 1
    classes = comment_element(client.get(url), comment.id).split()
    assert "bypostauthor" in classes and "comment-held" not in classes


def test_owner_comment_by_htmx_swaps_in_as_theirs(app, client, auth, owner_post):
    app.config["COMMENT_MODERATION"] = True
    auth.login("owner", "administrator")
    response = send(client, permalink(app, owner_post), htmx=True)
    assert response.status_code == 200
    html = text(response)
    assert "bypostauthor" in html and "comment-awaiting-moderation" not in html
    assert "Logged in as Owner." in html and 'name="author"' not in html
    assert "dw_" not in response.headers.get("Set-Cookie", "")
    assert "private" in response.headers["Cache-Control"]


def test_author_comment_on_own_post_approved_elsewhere_moderated(app, client, auth, make,
                                                                owner_post):
    app.config["COMMENT_MODERATION"] = True
    writer = make.account("writer")
    mine = make.post("Mine", published_at=WHEN, author=writer)
    auth.login("writer", "author")
    # Elsewhere as any commenter (WordPress: no earlier approved comment, held);
    # on their own post approved at once.
    assert send(client, permalink(app, owner_post), comment="On the owner's.").status_code == 303
    assert send(client, permalink(app, mine), comment="On my own post.").status_code == 303
    with app.app_context():
        rows = list(db.session.execute(
            sa.select(Comment.post_id, Comment.status, Comment.user_id).order_by(Comment.id)))
    assert rows == [(owner_post.id, "pending", writer.id), (mine.id, "approved", writer.id)]
    anonymous = app.test_client()
    own = text(anonymous.get(permalink(app, mine)))
    assert "bypostauthor" in own
    assert "On the owner" not in text(anonymous.get(permalink(app, owner_post)))


def test_reader_comment_is_not_by_post_author(app, client, owner_post):
    url = permalink(app, owner_post)
    assert send(client, url).status_code == 303
    with app.app_context():
        comment = db.session.scalar(sa.select(Comment))
    assert comment.user_id is None
    assert "bypostauthor" not in comment_element(client.get(url), comment.id)


def test_signed_in_comment_still_needs_token_and_same_origin(app, client, auth, owner_post):
    auth.login("owner", "administrator")
    url = permalink(app, owner_post)
    assert send(client, url, token="forged.token").status_code == 400
    assert send(client, url, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0


def test_signed_in_reply_form_partial_is_logged_in_and_private(app, client, auth, make,
                                                               owner_post):
    reader = make.comment(owner_post, "Reader")
    auth.login("owner", "administrator")
    response = client.get(f"/partials/comment-form/{owner_post.id}/?replytocom={reader.id}")
    assert "Logged in as Owner." in text(response)
    assert "private" in response.headers["Cache-Control"]
    assert "cookie" in response.headers["Vary"].lower()


# --- caching: personal pages are never shared ---------------------------------------------


def test_anonymous_post_page_sets_no_cookie_and_reads_no_session(app, client, owner_post):
    url = permalink(app, owner_post)
    responses = []
    assert user_accesses(app, lambda: responses.append(client.get(url))) == 0
    response = responses[0]
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()


def test_signed_in_pages_never_enter_the_shared_caches(app, database_uri, make, owner_post):
    worker = app_with_cache(database_uri)
    owner = worker.test_client()
    token = csrf_token(owner)
    assert owner.post("/admin/login", data={"csrf_token": token, "username": "owner",
                                            "password": "correct horse battery"}).status_code == 303
    url = permalink(worker, owner_post)
    for _ in range(2):  # the owner's views come first: anything they fill would be reused
        response = owner.get(url)
        assert edit_links(response) == [owner_post.id] and "Logged in as Owner." in text(response)
        assert "X-Cache" not in response.headers
        assert "private" in response.headers["Cache-Control"]
        assert "cookie" in response.headers["Vary"].lower()
    reader = worker.test_client()
    for expected in ("miss", "hit"):
        response = reader.get(url)
        assert response.headers["X-Cache"] == expected
        html = text(response)
        assert edit_links(response) == [] and "Logged in as" not in html
        assert 'name="author"' in html and "logout-form" not in html


# --- item 13: private posts ----------------------------------------------------------------


def test_private_post_shown_to_its_editors_only(app, client, auth, make):
    owner = make.account("owner", "administrator")
    secret = make.post("Secret Plans", published_at=WHEN, status="private", author=owner)
    url = permalink(app, secret)
    assert client.get(url).status_code == 404
    auth.login("writer", "author")  # another author may not read it
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login("owner", "administrator")
    response = client.get(url)
    assert response.status_code == 200
    html = text(response)
    assert '<h1 class="entry-title p-name">Private: Secret Plans</h1>' in html
    assert "<title>Private: Secret Plans" in html
    assert "private" in response.headers["Cache-Control"]
    assert "cookie" in response.headers["Vary"].lower()
    assert edit_links(response) == [secret.id]


def test_private_post_comment_by_owner(app, client, auth, make):
    owner = make.account("owner", "administrator")
    secret = make.post("Secret Talk", published_at=WHEN, status="private", author=owner)
    url = permalink(app, secret)
    # A reader may not comment there, even with a token for it.
    assert send(app.test_client(), url, token=issue_token(app, secret)).status_code == 404
    auth.login("owner", "administrator")
    assert send(client, url).status_code == 303
    assert "A thoughtful comment." in text(client.get(url))


def test_private_page_shown_to_administrators_only(app, client, auth, make):
    make.post("Staff Notes", kind="page", published_at=WHEN, status="private")
    assert client.get("/staff-notes/").status_code == 404
    auth.login("owner", "administrator")
    response = client.get("/staff-notes/")
    assert response.status_code == 200
    assert '<h1 class="entry-title">Private: Staff Notes</h1>' in text(response)


def test_private_post_saved_in_the_editor_gets_an_address(app, client, auth):
    auth.login("owner", "administrator")
    token = csrf_token(client, "/admin/posts/new")
    response = client.post("/admin/posts/new", data={
        "csrf_token": token, "title": "Only Mine", "format": "markdown", "source": "Hush.",
        "status": "private",
    })
    assert response.status_code == 303
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.title == "Only Mine"))
        assert post.status == "private" and post.published_local is not None
    page = client.get(response.headers["Location"])
    view = re.search(r'<a href="([^"]+)">View post</a>', text(page))
    assert view, "the saved notice links to the private post"
    assert "Private: Only Mine" in text(client.get(view.group(1)))


# --- item 13: previews -----------------------------------------------------------------------


def test_editor_preview_opens_the_draft_as_readers_would_see_it(app, client, auth):
    auth.login("owner", "administrator")
    token = csrf_token(client, "/admin/posts/new")
    response = client.post("/admin/posts/new", data={
        "csrf_token": token, "title": "Half Done", "format": "markdown",
        "source": "Work in **progress**.", "status": "draft",
    })
    assert response.status_code == 303
    editor = text(client.get(response.headers["Location"]))
    link = re.search(r'<a class="preview-link" href="([^"]+)"[^>]*>Preview', editor)
    assert link, "no Preview link in the editor"
    preview = link.group(1).replace("&amp;", "&")
    assert re.fullmatch(r"/\?p=\d+&preview=true", preview)
    shown = client.get(preview)
    assert shown.status_code == 200
    html = text(shown)
    assert '<h1 class="entry-title p-name">Half Done</h1>' in html
    assert "<strong>progress</strong>" in html
    assert 'class="site-header' in html or "<header" in html  # the public template, whole
    assert "Preview: Draft, not shown to readers." in html
    assert "private" in shown.headers["Cache-Control"]
    assert "cookie" in shown.headers["Vary"].lower()
    # A reader, or the owner signed out, gets nothing at that address.
    assert app.test_client().get(preview).status_code == 404
    auth.logout()
    assert client.get(preview).status_code == 404


def test_preview_of_a_page_and_of_others_drafts(app, client, auth, make):
    owner = make.account("owner", "administrator")
    draft = make.post("Draft Page", kind="page", published_at=WHEN, status="draft")
    theirs = make.post("Owner Draft", published_at=WHEN, status="draft", author=owner)
    auth.login("owner", "administrator")
    assert "Draft Page" in text(client.get(f"/?page_id={draft.id}&preview=true"))
    auth.logout()
    auth.login("writer", "author")
    assert client.get(f"/?p={theirs.id}&preview=true").status_code == 404


def test_preview_of_a_published_post_for_a_reader_is_its_permalink(app, client, owner_post):
    response = client.get(f"/?p={owner_post.id}&preview=true")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(permalink(app, owner_post))


def test_previews_and_private_posts_never_cached(app, database_uri, make):
    worker = app_with_cache(database_uri)
    owner_account = make.account("owner", "administrator")
    draft = make.post("Cached Draft", published_at=WHEN, status="draft", author=owner_account)
    secret = make.post("Cached Secret", published_at=WHEN, status="private",
                       author=owner_account)
    owner = worker.test_client()
    assert owner.post("/admin/login", data={
        "csrf_token": csrf_token(owner), "username": "owner",
        "password": "correct horse battery"}).status_code == 303
    preview = f"/?p={draft.id}&preview=true"
    secret_url = permalink(worker, secret)
    for _ in range(2):
        for url in (preview, secret_url):
            response = owner.get(url)
            assert response.status_code == 200 and "X-Cache" not in response.headers
    reader = worker.test_client()
    for _ in range(2):
        assert reader.get(preview).status_code == 404
        assert reader.get(secret_url).status_code == 404
