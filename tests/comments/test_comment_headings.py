"""The two headings a reader reads around comments: the discussion's ("N
thoughts on …", never "0 thoughts" above the reader's own held comment) and
the form's ("Reply to NAME" with a cancel link, with or without JavaScript)."""

import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import urlsplit

import pytest

from tests.support.comment_client import HTMX, send, stored
from tests.support.form_fields import attribute, field_tag
from tests.support.responses import text


def comments_title(body: str) -> str:
    """The words of the discussion's heading (h2#comments-title)."""
    match = re.search(r'<h2 class="([^"]*)" id="comments-title">(.*?)</h2>', body, re.S)
    assert match, "no comments heading"
    return ("hidden: " if "visually-hidden" in match.group(1) else "") + " ".join(
        unescape(match.group(2)).split())


def reply_title(body: str) -> str:
    """The words of the comment form's heading, without its cancel link."""
    match = re.search(r'<h3 id="reply-title"[^>]*>(.*?)(?:<small>|</h3>)', body, re.S)
    assert match, "no reply title"
    return " ".join(unescape(match.group(1)).split())


def cancel_href(body: str) -> str:
    match = re.search(r'<a [^>]*id="cancel-comment-reply-link"[^>]*>', body)
    assert match, "no cancel link"
    return attribute(match.group(0), "href")


def held_page(app, client, url, htmx: bool, **fields) -> str:
    """Post a comment that is held, and the page its author sees next."""
    app.config["COMMENT_MODERATION"] = True
    response = send(client, url, htmx=htmx, email="new@example.org", **fields)
    assert stored(app)[-1].status == "pending"
    if htmx:
        assert response.status_code == 200
        return text(response)
    assert response.status_code == 303
    return text(client.get(urlsplit(response.headers["Location"]).path))


# --- the discussion's heading -------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_held_only_comment_heading_is_not_zero(app, client, url, htmx):
    body = held_page(app, client, url, htmx, comment="Held words.")
    assert "Held words." in body and "Your comment is awaiting moderation." in body
    assert "0 thoughts" not in body
    assert comments_title(body) == "Your comment on “Talk”"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_two_held_comments_heading_counts_them(app, client, url, htmx):
    held_page(app, client, url, False, comment="First held.")
    body = held_page(app, client, url, htmx, comment="Second held.")
    assert "First held." in body and "Second held." in body
    assert comments_title(body) == "Your 2 comments on “Talk”"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_held_comment_beside_approved_heading_counts_approved(app, client, make, post, url,
                                                              htmx):
    # As WordPress: the count is of approved comments, the held one is marked.
    make.comment(post, "Ann", "<p>Approved.</p>")
    body = held_page(app, client, url, htmx, comment="Held words.")
    assert "Held words." in body
    assert comments_title(body) == "One thought on “Talk”"


def test_held_comment_others_see_no_heading_and_a_cacheable_page(app, client, url):
    held_page(app, client, url, False, comment="Held words.")
    response = app.test_client().get(url)
    body = text(response)
    assert "Held words." not in body
    assert comments_title(body) == "hidden: Comments"
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in {value.lower() for value in response.vary}


# --- the form's heading -------------------------------------------------------------


def test_replytocom_form_says_reply_to_name(client, make, post, url):
    target = make.comment(post, "Ann Lee", "<p>Top.</p>")
    body = text(client.get(f"{url}?replytocom={target.id}"))
    form = body[body.index(f'id="reply-to-{target.id}"'):]
    assert reply_title(form) == "Reply to Ann Lee"
    assert "Leave a Reply" not in body
    assert cancel_href(form) == f"{url}#respond"


def test_replytocom_on_older_page_cancels_to_that_page(app, client, make, post, url):
    app.config["COMMENTS_PER_PAGE"] = 1
    first = make.comment(post, "Ann", "<p>One.</p>",
                         created_at=datetime(2024, 3, 6, tzinfo=UTC))
    make.comment(post, "Bob", "<p>Two.</p>", created_at=datetime(2024, 3, 7, tzinfo=UTC))
    page = f"{url}comment-page-1/"
    body = text(client.get(f"{page}?replytocom={first.id}"))
    assert reply_title(body) == "Reply to Ann"
    assert cancel_href(body) == f"{page}#respond"
    cancelled = text(client.get(page))
    assert reply_title(cancelled) == "Leave a Reply"
    assert attribute(field_tag(cancelled, "comment_parent"), "value") == "0"


def test_replytocom_form_names_are_escaped(client, make, post, url):
    target = make.comment(post, "<b>Eve</b>", "<p>Top.</p>")
    body = text(client.get(f"{url}?replytocom={target.id}"))
    assert "Reply to &lt;b&gt;Eve&lt;/b&gt;" in body


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_refused_reply_form_still_says_reply_to_name(client, make, post, url, htmx):
    target = make.comment(post, "Ann", "<p>Top.</p>")
    response = send(client, url, htmx=htmx, comment="", comment_parent=str(target.id))
    assert response.status_code == 422
    body = text(response)
    assert reply_title(body) == "Reply to Ann"
    assert "Cancel reply" in body


def test_form_partial_reply_says_reply_to_name(client, make, post):
    target = make.comment(post, "Ann", "<p>Top.</p>")
    body = text(client.get(f"/partials/comment-form/{post.id}/?replytocom={target.id}",
                           headers=HTMX))
    assert reply_title(body) == "Reply to Ann"
