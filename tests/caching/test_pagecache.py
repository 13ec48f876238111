"""The page cache serves anonymous readers again without running a view, and is
never stale: every write anywhere, and the clock, move readers past old pages."""

import gzip
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dreamweaver import create_app
from dreamweaver.caching import own_connection, read_generations
from dreamweaver.comments import token as comment_token
from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post
from tests.support.comment_client import permalink, send
from tests.support.responses import text
from tests.support.settings import TEST_SETTINGS, app_with_cache


@pytest.fixture
def worker(app, database_uri):
    return app_with_cache(database_uri)


@pytest.fixture
def other_worker(app, database_uri):
    return app_with_cache(database_uri)


def queries_during(app, request):
    with app.app_context():
        engine = db.engine
    seen = []

    def listener(*args):
        seen.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        response = request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    # A hit must never take SQLite's write lock (BEGIN IMMEDIATE): readers would queue.
    assert not any("IMMEDIATE" in s.upper() for s in seen)
    return response, [s for s in seen if s.strip().upper() != "BEGIN"]


def driver_statements(app, request):
    """queries_during, and on SQLite also every statement the driver ran (raw
    reads included, on the pool's connection and on the generation's own), else None."""
    sent = []
    with app.app_context():
        raw = db.engine.raw_connection()  # the pool's one SQLite connection in tests
        drivers = [raw.driver_connection]
        raw.close()
        if db.engine.dialect.name == "sqlite":
            read_generations(db.engine)  # opens the generation's own connection
            drivers.append(own_connection._local(db.engine).connection)
    drivers = [driver for driver in drivers
               if driver is not None and hasattr(driver, "set_trace_callback")]
    for driver in drivers:
        driver.set_trace_callback(sent.append)
    try:
        response, statements = queries_during(app, request)
    finally:
        for driver in drivers:
            driver.set_trace_callback(None)
    return response, statements, sent if drivers else None


def test_second_anonymous_request_is_a_hit_with_one_query(worker, make):
    make.post("Served Twice")
    client = worker.test_client()
    first = client.get("/")
    second, statements, sent = driver_statements(worker, lambda: client.get("/"))
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    assert second.data == first.data and "Served Twice" in text(second)
    assert statements == []  # no view, no ORM: the generation is read from the driver
    if sent is not None:  # SQLite: exactly that one SELECT, no BEGIN
        assert len(sent) == 1 and "site_state" in sent[0], sent
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_etag_and_304_on_anonymous_pages_and_fragments(worker, make):
    make.post("Revalidated")
    client = worker.test_client()
    for headers in ({}, {"HX-Request": "true"}):
        first = client.get("/", headers=headers)
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "no-cache"
        again = client.get("/", headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
    assert client.get("/", headers={"HX-Request": "true"}).headers["ETag"] != \
        client.get("/").headers["ETag"]


def test_new_comment_shows_at_once(worker, make):
    post = make.post("Talked About")
    client = worker.test_client()
    page = permalink(worker, post)
    assert "First to speak" not in text(client.get(page))
    assert send(client, page, comment="First to speak").status_code == 303
    fresh = client.get(page)
    assert "First to speak" in text(fresh) and fresh.headers["X-Cache"] == "miss"


def test_moderation_and_edits_show_at_once(worker, make, client):
    post = make.post("Before the Edit")
    comment = make.comment(post, author_name="Waiting Reader", status="pending")
    reader = worker.test_client()
    page = permalink(worker, post)
    assert "Waiting Reader" not in text(reader.get(page))
    with worker.app_context():
        db.session.get(Comment, comment.id).status = "approved"
        db.session.commit()
    assert "Waiting Reader" in text(reader.get(page))
    with worker.app_context():
        db.session.get(Post, post.id).title = "After the Edit"
        db.session.commit()
    assert "After the Edit" in text(reader.get(page))


def test_a_write_through_one_worker_reaches_the_other(worker, other_worker, make):
    post = make.post("Shared")
    page = permalink(worker, post)
    one, two = worker.test_client(), other_worker.test_client()
    assert "Across workers" not in text(two.get(page))
    assert two.get(page).headers["X-Cache"] == "hit"
    assert send(one, page, comment="Across workers").status_code == 303
    assert "Across workers" in text(two.get(page))


def test_scheduled_post_appears_when_due(worker, make):
    make.post("Already Out")
    make.post("Coming Up", status="scheduled",
              published_at=datetime.now(UTC) + timedelta(seconds=1.5))
    client = worker.test_client()
    assert "Coming Up" not in text(client.get("/"))
    assert client.get("/").headers["X-Cache"] == "hit"
    time.sleep(1.6)
    assert "Coming Up" in text(client.get("/"))


def test_personal_cookies_bypass_the_cache(worker, make):
    post = make.post("Personal")
    page = permalink(worker, post)
    client = worker.test_client()
    client.get(page)
    for name in ("session", "dw_commenter", "dw_held", "dw_postpass"):
        client.set_cookie(name, "x")
        response = client.get(page)
        assert "X-Cache" not in response.headers and "ETag" not in response.headers, name
        client.delete_cookie(name)
    assert client.get(page).headers["X-Cache"] == "hit"


def test_responses_that_set_a_cookie_are_never_stored(worker):
    client = worker.test_client()
    for _ in range(2):  # the login form puts its CSRF token in a new session
        response = worker.test_client().get("/admin/login")
        assert "session=" in response.headers.get("Set-Cookie", "")
        assert "X-Cache" not in response.headers
    assert client.get("/no-such-page/").status_code == 404
    assert "X-Cache" not in client.get("/no-such-page/").headers


def test_anonymous_pages_set_no_cookie_and_do_not_vary_on_it(worker, make):
    make.post("Cookie Free")
    client = worker.test_client()
    for _ in range(2):
        response = client.get("/")
        assert "Set-Cookie" not in response.headers
        assert "cookie" not in response.headers["Vary"].lower()


def test_fragment_and_page_and_encodings_kept_apart(worker, make):
    make.post("Variants")
    client = worker.test_client()
    fragment = text(client.get("/", headers={"HX-Request": "true"}))
    page = text(client.get("/"))
    assert "<html" in page and "<html" not in fragment
    zipped = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data).decode() == page
    assert "Content-Encoding" not in client.get("/").headers
    assert client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"}).headers[
        "Content-Encoding"] == "zstd"
    assert client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"}).headers[
        "Content-Encoding"] == "br"


def test_turned_off_by_config(app, database_uri, make):
    make.post("Uncached")
    off = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                      "CACHE_TYPE": "SimpleCache", "PAGE_CACHE": False})
    client = off.test_client()
    client.get("/")
    assert "X-Cache" not in client.get("/").headers
    assert "ETag" in client.get("/").headers  # revalidation does not need the cache


# -- fragments: the pieces every reader shares, cached for readers with cookies too --

def test_held_comment_still_shown_to_its_author_when_threads_are_cached(worker, make):
    post = make.post("Busy Thread")
    make.comment(post, author_name="Early Reader")
    page = permalink(worker, post)
    other = worker.test_client()
    assert "Early Reader" in text(other.get(page))  # the shared threads are now cached
    worker.config["COMMENT_MODERATION"] = True
    author = worker.test_client()
    assert send(author, page, comment="Held for now, seen by me.").status_code == 303
    mine = text(author.get(page))
    assert "Held for now, seen by me." in mine and "awaiting moderation" in mine
    assert "Early Reader" in mine
    assert "Held for now" not in text(other.get(page))


def test_sidebar_marks_each_page_own_current_item_when_cached(worker, make):
    art, music = make.category("Art"), make.category("Music")
    make.post("Painted", categories=[art])
    make.post("Played", categories=[music])
    client = worker.test_client()
    for current, other in (("art", "music"), ("music", "art"), ("art", "music")):
        html = text(client.get(f"/category/{current}/", headers={"Cookie": "dw_commenter=x"}))
        assert re.search(rf'href="/category/{current}/"[^>]*aria-current="page"', html)
        assert not re.search(rf'href="/category/{other}/"[^>]*aria-current="page"', html)


def test_banner_marks_each_page_own_menu_item_and_search_words_when_cached(worker, make):
    make.post("Anything")
    make.post("About", kind="page")
    make.post("Contact", kind="page")
    client = worker.test_client()
    client.set_cookie("session", "not-a-session")  # past the page cache, to the view

    def current(url):
        return re.findall(r'<a href="([^"]+)" aria-current="page">',
                          text(client.get(url)).split("</header>")[0])

    for _ in range(2):
        assert current("/about/") == ["/about/"]
        assert current("/contact/") == ["/contact/"]
        assert current("/") == ["/"]
        assert current("/?s=anything") == []
        assert current("/2020/") == []
    assert 'value="walrus"' in text(client.get("/?s=walrus")).split("</header>")[0]
    assert 'value="walrus"' not in text(client.get("/?s=otter")).split("</header>")[0]


def test_reply_link_without_javascript_places_the_form_when_threads_are_cached(worker, make):
    post = make.post("Replies")
    comment = make.comment(post, author_name="Answer Me")
    page = permalink(worker, post)
    client = worker.test_client()
    client.get(page)
    html = text(client.get(f"{page}?replytocom={comment.id}"))
    slot = html.index(f'id="reply-to-{comment.id}"')
    assert html.index('id="respond"') > slot
    assert 'name="comment_parent"' in html and f'value="{comment.id}"' in html


def test_cached_comment_form_carries_each_posts_own_fresh_token(worker, make):
    first, second = make.post("First Form"), make.post("Second Form")
    client = worker.test_client()
    client.set_cookie("session", "not-a-session")  # past the page cache, to the view
    for n, post in enumerate((first, second, first)):
        url = permalink(worker, post)
        html = text(client.get(url))
        assert "dw-comment-token-slot" not in html
        assert f'action="{url}comments/"' in html
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]
        with worker.test_request_context():
            comment_token.check(token, post.id)  # raises if not this post's token
        assert send(client, url, token=token, comment=f"Visit {n}").status_code == 303


def test_saved_details_fill_the_form_though_the_blank_one_is_cached(worker, make):
    post = make.post("Saved Details")
    url = permalink(worker, post)
    anonymous, regular = worker.test_client(), worker.test_client()
    assert 'value="Ann Lee"' not in text(anonymous.get(url))  # the blank form, now cached
    send(regular, url, author="Ann Lee", email="ann@example.org", cookies_consent="yes")
    assert 'value="Ann Lee"' in text(regular.get(url))
    assert 'value="Ann Lee"' not in text(anonymous.get(url))


def test_post_page_past_the_page_cache_reads_only_the_generation_once_warm(worker, make):
    post = make.post("Warm Post", categories=[make.category("Warmth")])
    make.comment(post, content="A warm comment.")
    url = permalink(worker, post)
    client = worker.test_client()
    client.set_cookie("session", "not-a-session")  # past the page cache, to the view
    first = client.get(url)
    second, statements, sent = driver_statements(worker, lambda: client.get(url))
    assert "Warm Post" in text(second) and "A warm comment." in text(second)
    assert text(second).split("csrf_token")[0] == text(first).split("csrf_token")[0]
    assert statements == []  # no session, no BEGIN: the post and its fragments are cached
    if sent is not None:  # SQLite: the generation's one SELECT
        assert len(sent) == 1 and "site_state" in sent[0], sent


def test_a_writes_own_response_renders_after_it(worker, make):
    post = make.post("Busy Post")
    make.comment(post, content="An early comment.")
    url = permalink(worker, post)
    client = worker.test_client()
    assert "An early comment." in text(client.get(url))  # widgets cached, pre-write
    response = send(client, url, htmx=True, comment="A comment of this very request.",
                    author="Zelda Newcomer")
    assert response.status_code == 200
    assert "A comment of this very request." in text(response)
    widget = text(response).split('id="recent-comments"')[1]  # swapped out of band
    assert "Zelda Newcomer" in widget


def test_post_edits_show_at_once_past_the_page_cache(worker, make):
    post = make.post("Before The Edit")
    url = permalink(worker, post)
    client = worker.test_client()
    client.set_cookie("session", "not-a-session")
    assert "Before The Edit" in text(client.get(url))
    with worker.app_context():
        db.session.get(Post, post.id).title = "After The Edit"
        db.session.commit()
    html = text(client.get(url))
    assert '<h1 class="entry-title p-name">After The Edit</h1>' in html
    assert "<title>After The Edit" in html and ">Before The Edit<" not in html


def test_a_protected_posts_password_never_enters_the_cache(worker, make):
    from dreamweaver.extensions import cache

    post = make.post("Guarded", source="Guarded words.", password="hunter2-secret")
    client = worker.test_client()
    for _ in range(2):
        assert "Guarded words." not in text(client.get(permalink(worker, post)))
    with worker.app_context():
        stored = [cache.cache.get(key) for key in list(cache.cache._cache)]
    assert stored and "hunter2-secret" not in repr(stored)


def test_protected_post_never_shared_after_someone_unlocked_it(worker, make):
    post = make.post("Sealed", source="The sealed sentence is walrus-tea.", password="pw")
    url = permalink(worker, post)
    insider, outsider = worker.test_client(), worker.test_client()
    unlocked = insider.post(url, data={"post_password": "pw"},
                            headers={"Sec-Fetch-Site": "same-origin"})
    assert unlocked.status_code == 303
    assert "walrus-tea" in text(insider.get(url))
    assert "walrus-tea" not in text(outsider.get(url))
    assert "walrus-tea" not in text(outsider.get(url, headers={"HX-Request": "true"}))
