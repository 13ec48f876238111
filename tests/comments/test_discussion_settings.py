"""Settings > Discussion: each setting changes what the site does, the form
refuses bad values in place, and the defaults are the configuration's."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dreamweaver import settings
from dreamweaver.comments import words
from dreamweaver.extensions import db
from dreamweaver.models import OutboxMessage, Post, SettingsChange, SiteSetting
from dreamweaver.settings.discussion import KEYS_MAX_CHARS, KEYS_MAX_LINES
from tests.support.auth import Auth
from tests.support.comment_client import (
    HTMX,
    SAME_ORIGIN,
    comment_total,
    issue_token,
    permalink,
    send,
    set_cookies,
    stored,
)
from tests.support.responses import text
from tests.support.settings import app_with_cache
from tests.support.site_settings import SETTINGS, form_fields, save_settings

NOW = datetime.now(UTC)


def discuss(app, **values):
    """Save the Discussion settings with `values` changed, as /admin does."""
    with app.app_context():
        settings.save("discussion", {**settings.current().group("discussion"), **values})
        db.session.commit()


@pytest.fixture
def post(make):
    return make.post("Talk", published_at=NOW - timedelta(days=10))


@pytest.fixture
def url(app, post):
    return permalink(app, post)


def reader(app):
    return app.test_client()


def ids_shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="comment-(\d+)"', html)]


# --- the form -------------------------------------------------------------------


def test_the_form_shows_wordpress_labels_and_the_configured_defaults(app, client, auth):
    app.config.update(COMMENT_MAX_LINKS=4, COMMENT_MAX_DEPTH=3, COMMENTS_PER_PAGE=7)
    auth.login()
    page = text(client.get(SETTINGS))
    for label in ("Allow people to submit comments on new posts",
                  "Automatically close comments on posts older than this many days",
                  "Hold comments by the rules below",
                  "Hold a comment in the queue if it contains more than this many links",
                  "Comment author must have a previously approved comment",
                  "Comment Moderation", "Disallowed Comment Keys",
                  "Enable threaded (nested) comments this many levels deep",
                  "Break comments into pages with this many top level comments per page"):
        assert f">{label}</label>" in page, label
    assert "<legend>Comments page displayed by default</legend>" in page
    fields = form_fields(page)
    assert fields["comments_open_default"] == "y"
    assert fields["close_comments_days"] == "0"
    assert not fields.get("comment_moderation")  # TEST_SETTINGS: COMMENT_MODERATION false
    assert fields["comment_max_links"] == "4"
    assert fields["comment_previously_approved"] == "y"
    assert fields["comment_max_depth"] == "3"
    assert fields["comments_per_page"] == "7"
    assert fields["default_comments_page"] == "newest"
    assert fields["comment_order"] == "asc"


def test_saved_values_are_stored_and_shown_again(app, client, auth):
    auth.login()
    response = save_settings(client, close_comments_days="14", comment_moderation="y",
                             comment_max_links="0",
                             moderation_keys="  Casino \r\n\r\nfree pills\r\n",
                             disallowed_keys="viagra", comment_max_depth="2",
                             comments_per_page="20", default_comments_page="oldest",
                             comment_order="desc", comments_open_default=None,
                             comment_previously_approved=None)
    assert response.status_code == 303
    with app.app_context():
        assert settings.current().group("discussion") == {
            "comments_open_default": False, "close_comments_days": 14,
            "comment_moderation": True, "comment_max_links": 0,
            "comment_previously_approved": False, "moderation_keys": "Casino \n\nfree pills",
            "disallowed_keys": "viagra", "comment_max_depth": 2, "comments_per_page": 20,
            "default_comments_page": "oldest", "comment_order": "desc"}
    fields = form_fields(text(client.get(SETTINGS)))
    assert fields["default_comments_page"] == "oldest" and fields["comment_order"] == "desc"
    assert not fields.get("comments_open_default")
    history = text(client.get(SETTINGS + "history/"))
    assert "Disallowed Comment Keys" in history and "viagra" in history


@pytest.mark.parametrize(("field", "value", "message"), [
    ("close_comments_days", "-1", "from 0 to 36,500 for the days"),
    ("close_comments_days", "36501", "from 0 to 36,500 for the days"),
    ("close_comments_days", "", "from 0 to 36,500 for the days"),
    ("close_comments_days", "ten", "from 0 to 36,500 for the days"),
    ("comment_max_links", "101", "from 0 to 100 for the links"),
    ("comment_max_depth", "0", "from 1 to 10 for the levels"),
    ("comment_max_depth", "11", "from 1 to 10 for the levels"),
    ("comments_per_page", "0", "from 1 to 1,000 for the comments per page"),
    ("comments_per_page", "1001", "from 1 to 1,000 for the comments per page"),
    ("default_comments_page", "middle", "Choose the last or the first page."),
    ("comment_order", "random", "Choose older or newer."),
    ("moderation_keys", "x" * 20_001, "at most 20,000 characters"),
    ("moderation_keys", "\n".join(f"w{n}" for n in range(1001)), "at most 1,000 lines"),
    ("moderation_keys", "casino\x07", "invisible control characters"),
    ("disallowed_keys", "y" * 20_001, "at most 20,000 characters"),
    ("disallowed_keys", "spam\x00", "invisible control characters"),
])
def test_bad_values_are_refused_in_place_and_nothing_is_saved(app, client, auth, field, value,
                                                              message):
    auth.login()
    for headers in ({}, HTMX):
        response = save_settings(client, headers=headers, site_tagline="Changed too",
                                 **{"comments_per_page": "9", field: value})
        assert response.status_code == 422
        page = text(response)
        assert message in page and "Nothing was saved" in page
        error = re.search(rf'<span class="field-error" id="{field}-error">([^<]*)', page)
        assert error and message in error.group(1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SiteSetting)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SettingsChange)) == 0


# --- comments open by default ---------------------------------------------------


def test_new_posts_start_with_comments_as_the_setting_says(app, client, auth):
    auth.login()
    editor = text(client.get("/admin/posts/new"))
    assert re.search(r'<input checked id="comments_open"', editor)
    save_settings(client, comments_open_default=None)
    editor = text(client.get("/admin/posts/new"))
    assert re.search(r'<input id="comments_open"', editor)
    # Pages start closed either way, as WordPress's.
    save_settings(client, comments_open_default="y")
    assert re.search(r'<input id="comments_open"', text(client.get("/admin/pages/new")))


def test_the_demo_posts_follow_the_setting_too(app):
    from dreamweaver.demo import load_demo
    discuss(app, comments_open_default=False)
    with app.app_context():
        load_demo()
        db.session.commit()
        opened = dict(db.session.execute(
            sa.select(Post.type, sa.func.max(sa.cast(Post.comments_open, sa.Integer)))
            .group_by(Post.type)).all())
    assert opened == {"post": 0, "page": 1}


# --- closing comments on old posts ----------------------------------------------


def test_posts_older_than_the_limit_are_closed_as_a_closed_post_is(app, url, make):
    young = make.post("Young", published_at=NOW - timedelta(days=2))
    comment = make.comment(young, "Ann")
    old_comment = make.comment(stored_post(app, url), "Bob")
    discuss(app, close_comments_days=5)
    page = text(reader(app).get(url))
    assert "Comments are closed." in page and 'id="commentform"' not in page
    assert f'replytocom={old_comment.id}' not in page
    refused = send(reader(app), url, token=issue_token(app, stored_post(app, url)),
                   comment="Too late.")
    assert refused.status_code == 403 and "Comments are closed." in text(refused)
    post_id = stored_post(app, url).id
    assert reader(app).get(f"/partials/comment-form/{post_id}/",
                           headers=HTMX).status_code == 404
    open_page = text(reader(app).get(permalink(app, young)))
    assert 'id="commentform"' in open_page and f"replytocom={comment.id}" in open_page
    assert send(reader(app), permalink(app, young), comment="In time.").status_code == 303
    discuss(app, close_comments_days=0)  # nothing stored changed: lifted, open again
    assert 'id="commentform"' in text(reader(app).get(url))


def stored_post(app, url):
    with app.app_context():
        slug = url.rstrip("/").rsplit("/", 1)[-1]
        post = db.session.scalar(sa.select(Post).where(Post.slug == slug))
        db.session.expunge(post)
        return post


def test_pages_are_not_closed_by_age(app, make):
    page = make.post("Old Page", kind="page", published_at=NOW - timedelta(days=400),
                     comments_open=True)
    discuss(app, close_comments_days=1)
    assert 'id="commentform"' in text(reader(app).get(permalink(app, page)))


def test_a_cached_page_closes_when_its_post_comes_of_age(app, database_uri, make):
    worker = app_with_cache(database_uri)
    soon = datetime.now(UTC) + timedelta(seconds=6)  # time enough to fill the caches
    post = make.post("Closing Soon", published_at=soon - timedelta(days=1))
    make.comment(post, "Ann")
    url = permalink(app, post)
    discuss(app, close_comments_days=1)
    anonymous, remembered = worker.test_client(), worker.test_client()
    remembered.set_cookie("dw_commenter", "x")  # past the page cache, into the fragments
    for client in (anonymous, remembered):
        assert 'id="commentform"' in text(client.get(url))
    assert anonymous.get(url).headers["X-Cache"] == "hit"
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.2)
    for client in (anonymous, remembered):
        page = text(client.get(url))
        assert "Comments are closed." in page and 'id="commentform"' not in page
        assert "replytocom=" not in page


def test_a_setting_reaches_another_worker_at_once(app, database_uri, url):
    one, two = app_with_cache(database_uri), app_with_cache(database_uri)
    client = two.test_client()
    assert 'id="commentform"' in text(client.get(url))
    assert client.get(url).headers["X-Cache"] == "hit"
    discuss(one, close_comments_days=3)
    assert "Comments are closed." in text(client.get(url))


# --- moderation rules -----------------------------------------------------------


def test_moderation_off_approves_at_once_as_today(app, url):
    assert send(reader(app), url, comment="Hello.").status_code == 303
    assert stored(app)[-1].status == "approved"


def test_without_previously_approved_a_first_comment_is_approved(app, url):
    discuss(app, comment_moderation=True, comment_previously_approved=False)
    send(reader(app), url, comment="First words.")
    assert (stored(app)[-1].status, stored(app)[-1].held_reason) == ("approved", "")


def test_the_link_limit_holds_more_than_n_links(app, url):
    discuss(app, comment_moderation=True, comment_previously_approved=False,
            comment_max_links=3)
    send(reader(app), url, comment="https://example.org/a https://example.org/b https://example.org/c")
    assert stored(app)[-1].status == "approved"
    send(reader(app), url, comment="https://example.org/a https://example.org/b "
                                   "https://example.org/c https://example.org/d")
    assert stored(app)[-1].held_reason == "Too many links (4; more than 3 are held)"
    discuss(app, comment_moderation=True, comment_previously_approved=False,
            comment_max_links=0)
    send(reader(app), url, comment="See https://example.org/e")
    assert stored(app)[-1].status == "pending"


@pytest.mark.parametrize(("fields", "headers", "part", "word"), [
    ({"comment": "Try the CASINO tonight."}, {}, "comment", "casino"),
    ({"author": "Casinoman"}, {}, "name", "casino"),
    ({"email": "win@casino.example"}, {}, "email address", "casino"),
    ({"url": "https://casino.example/"}, {}, "website", "casino"),
    ({}, {"User-Agent": "SpamBot/2.0"}, "browser’s user agent", "spambot"),
    ({}, {}, "IP address", "127.0.0"),
])
def test_a_moderation_word_anywhere_holds_the_comment_and_says_where(app, url, fields, headers,
                                                                     part, word):
    discuss(app, comment_moderation=True, comment_previously_approved=False,
            moderation_keys=f"\n  nothing-here \n\n  {word.upper()}  \n")
    response = send(reader(app), url, headers={**SAME_ORIGIN, **headers}, **fields)
    assert response.status_code == 303
    comment = stored(app)[-1]
    assert comment.status == "pending"
    assert comment.held_reason == f"The {part} contains “{word}”, a moderation word"


def test_moderation_words_are_rules_of_moderation(app, url):
    """With moderation off no rule below it holds a comment, the words included."""
    discuss(app, comment_moderation=False, moderation_keys="thoughtful")
    send(reader(app), url)
    assert stored(app)[-1].status == "approved"


def test_the_rules_keep_their_order(app, url, make):
    make.user("owner", display_name="Site Owner")
    discuss(app, comment_moderation=True, comment_max_links=0, moderation_keys="thoughtful")
    send(reader(app), url, author="Site Owner")
    assert stored(app)[-1].held_reason.startswith("The name “Site Owner” looks like")
    send(reader(app), url, comment="A thoughtful https://example.org/x link.")
    assert stored(app)[-1].held_reason.startswith("Too many links")
    send(reader(app), url, comment="Another thoughtful one.")
    assert stored(app)[-1].held_reason == "The comment contains “thoughtful”, a moderation word"
    discuss(app, comment_moderation=True, moderation_keys="")
    send(reader(app), url, comment="Plain words.")
    assert stored(app)[-1].held_reason == "First comment with this name and email address"


def test_a_disallowed_word_sends_the_comment_to_spam_unseen_and_untold(app, url, make):
    make.user("owner", role="administrator", email="owner@example.org")
    discuss(app, comment_moderation=True, disallowed_keys="cheap pills\nViagra")
    client = reader(app)
    response = send(client, url, comment="Buy VIAGRA here.")
    assert response.status_code == 303
    comment = stored(app)[-1]
    assert comment.status == "spam"
    assert comment.held_reason == "The comment contains “viagra”, a disallowed word"
    assert not set_cookies(response, "dw_held")
    assert "Buy VIAGRA" not in text(client.get(response.headers["Location"]))
    assert "Buy VIAGRA" not in text(reader(app).get(url))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    htmx = send(reader(app), url, htmx=True, comment="cheap pills, cheap")
    assert htmx.status_code == 200 and "cheap pills" not in text(htmx)
    assert stored(app)[-1].status == "spam"


def test_disallowed_words_apply_with_moderation_off_but_not_to_the_author(app, url, make):
    discuss(app, comment_moderation=False, disallowed_keys="thoughtful")
    send(reader(app), url)
    assert stored(app)[-1].status == "spam"
    client = app.test_client()
    Auth(client, make).login()
    assert send(client, url, comment="A thoughtful reply.").status_code == 303
    assert stored(app)[-1].status == "approved"


def test_a_full_word_list_is_checked_quickly_against_the_largest_comment():
    words_list = "\n".join(f"word{n:05d}-padding-x" for n in range(KEYS_MAX_LINES))
    assert len(words_list) <= KEYS_MAX_CHARS
    parts = {"comment": "wordabc-padding " * 4000, "name": "n" * 245, "email address": "e" * 100,
             "website": "w" * 200, "IP address": "203.0.113.9", "browser’s user agent": "u" * 255}
    started = time.perf_counter()
    assert words.find(words_list, parts) is None
    assert time.perf_counter() - started < 0.5  # about 30 ms on a laptop


# --- threads and pages ----------------------------------------------------------


def test_thread_depth_follows_the_setting(app, url, make, post):
    top = make.comment(post, "Ann")
    reply = make.comment(post, "Bob", parent=top)
    discuss(app, comment_max_depth=2)
    send(reader(app), url, comment="Deeper?", comment_parent=str(reply.id))
    assert stored(app)[-1].parent_id == top.id  # beside Bob's, at the second level


@pytest.fixture
def threads(make, post):
    """Three threads, oldest first; the first has a reply."""
    base = NOW - timedelta(days=5)
    first, second, third = (make.comment(post, name, created_at=base + timedelta(hours=n))
                            for n, name in enumerate(("Ann", "Bob", "Cy")))
    reply = make.comment(post, "Di", parent=first, created_at=base + timedelta(hours=5))
    later = make.comment(post, "Ed", parent=first, created_at=base + timedelta(hours=6))
    return first, second, third, reply, later


def test_comments_per_page_breaks_threads_into_pages(app, url, threads):
    first, second, third, *_ = threads
    discuss(app, comments_per_page=2)
    assert ids_shown(text(reader(app).get(url))) == [third.id]
    first_page = ids_shown(text(reader(app).get(url + "comment-page-1/")))
    assert first_page == [first.id, threads[3].id, threads[4].id, second.id]


def test_the_first_page_by_default_with_oldest(app, url, threads):
    first, second, third, *_ = threads
    discuss(app, comments_per_page=2, default_comments_page="oldest")
    page = text(reader(app).get(url))
    assert first.id in ids_shown(page) and second.id in ids_shown(page)
    assert third.id not in ids_shown(page)
    assert f'href="{url}comment-page-2/#comments">Newer Comments' in page
    assert f'href="{url}#comment-{first.id}"' in page
    last = text(reader(app).get(url + "comment-page-2/"))
    assert ids_shown(last) == [third.id]
    assert f'href="{url}#comments">&larr; Older Comments' in last
    assert f'href="{url}comment-page-2/#comment-{third.id}"' in last
    assert reader(app).get(url + "comment-page-3/").status_code == 404
    # A new comment's link leads to the page that shows it: the second.
    response = send(reader(app), url, comment="Newest of all.")
    assert response.headers["Location"].endswith(
        f"{url}comment-page-2/#comment-{stored(app)[-1].id}")
    # The feed and the widget link there too.
    assert f"comment-page-2/#comment-{stored(app)[-1].id}" in text(reader(app).get("/"))


def test_newer_comments_at_the_top_of_each_page(app, url, threads):
    first, second, third, reply, later = threads
    discuss(app, comment_order="desc")
    assert ids_shown(text(reader(app).get(url))) == [third.id, second.id, first.id, reply.id,
                                                     later.id]


def test_defaults_reproduce_todays_discussion(app, url, threads):
    first, second, third, reply, later = threads
    page = text(reader(app).get(url))
    assert ids_shown(page) == [first.id, reply.id, later.id, second.id, third.id]
    with app.app_context():
        assert settings.current().group("discussion") == {
            "comments_open_default": True, "close_comments_days": 0,
            "comment_moderation": app.config["COMMENT_MODERATION"],
            "comment_max_links": app.config["COMMENT_MAX_LINKS"],
            "comment_previously_approved": True, "moderation_keys": "",
            "disallowed_keys": "", "comment_max_depth": app.config["COMMENT_MAX_DEPTH"],
            "comments_per_page": app.config["COMMENTS_PER_PAGE"],
            "default_comments_page": "newest", "comment_order": "asc"}
    assert comment_total(app) == 5
