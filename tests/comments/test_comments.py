"""Posting comments: the form, the htmx and the no-JavaScript paths, replies,
comment pages, the commenter cookie, validation errors and the live preview.

Comments are posted the way a browser does (token read from the page's form,
same-origin header) by tests/support/comment_client.py.
"""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest

from dreamweaver.comments import token as comment_token
from dreamweaver.extensions import db
from dreamweaver.models import Post
from dreamweaver.sanitize import clean_comment
from tests.support.comment_client import (
    HTMX,
    SAME_ORIGIN,
    comment_total,
    form_token,
    permalink,
    send,
    set_cookies,
    stored,
)
from tests.support.form_fields import attribute, field_tag, label_text, textarea_text
from tests.support.responses import section, text

# --- the form -------------------------------------------------------------------


def test_post_form_heading_notes_and_button(client, url):
    body = text(client.get(url))
    assert re.search(r'<div id="respond"[ >]', body)
    form = body[body.index('id="respond"'):]
    assert re.search(r'<h3 id="reply-title"[^>]*>\s*Leave a Reply', form)
    assert "Your email address will not be published." in form
    assert "Required fields are marked" in form
    assert re.search(r'<button type="submit"[^>]*>Post Comment</button>', form)
    assert re.search(rf'<form action="{re.escape(url)}comments/" method="post"', form)


@pytest.mark.parametrize(
    ("name", "label", "required"),
    [("comment", "Comment", True), ("author", "Name", True), ("email", "Email", True),
     ("url", "Website", False)],
)
def test_post_form_labels_tied_to_fields(client, url, name, label, required):
    body = text(client.get(url))
    tag = field_tag(body, name)
    assert label_text(body, attribute(tag, "id")) == label + (" *" if required else "")
    assert (re.search(r"\srequired[\s>=]", tag) is not None) == required, tag


def test_post_form_consent_checkbox(client, url):
    body = text(client.get(url))
    box = field_tag(body, "cookies_consent")
    assert 'type="checkbox"' in box and "checked" not in box
    consent = "Save my name, email, and website in this browser for the next time I comment."
    assert label_text(body, attribute(box, "id")) == consent


def test_post_form_hidden_parent_and_token(app, client, post, url):
    body = text(client.get(url))
    parent = field_tag(body, "comment_parent")
    assert 'type="hidden"' in parent and attribute(parent, "value") == "0"
    assert 'type="hidden"' in field_tag(body, "csrf_token")
    with app.app_context():
        comment_token.check(form_token(body), post.id)  # raises if not valid


def test_post_comments_closed_no_form(app, client, make):
    quiet = make.post("Quiet", comments_open=False)
    body = text(client.get(permalink(app, quiet)))
    assert "Comments are closed." in body
    assert 'id="respond"' not in body and "Leave a Reply" not in body
    assert 'name="csrf_token"' not in body


def test_post_anonymous_page_is_cacheable(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in {v.lower() for v in response.vary}
    assert form_token(text(response))


# --- posting without JavaScript -------------------------------------------------


def test_create_plain_redirects_to_new_comment(app, client, url):
    response = send(client, url, comment="Plain and simple.")
    (comment,) = stored(app)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.fragment) == (url, f"comment-{comment.id}")
    assert comment.status == "approved"
    assert comment.content_html == "<p>Plain and simple.</p>"
    assert (comment.author_name, comment.author_email) == ("Ann", "ann@example.org")


def test_create_plain_comment_shown_counted_and_in_widget(app, client, post, url):
    send(client, url, comment="Plain and simple.", author="Zed")
    (comment,) = stored(app)
    page = client.get(url)
    body = text(page)
    assert f'id="comment-{comment.id}"' in body
    assert "<p>Plain and simple.</p>" in body
    assert "One thought on &ldquo;Talk&rdquo;" in body
    with app.app_context():
        assert db.session.get(Post, post.id).comment_count == 1
    widget = section(page, "recent-comments")
    assert "Zed" in widget and f"#comment-{comment.id}" in widget


def test_create_on_page_redirects_to_page(app, client, make):
    about = make.post("About", kind="page")
    url = permalink(app, about)
    assert url == "/about/"
    response = send(client, url, comment="On a page.")
    (comment,) = stored(app)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.fragment) == ("/about/", f"comment-{comment.id}")
    assert "<p>On a page.</p>" in text(client.get(url))


# --- posting with htmx ----------------------------------------------------------


def test_create_htmx_swaps_comments_section(app, client, make, post, url):
    make.comment(post, "Earlier", "<p>Before.</p>",
                 created_at=datetime.now(UTC) - timedelta(minutes=5))
    response = send(client, url, htmx=True, comment="Inline!", author="Hex")
    new = stored(app)[-1]
    body = text(response)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#comments"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="comments"')
    assert re.search(rf'<li id="comment-{new.id}"[^>]*>\s*<article[^>]*\sautofocus', body)
    assert "2 thoughts on &ldquo;Talk&rdquo;" in body
    assert "<p>Inline!</p>" in body


def test_create_htmx_updates_recent_comments_out_of_band(client, url):
    body = text(send(client, url, htmx=True, author="Hex"))
    oob = re.search(r'<section [^>]*id="recent-comments"[^>]*>', body)
    assert oob and 'hx-swap-oob="true"' in oob.group(0)
    widget = body[oob.start():body.index("</section>", oob.start())]
    assert "Hex" in widget


def test_create_htmx_returns_fresh_empty_form(app, client, post, url):
    body = text(send(client, url, htmx=True, comment="Clear me afterwards."))
    form = body[body.index('id="respond"'):]
    assert textarea_text(form) == ""
    assert attribute(field_tag(form, "author"), "value") == ""
    assert attribute(field_tag(form, "comment_parent"), "value") == "0"
    with app.app_context():
        comment_token.check(form_token(form), post.id)


# --- replies --------------------------------------------------------------------


def test_create_reply_nested_under_parent(app, client, make, post, url):
    parent = make.comment(post, "Ann", "<p>Top.</p>")
    make.comment(post, "Bob", "<p>Another thread.</p>")
    response = send(client, url, comment="A reply.", author="Cy", comment_parent=str(parent.id))
    reply = stored(app)[-1]
    assert response.status_code == 303
    assert (reply.parent_id, reply.thread_id) == (parent.id, parent.id)
    body = text(client.get(url))
    start = body.index(f'<li id="comment-{parent.id}"')
    children = body.index('<ol class="children">', start)
    assert start < children < body.index(f'<li id="comment-{reply.id}"')
    # The reply sits inside the parent's <li>, before the next thread.
    assert body.index(f'id="comment-{reply.id}"') < body.index("Another thread.")


def test_post_replytocom_puts_form_under_comment(client, make, post, url):
    target = make.comment(post, "Ann", "<p>Top.</p>")
    response = client.get(f"{url}?replytocom={target.id}")
    body = text(response)
    assert response.status_code == 200
    slot = body.index(f'id="reply-to-{target.id}"')
    assert slot < body.index('id="respond"') < body.index('id="respond-home"')
    assert attribute(field_tag(body, "comment_parent"), "value") == str(target.id)
    assert re.search(r'id="cancel-comment-reply-link"[^>]*>Cancel reply</a>', body)


@pytest.mark.parametrize(
    "value", ["abc", "-1", "1.5", "999999", "2147483648", "999999999999999999", "²", "1" * 30],
)
def test_post_replytocom_invalid_ignored(client, make, post, url, value):
    make.comment(post, "Ann", "<p>Top.</p>")
    response = client.get(url, query_string={"replytocom": value})
    assert response.status_code == 200
    body = text(response)
    assert attribute(field_tag(body, "comment_parent"), "value") == "0"
    assert "Cancel reply" not in body


def test_form_partial_reply_targets_comment_slot(client, make, post):
    target = make.comment(post, "Ann", "<p>Top.</p>")
    response = client.get(f"/partials/comment-form/{post.id}/?replytocom={target.id}",
                          headers=HTMX)
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert re.match(rf'\s*<div id="reply-to-{target.id}" hx-swap-oob="innerHTML">', body)
    assert 'id="respond"' in body and "Cancel reply" in body
    assert attribute(field_tag(body, "comment_parent"), "value") == str(target.id)


def test_form_partial_cancel_targets_respond_home(client, post):
    response = client.get(f"/partials/comment-form/{post.id}/", headers=HTMX)
    body = text(response)
    assert response.status_code == 200
    assert re.match(r'\s*<div id="respond-home" hx-swap-oob="innerHTML">', body)
    assert attribute(field_tag(body, "comment_parent"), "value") == "0"
    assert "Cancel reply" not in body


@pytest.mark.parametrize("value", ["²", "abc", "-1", "999999", "2147483648"])
def test_form_partial_bad_replytocom_is_not_an_error(client, post, value):
    response = client.get(f"/partials/comment-form/{post.id}/",
                          query_string={"replytocom": value}, headers=HTMX)
    assert response.status_code == 200
    assert re.match(r'\s*<div id="respond-home" hx-swap-oob="innerHTML">', text(response))


@pytest.mark.parametrize("post_id", ["999999", "2147483648", "999999999999999999"])
def test_form_partial_unknown_post_404(client, post_id):
    assert client.get(f"/partials/comment-form/{post_id}/", headers=HTMX).status_code == 404


def test_create_reply_at_max_depth_joins_that_level(app, client, make, post, url):
    app.config["COMMENT_MAX_DEPTH"] = 2
    top = make.comment(post, "Ann", "<p>Depth one.</p>")
    second = make.comment(post, "Bob", "<p>Depth two.</p>", parent=top)
    response = send(client, url, comment="Depth three?", comment_parent=str(second.id))
    reply = stored(app)[-1]
    assert response.status_code == 303
    assert (reply.parent_id, reply.thread_id) == (top.id, top.id)
    assert "depth-3" not in text(client.get(url))


# --- comment pages --------------------------------------------------------------


@pytest.fixture
def paged(app, make, post):
    """Five threads, two to a page; threads 1 and 3 have a reply."""
    app.config["COMMENTS_PER_PAGE"] = 2
    start = datetime(2024, 3, 6, tzinfo=UTC)
    threads = [make.comment(post, f"T{n}", f"<p>Thread {n}.</p>",
                            created_at=start + timedelta(hours=n)) for n in range(1, 6)]
    replies = {n: make.comment(post, f"R{n}", f"<p>Reply in thread {n}.</p>",
                               parent=threads[n - 1], created_at=start + timedelta(days=1, hours=n))
               for n in (1, 3)}
    return threads, replies


def shown_threads(body: str) -> list[int]:
    return [int(n) for n in re.findall(r"<p>Thread (\d)\.</p>", body)]


def test_post_comment_pages_last_at_permalink(client, url, paged):
    body = text(client.get(url))
    assert shown_threads(body) == [5]
    assert "Older Comments" in body and "Newer Comments" not in body
    assert f'href="{url}comment-page-2/#comments"' in body


@pytest.mark.parametrize(("number", "threads", "replies"), [(1, [1, 2], [1]), (2, [3, 4], [3])])
def test_post_comment_page_older_threads(client, url, paged, number, threads, replies):
    response = client.get(f"{url}comment-page-{number}/")
    body = text(response)
    assert response.status_code == 200
    assert shown_threads(body) == threads
    assert [int(n) for n in re.findall(r"Reply in thread (\d)", body)] == replies
    assert "Newer Comments" in body
    assert ("Older Comments" in body) == (number > 1)


@pytest.mark.parametrize("number", [0, 4])
def test_post_comment_page_out_of_range_404(client, url, paged, number):
    assert client.get(f"{url}comment-page-{number}/").status_code == 404


def test_create_reply_on_older_page_redirects_there(app, client, url, paged):
    threads, _ = paged
    response = send(client, url, comment="Late reply.", comment_parent=str(threads[0].id))
    reply = stored(app)[-1]
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.fragment) == (f"{url}comment-page-1/", f"comment-{reply.id}")
    assert "Late reply." in text(client.get(location.path))


def test_create_held_reply_on_older_page_redirects_there(app, client, url, paged):
    app.config["COMMENT_MODERATION"] = True
    threads, _ = paged
    response = send(client, url, comment="Held late reply.", email="new@example.org",
                    comment_parent=str(threads[0].id))
    reply = stored(app)[-1]
    assert (response.status_code, reply.status) == (303, "pending")
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.fragment) == (f"{url}comment-page-1/", f"comment-{reply.id}")
    body = text(client.get(location.path))
    assert f'id="comment-{reply.id}"' in body and "Your comment is awaiting moderation." in body
    assert "Held late reply." not in text(client.get(url))


def test_create_htmx_held_reply_on_older_page_shows_that_page(app, client, url, paged):
    app.config["COMMENT_MODERATION"] = True
    threads, _ = paged
    response = send(client, url, htmx=True, comment="Held late reply.", email="new@example.org",
                    comment_parent=str(threads[0].id))
    reply = stored(app)[-1]
    body = text(response)
    assert (response.status_code, reply.status) == (200, "pending")
    assert shown_threads(body) == [1, 2]
    assert f'id="comment-{reply.id}"' in body and "Held late reply." in body
    assert "Your comment is awaiting moderation." in body


@pytest.mark.parametrize("htmx", [False, True])
def test_create_held_top_level_comment_on_last_page(app, client, url, paged, htmx):
    # Five threads on pages of five: one page, and the held sixth would start a
    # second one if it counted; it is no thread yet, so it shows on the last.
    app.config.update(COMMENT_MODERATION=True, COMMENTS_PER_PAGE=5)
    response = send(client, url, htmx=htmx, comment="Held new thread.", email="new@example.org")
    comment = stored(app)[-1]
    assert comment.status == "pending"
    if htmx:
        assert response.status_code == 200
        body = text(response)
    else:
        location = urlsplit(response.headers["Location"])
        assert (location.path, location.fragment) == (url, f"comment-{comment.id}")
        body = text(client.get(location.path))
    assert shown_threads(body) == [1, 2, 3, 4, 5]
    assert f'id="comment-{comment.id}"' in body and "Your comment is awaiting moderation." in body


# --- the commenter cookie -------------------------------------------------------


def test_create_consent_remembers_commenter(client, url):
    response = send(client, url, author="Ann Lee", email="ann@example.org",
                    url="https://ann.example/", cookies_consent="yes")
    (cookie,) = set_cookies(response, "dw_commenter")
    assert "HttpOnly" in cookie
    page = client.get(url)
    body = text(page)
    assert attribute(field_tag(body, "author"), "value") == "Ann Lee"
    assert attribute(field_tag(body, "email"), "value") == "ann@example.org"
    assert attribute(field_tag(body, "url"), "value") == "https://ann.example/"
    assert "checked" in field_tag(body, "cookies_consent")
    assert "Cookie" in page.vary


def test_create_without_consent_sets_no_cookie(client, url):
    response = send(client, url, cookies_consent=None)
    assert response.status_code == 303
    assert set_cookies(response, "dw_commenter") == []
    body = text(client.get(url))
    assert attribute(field_tag(body, "author"), "value") == ""


# --- validation errors ----------------------------------------------------------


def test_create_htmx_with_consent_keeps_commenter_in_cleared_form(client, url):
    body = text(send(client, url, htmx=True, comment="Remember me.", author="Ann Lee",
                     url="https://ann.example/", cookies_consent="yes"))
    form = body[body.index('id="respond"'):]
    assert textarea_text(form) == ""
    assert attribute(field_tag(form, "author"), "value") == "Ann Lee"
    assert attribute(field_tag(form, "email"), "value") == "ann@example.org"
    assert attribute(field_tag(form, "url"), "value") == "https://ann.example/"


def test_create_invalid_plain_full_page_with_messages(app, client, url):
    typed = "Keep what I typed, please."
    response = send(client, url, comment=typed, author="", email="not-an-email")
    body = text(response)
    assert response.status_code == 422
    assert "<html" in body and 'id="respond"' in body
    for name, message in [("author", "Please enter your name."),
                          ("email", "Please enter a valid email address.")]:
        tag = field_tag(body, name)
        error_id = f"{attribute(tag, 'id')}-error"
        assert attribute(tag, "aria-invalid") == "true"
        assert error_id in attribute(tag, "aria-describedby").split()
        assert re.search(rf'id="{error_id}"[^>]*>{re.escape(message)}<', body)
    assert textarea_text(body) == typed
    assert attribute(field_tag(body, "email"), "value") == "not-an-email"
    assert comment_total(app) == 0


def test_create_invalid_htmx_form_partial(app, client, post, url):
    typed = "Keep this text too."
    response = send(client, url, htmx=True, comment=typed, author="")
    body = text(response)
    assert response.status_code == 422
    assert "<html" not in body and 'id="comments"' not in body
    assert body.lstrip().startswith('<div id="respond"')
    assert "Please enter your name." in body
    assert textarea_text(body) == typed
    with app.app_context():
        comment_token.check(form_token(body), post.id)
    retry = send(client, url, htmx=True, token=form_token(body), comment=typed)
    assert retry.status_code == 200
    assert comment_total(app) == 1


# --- live preview ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("<img src=x onerror=alert(1)> hi", "The <img> tag is not allowed in comments"),
        ("<script>alert(1)</script>", "The <script> tag is not allowed in comments"),
        ('<a href="javascript:alert(1)">x</a>', "only http, https and mailto links are kept"),
    ],
)
def test_preview_shows_cleaned_html_and_what_was_removed(client, typed, note):
    response = client.post("/partials/comment-preview", data={"comment": typed},
                           headers={**SAME_ORIGIN, **HTMX})
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert clean_comment(typed) in body
    notes = unescape(section_notes(body))
    assert note in notes


def section_notes(body: str) -> str:
    match = re.search(r'<ul class="comment-preview-notes">(.*?)</ul>', body, re.S)
    assert match, body
    return match.group(1)


def test_preview_of_allowed_markup_has_no_notes(client):
    typed = "Some <b>bold</b> and <em>em</em>.\n\nhttp://example.org"
    body = text(client.post("/partials/comment-preview", data={"comment": typed},
                            headers=SAME_ORIGIN))
    assert f'<div class="comment-content">{clean_comment(typed)}</div>' in body
    assert "comment-preview-notes" not in body


def test_preview_cross_site_403(client):
    response = client.post("/partials/comment-preview", data={"comment": "x"},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_preview_control_characters_422_says_so(client):
    response = client.post("/partials/comment-preview", data={"comment": "Hel\x01lo"},
                           headers={**SAME_ORIGIN, **HTMX})
    body = text(response)
    assert response.status_code == 422
    assert "invisible control characters" in section_notes(body)
    assert "comment-content" not in body


@pytest.mark.parametrize("raw", [b"abc%ff", b"abc\xff"], ids=["percent-encoded", "raw"])
def test_preview_invalid_utf8_400(client, raw):
    response = client.post("/partials/comment-preview", data=b"comment=" + raw,
                           headers={**SAME_ORIGIN, **HTMX},
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "not valid UTF-8" in text(response)
