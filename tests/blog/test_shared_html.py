"""A public page's HTML is rendered once per URL and content generation and
shared by every reader who is not signed in (blog/shared_html.py): each
gets it with their own comment form put in, byte for byte what rendering the
page for them would give; nothing personal is kept or served from it."""

import re
from datetime import UTC, datetime

import pytest
from flask import template_rendered, url_for
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from dreamweaver.caching import expiry
from dreamweaver.comments import token as comment_token
from dreamweaver.comments.cookies import AUTHOR_COOKIE, HELD_COOKIE
from dreamweaver.templating import next_new_year
from tests.support.auth import Auth
from tests.support.comment_client import permalink
from tests.support.settings import app_with_cache

MARKER = "dw-comment-form-"


def same_but_token(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1T"', html)


@pytest.fixture
def cached(app, database_uri):
    """A worker's app with the page cache off: every page goes to its view."""
    return app_with_cache(database_uri, PAGE_CACHE=False,
                          MEDIA_STORAGE_URL=app.config["MEDIA_STORAGE_URL"])


@pytest.fixture
def uncached(app, database_uri):
    return app_with_cache(database_uri, PAGE_CACHE=False, CACHE_TYPE="NullCache",
                          MEDIA_STORAGE_URL=app.config["MEDIA_STORAGE_URL"])


def rendered_templates(app, request):
    names = []

    def note(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(note, app)
    try:
        response = request()
    finally:
        template_rendered.disconnect(note, app)
    return response, names


def commenter(app, name="Ann"):
    client = app.test_client()
    client.set_cookie(AUTHOR_COOKIE, URLSafeSerializer(app.secret_key, salt=AUTHOR_COOKIE).dumps(
        {"author": name, "email": f"{name.lower()}@example.org", "url": ""}))
    return client


def test_a_post_page_is_rendered_once_per_generation(cached, post, make):
    url = permalink(cached, post)
    client = cached.test_client()
    first, names = rendered_templates(cached, lambda: client.get(url))
    assert "blog/post.html" in names
    again, names = rendered_templates(cached, lambda: client.get(url))
    assert names == [] and again.status_code == 200
    assert same_but_token(again.get_data(as_text=True)) == \
        same_but_token(first.get_data(as_text=True))
    make.comment(post, content="<p>A new word.</p>")
    moved, names = rendered_templates(cached, lambda: client.get(url))
    assert "blog/post.html" in names and "A new word." in moved.get_data(as_text=True)


@pytest.mark.parametrize("who", ["stranger", "Ann", "Bob"])
def test_each_reader_gets_what_rendering_it_for_them_gives(cached, uncached, post, make, who):
    make.comment(post, content="<p>Earlier.</p>")
    url = permalink(cached, post)
    pages = []
    for app in (cached, cached, uncached):
        client = app.test_client() if who == "stranger" else commenter(app, who)
        response = client.get(url)
        assert response.status_code == 200
        pages.append(same_but_token(response.get_data(as_text=True)))
    assert pages[0] == pages[1] == pages[2]
    assert MARKER not in pages[0]
    if who != "stranger":
        assert f'value="{who}"' in pages[0]
        assert ({"Ann", "Bob"} - {who}).pop() not in pages[0]


def test_every_reader_gets_a_token_for_the_post(cached, post, make):
    """The kept page has no token in it: each request's own is put in, and it
    is checked against the post it was issued for."""
    other = make.post("Another")
    url = permalink(cached, post)
    for _ in range(2):
        html = cached.test_client().get(url).get_data(as_text=True)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]
        with cached.test_request_context():
            comment_token.check(found, post.id)  # raises if it is not this post's
            with pytest.raises(comment_token.TokenError):
                comment_token.check(found, other.id)


def test_a_listing_page_is_rendered_once_per_url(cached, make):
    make.post("Listed Here")
    client = cached.test_client()
    _first, names = rendered_templates(cached, lambda: client.get("/"))
    assert "blog/archive.html" in names
    again, names = rendered_templates(cached, lambda: client.get("/"))
    assert names == [] and "Listed Here" in again.get_data(as_text=True)
    # Another address is another page: its canonical link says so.
    other, names = rendered_templates(cached, lambda: client.get("/", base_url="http://other.example"))
    assert "blog/archive.html" in names
    assert '<link rel="canonical" href="http://other.example/">' in other.get_data(as_text=True)


def test_a_signed_in_page_is_never_kept_nor_served_from_it(cached, post, make):
    url = permalink(cached, post)
    with cached.test_request_context():
        edit = url_for("admin.post_edit", post_id=post.id)
    owner = cached.test_client()
    Auth(owner, make).login()
    assert edit in owner.get(url).get_data(as_text=True)
    assert edit not in cached.test_client().get(url).get_data(as_text=True)
    assert edit in owner.get(url).get_data(as_text=True)
    assert edit not in cached.test_client().get(url).get_data(as_text=True)


def test_held_comments_stay_their_authors(cached, post, make):
    held = make.comment(post, content="<p>Waiting its turn.</p>", status="pending")
    url = permalink(cached, post)
    assert "Waiting its turn." not in cached.test_client().get(url).get_data(as_text=True)
    author = cached.test_client()
    author.set_cookie(HELD_COOKIE, URLSafeTimedSerializer(cached.secret_key, salt=HELD_COOKIE)
                      .dumps([held.id]))
    assert "Waiting its turn." in author.get(url).get_data(as_text=True)
    assert "Waiting its turn." not in cached.test_client().get(url).get_data(as_text=True)


def test_the_footer_year_ends_every_kept_page(app):
    """The footer says the year: nothing rendered in December outlives it."""
    with app.app_context():
        until, timeout = expiry(datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC))
    assert until == datetime(2027, 1, 1, tzinfo=UTC) and timeout <= 31


def test_the_next_new_year_is_in_the_sites_timezone(app):
    with app.app_context():
        moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
        assert next_new_year(moment) == datetime(2027, 1, 1, tzinfo=UTC)
        new_year = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
        assert next_new_year(new_year) == datetime(2028, 1, 1, tzinfo=UTC)


def test_a_new_secret_key_never_reads_html_kept_under_the_old(app, database_uri, post, tmp_path):
    """Workers that share a cache backend across a key rotation: the form's
    marker is named with the key, so each reads only HTML with its own."""
    shared = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache"),
              "PAGE_CACHE": False, "MEDIA_STORAGE_URL": app.config["MEDIA_STORAGE_URL"]}
    old = app_with_cache(database_uri, SECRET_KEY="the-old-key", **shared)
    new = app_with_cache(database_uri, SECRET_KEY="the-new-key", **shared)
    url = permalink(old, post)
    for worker in (old, new, old):
        html = worker.test_client().get(url).get_data(as_text=True)
        assert MARKER not in html
        assert re.search(r'name="csrf_token"[^>]*value="[^"]+"', html)
