"""Fixes from review: the form partial respects closed and protected posts,
saved details without a website, held comments that were later spammed,
comment pages of locked posts."""

import re
from datetime import UTC, datetime

from dreamweaver.extensions import db
from dreamweaver.models import Comment

HX = {"HX-Request": "true"}


def test_form_partial_refuses_closed_and_locked_posts(client, make):
    closed = make.post("Closed", comments_open=False)
    locked = make.post("Locked", password="pw")
    reply = make.comment(locked, author_name="Hidden Name")
    assert client.get(f"/partials/comment-form/{closed.id}/").status_code == 404
    response = client.get(f"/partials/comment-form/{locked.id}/?replytocom={reply.id}")
    assert response.status_code == 404
    assert "Hidden Name" not in response.get_data(as_text=True)


def test_form_partial_with_saved_details_is_private(client, make):
    post = make.post("Open")
    with client.application.test_request_context():
        from dreamweaver.comments import cookies
        response = client.application.make_response("")
        cookies.remember_author(response, "Alice", "alice@example.org", "")
        cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    client.set_cookie("dw_commenter", cookie)
    response = client.get(f"/partials/comment-form/{post.id}/")
    body = response.get_data(as_text=True)
    assert 'value="alice@example.org"' in body
    url_input = re.search(r'<input[^>]*name="url"[^>]*>', body).group(0)
    assert "None" not in url_input and 'value=""' in url_input
    assert "Cookie" in response.headers["Vary"] and "private" in response.headers["Cache-Control"]


def test_spammed_held_comment_disappears_for_its_author(app, client, make):
    post = make.post("Talk", published_at=datetime(2024, 1, 2, tzinfo=UTC))
    held = make.comment(post, author_name="Was Held", status="pending")
    with client.application.test_request_context():
        from dreamweaver.comments import cookies
        response = client.application.make_response("")
        cookies.remember_held(response, held.id)
        cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    client.set_cookie("dw_held", cookie)
    assert "Was Held" in client.get("/2024/01/02/talk/").get_data(as_text=True)
    with app.app_context():
        db.session.get(Comment, held.id).status = "spam"
        db.session.commit()
    assert "Was Held" not in client.get("/2024/01/02/talk/").get_data(as_text=True)


def test_comment_page_out_of_range_on_locked_post_is_404(client, make):
    make.post("Vault", password="pw", published_at=datetime(2024, 1, 2, tzinfo=UTC))
    assert client.get("/2024/01/02/vault/comment-page-999/").status_code == 404
    assert client.get("/2024/01/02/vault/comment-page-1/").status_code == 200
