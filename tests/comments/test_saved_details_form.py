"""A returning commenter's form (their saved name, email and website filled
in) is the cached rendering with their details put in: byte for byte what
rendering the form for them would give, and never another reader's."""

import re

import pytest
from flask import render_template
from itsdangerous import URLSafeSerializer

from dreamweaver.comments.cookies import AUTHOR_COOKIE
from dreamweaver.comments.forms import BlankCommentForm, CommentForm, comment_form_html
from dreamweaver.extensions import db
from dreamweaver.models import Post
from tests.support.comment_client import permalink
from tests.support.settings import app_with_cache

SAVED = [
    {"author": "Ann Reader", "email": "ann@example.org", "url": ""},
    {"author": 'Q "the" <b>&\'', "email": "", "url": "https://example.org/?a=1&b=<2>"},
    {"author": "", "email": "only@example.org", "url": ""},
    {"author": "dw-saved-email-slot", "email": "x@example.org", "url": "dw-comment-token-slot"},
]


@pytest.fixture
def cached(app, database_uri):
    return app_with_cache(database_uri, MEDIA_STORAGE_URL=app.config["MEDIA_STORAGE_URL"])


@pytest.mark.parametrize("saved", SAVED)
def test_same_as_rendering_the_form(cached, post, saved):
    with cached.test_request_context("/"):
        shown = db.session.get(Post, post.id)
        for _ in range(2):  # rendered into the cache, then from it
            html = str(comment_form_html(shown, BlankCommentForm("tok.en", saved)))
        form = CommentForm(formdata=None, data=saved)
        form.cookies_consent.data = bool(saved["author"])
        form.csrf_token.data = "tok.en"
        assert html == render_template("comments/_form.html", post=shown, form=form, message="")


def cookie_for(app, author: str) -> str:
    return URLSafeSerializer(app.secret_key, salt=AUTHOR_COOKIE).dumps(
        {"author": author, "email": f"{author.lower()}@example.org", "url": ""})


def test_each_reader_sees_their_own_details(cached, post):
    url = permalink(cached, post)
    pages = {}
    for name in ("Ann", "Bob", "Ann"):
        client = cached.test_client()
        client.set_cookie(AUTHOR_COOKIE, cookie_for(cached, name))
        response = client.get(url)
        assert response.headers["Cache-Control"] == "private"
        pages.setdefault(name, []).append(response.get_data(as_text=True))
    for name, other in (("Ann", "Bob"), ("Bob", "Ann")):
        for page in pages[name]:
            assert f'value="{name}"' in page and f'value="{name.lower()}@example.org"' in page
            assert other not in page
            consent = re.search(r'<input[^>]*id="wp-comment-cookies-consent"[^>]*>', page)[0]
            assert "checked" in consent
