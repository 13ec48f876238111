"""Posting comments the way a browser does: the token read from the page's form,
the same-origin header, the htmx header when asked; and what got stored."""

import re
from html import unescape

import sqlalchemy as sa

from dreamweaver.comments import token as comment_token
from dreamweaver.extensions import db
from dreamweaver.models import Comment
from dreamweaver.permalinks import post_url
from tests.support.responses import text

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
HTMX = {"HX-Request": "true"}
FIELDS = {
    "comment": "A thoughtful comment.",
    "author": "Ann",
    "email": "ann@example.org",
    "url": "",
    "comment_parent": "0",
}


def permalink(app, post) -> str:
    with app.test_request_context():
        return post_url(post)


def form_token(html: str) -> str:
    """The value of the comment form's hidden csrf_token field."""
    field = re.search(r'<input[^>]*\bname="csrf_token"[^>]*>', html)
    assert field, "no csrf_token field in the page"
    return unescape(re.search(r'\bvalue="([^"]*)"', field.group(0)).group(1))


def issue_token(app, post) -> str:
    """A token as the form would carry it, for posts whose page shows no form."""
    with app.test_request_context():
        return comment_token.issue(post.id)


def send(client, page, /, *, htmx=False, headers=SAME_ORIGIN, token=None, **fields):
    """POST a comment to `<page>comments/` as the form on `page` does; a field
    given as None is left out of the body."""
    if token is None:
        token = form_token(text(client.get(page)))
    data = {**FIELDS, "csrf_token": token, **fields}
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(page + "comments/", data=data,
                       headers={**headers, **(HTMX if htmx else {})})


def stored(app) -> list[Comment]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Comment).order_by(Comment.id)))


def comment_total(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Comment))


def set_cookies(response, name: str) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
