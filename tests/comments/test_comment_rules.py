"""The rules a new comment must pass: moderation, flood, duplicates, honeypot,
the signed token and its timing, same-origin, closed and missing posts, the
rate limit, length limits, fields and bad input. Every refusal stores nothing."""

import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from itsdangerous import TimestampSigner

from dreamweaver import create_app
from dreamweaver.comments import token as comment_token
from dreamweaver.extensions import db
from dreamweaver.inputs import CONTROL_MESSAGE
from tests.support.auth import Auth
from tests.support.comment_client import (
    FIELDS,
    HTMX,
    SAME_ORIGIN,
    comment_total,
    form_token,
    issue_token,
    permalink,
    send,
    set_cookies,
    stored,
)
from tests.support.form_fields import attribute, field_tag, textarea_text
from tests.support.responses import text
from tests.support.settings import TEST_SETTINGS


@pytest.fixture
def post(make):
    return make.post("Rules", published_at=datetime(2024, 4, 2, 9, tzinfo=UTC))


def token_aged(app, post_id: int, seconds: int) -> str:
    """A comment token for `post_id` as if the form had been served `seconds` ago."""

    class Backdated(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - seconds

    with app.app_context():
        return Backdated(app.secret_key, salt=comment_token.SALT).sign(str(post_id)).decode()


def refused(app, response, status: int, words: str = "", before: int = 0):
    """`response` has `status`, says `words`, and nothing was stored."""
    assert response.status_code == status, text(response)[:500]
    assert words.lower() in text(response).lower()
    assert comment_total(app) == before


# --- moderation -----------------------------------------------------------------


def test_create_moderation_holds_first_comment_from_email(app, client, url):
    app.config["COMMENT_MODERATION"] = True
    response = send(client, url, comment="My very first words.")
    (comment,) = stored(app)
    assert response.status_code == 303
    assert comment.status == "pending"
    assert "first comment" in comment.held_reason.lower()


def test_create_held_comment_hidden_from_others(app, client, url):
    app.config["COMMENT_MODERATION"] = True
    send(client, url, comment="My very first words.")
    body = text(app.test_client().get(url))
    assert "My very first words." not in body
    assert "awaiting moderation" not in body


def test_create_held_comment_shown_to_its_author(app, client, url):
    app.config["COMMENT_MODERATION"] = True
    response = send(client, url, comment="My very first words.")
    (comment,) = stored(app)
    (cookie,) = set_cookies(response, "dw_held")
    assert "HttpOnly" in cookie
    page = client.get(url)
    body = text(page)
    assert f'id="comment-{comment.id}"' in body and "My very first words." in body
    assert "Your comment is awaiting moderation." in body
    assert "Cookie" in page.vary


def test_create_htmx_held_comment_shown_to_its_author(app, client, url):
    app.config["COMMENT_MODERATION"] = True
    response = send(client, url, htmx=True, comment="Held but seen.")
    (comment,) = stored(app)
    body = text(response)
    assert response.status_code == 200
    assert f'id="comment-{comment.id}"' in body
    assert "Your comment is awaiting moderation." in body
    assert set_cookies(response, "dw_held")


def test_create_moderation_approves_known_email(app, client, make, post, url):
    app.config["COMMENT_MODERATION"] = True
    make.comment(post, "Ann", "<p>Approved before.</p>", author_email="ann@example.org")
    send(client, url, comment="Back again.", email="Ann@Example.org")
    new = stored(app)[-1]
    assert (new.status, new.held_reason) == ("approved", "")


def test_create_moderation_holds_too_many_links(app, client, make, post, url):
    app.config["COMMENT_MODERATION"] = True
    make.comment(post, "Ann", "<p>Approved before.</p>", author_email="ann@example.org")
    links = " ".join(f"https://example.org/{n}" for n in range(app.config["COMMENT_MAX_LINKS"] + 1))
    send(client, url, comment=f"Look: {links}")
    new = stored(app)[-1]
    assert new.status == "pending"
    assert "links" in new.held_reason.lower()


def test_create_moderation_allows_links_up_to_limit(app, client, make, post, url):
    app.config["COMMENT_MODERATION"] = True
    make.comment(post, "Ann", "<p>Approved before.</p>", author_email="ann@example.org")
    links = " ".join(f"https://example.org/{n}" for n in range(app.config["COMMENT_MAX_LINKS"]))
    send(client, url, comment=f"Look: {links}")
    assert stored(app)[-1].status == "approved"


def test_create_moderation_off_approves(app, client, url):
    assert app.config["COMMENT_MODERATION"] is False
    send(client, url, comment="Straight in.")
    (comment,) = stored(app)
    assert (comment.status, comment.held_reason) == ("approved", "")


def test_create_moderation_approves_returning_commenter_at_once(app, client, make, post, url):
    app.config["COMMENT_MODERATION"] = True
    make.comment(post, "Ann Lee", "<p>Approved before.</p>", author_email="ann@example.org")
    send(client, url, comment="Back again.", author="ann lee", email="ANN@example.org")
    assert (stored(app)[-1].status, stored(app)[-1].held_reason) == ("approved", "")


@pytest.mark.parametrize("author, email", [
    ("Someone Else", "ann@example.org"),  # a known email under another name
    ("Ann", "other@example.org"),  # a known name with another email
])
def test_create_moderation_wants_name_and_email_approved_together(app, client, make, post,
                                                                   url, author, email):
    app.config["COMMENT_MODERATION"] = True
    make.comment(post, "Ann", "<p>Approved before.</p>", author_email="ann@example.org")
    send(client, url, comment="Who am I?", author=author, email=email)
    new = stored(app)[-1]
    assert new.status == "pending"
    assert new.held_reason == "First comment with this name and email address"


IMITATIONS = [
    "Site Owner",
    "Site Owner (official)",
    "site-owner",
    "The real SITE OWNER here",
    "S\u0456te Owner",  # Cyrillic і
    "\u0405ite \u041Ewner",  # Cyrillic Ѕ and О
    "Site\u200b Owner",  # a zero-width space
    "\uff33\uff49\uff54\uff45 Owner",  # fullwidth
    "S\u00eft\u00e9 Owner",  # accents
    "siteowner",
    "\u054fite \u041ewner",  # Armenian Տ
    "\u13daite Owner",  # Cherokee Ꮪ
    "Site Ow\u0578er",  # Armenian ո
]


@pytest.mark.parametrize("moderation", [True, False])
@pytest.mark.parametrize("author", IMITATIONS)
def test_create_holds_a_name_imitating_a_registered_user(app, client, make, post, url,
                                                         author, moderation):
    app.config["COMMENT_MODERATION"] = moderation
    make.user("keeper_of_site", "Site Owner", email="owner@example.org")
    # The issue's case: a known commenter's email does not carry another name through.
    make.comment(post, "Ann", "<p>Approved before.</p>", author_email="ann@example.org")
    send(client, url, comment="Official news.", author=author, email="ann@example.org")
    new = stored(app)[-1]
    assert new.status == "pending"
    assert new.held_reason.startswith(f"The name “{author}” looks like the registered user")
    assert new.held_reason.endswith("“Site Owner”")


def test_create_holds_a_registered_users_email(app, client, make, url):
    make.user("keeper", "Site Owner", email="owner@example.org")
    send(client, url, comment="Hello.", author="Bob", email="Owner@Example.org")
    new = stored(app)[-1]
    assert new.status == "pending"
    assert new.held_reason == "Uses the email address of the registered user “Site Owner”"


@pytest.mark.parametrize("author", ["Ann", "Sitemap Fan", "Owner of a lonely heart", "Alice",
                                    "Keeper-Of-Site"])  # the login, which readers never see
def test_create_other_names_are_not_imitations(app, client, make, url, author):
    make.user("keeper_of_site", "Site Owner")
    make.user("al", "Al")  # short names count only whole
    send(client, url, comment="Hello.", author=author)
    assert (stored(app)[-1].status, stored(app)[-1].held_reason) == ("approved", "")


def test_create_short_registered_name_held_when_whole(app, client, make, url):
    make.user("al", "Al")
    send(client, url, comment="Hello.", author="A.L.")
    assert stored(app)[-1].status == "pending"


def test_create_signed_in_user_may_use_their_own_name(app, client, auth, make, url):
    make.user("keeper", "Site Owner")
    auth.login("owner")  # display name "Owner"
    send(client, url, comment="Mine.", author="Owner")
    assert stored(app)[-1].status == "approved"
    # Signed in, a comment is always in the account's own name (issue 16, item 10):
    # the form's name field cannot put another user's on it.
    send(client, url, comment="Not mine.", author="Site Owner (official)")
    last = stored(app)[-1]
    assert (last.author_name, last.status, last.content_html) == (
        "Owner", "approved", "<p>Not mine.</p>")


def test_create_imitation_reason_shown_to_the_owner(app, client, auth, make, url):
    make.user("keeper", "Site Owner")
    send(client, url, comment="Official news.", author="Site Owner (official)")
    owner = app.test_client()
    Auth(owner, make).login("boss")
    listing = text(owner.get("/admin/comments/?status=pending"))
    assert "looks like the registered user “Site Owner”" in listing


# --- flood, duplicates, honeypot ------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_create_flood_429(app, client, url, htmx):
    app.config["COMMENT_FLOOD_SECONDS"] = 60
    assert send(client, url, comment="First.").status_code == 303
    response = send(client, url, htmx=htmx, comment="Second, too soon.")
    refused(app, response, 429, "too quickly", before=1)
    assert "Second, too soon." in textarea_text(text(response))


def test_create_duplicate_409(app, client, url):
    assert send(client, url, comment="Same words.").status_code == 303
    response = send(client, url, comment="Same words.")
    refused(app, response, 409, "duplicate comment", before=1)


def test_create_same_words_in_reply_not_duplicate(app, client, make, post, url):
    parent = make.comment(post, "Bob", "<p>Top.</p>")
    assert send(client, url, comment="Same words.").status_code == 303
    assert send(client, url, comment="Same words.",
                comment_parent=str(parent.id)).status_code == 303
    assert comment_total(app) == 3


def test_create_honeypot_400(app, client, url):
    response = send(client, url, subject="Cheap pills")
    refused(app, response, 400)


# --- the token ------------------------------------------------------------------


def test_create_too_fast_400(app, client, url):
    app.config["COMMENT_MIN_SECONDS"] = 3
    response = send(client, url)
    refused(app, response, 400, "very fast")


def test_create_after_min_seconds_accepted(app, client, post, url):
    app.config["COMMENT_MIN_SECONDS"] = 3
    response = send(client, url, token=token_aged(app, post.id, 10))
    assert response.status_code == 303
    assert comment_total(app) == 1


@pytest.mark.parametrize(
    ("token", "words"),
    [(None, "missing its security token"), ("garbage", "not valid")],
)
def test_create_bad_token_400(app, client, url, token, words):
    response = client.post(url + "comments/", headers=SAME_ORIGIN, data={
        **FIELDS, **({} if token is None else {"csrf_token": token})})
    refused(app, response, 400, words)


def test_create_token_of_another_post_400(app, client, make, url):
    other = make.post("Other")
    response = send(client, url, token=issue_token(app, other))
    refused(app, response, 400, "another post")


def test_create_token_signed_with_another_key_400(app, client, post, url):
    with app.app_context():
        forged = TimestampSigner("not-our-key", salt=comment_token.SALT).sign(str(post.id))
    response = send(client, url, token=forged.decode())
    refused(app, response, 400, "not valid")


@pytest.mark.parametrize("htmx", [False, True])
def test_create_expired_token_400_keeps_text(app, client, post, url, htmx):
    expired = token_aged(app, post.id, comment_token.MAX_AGE + 60)
    typed = "Written over a long weekend."
    response = send(client, url, htmx=htmx, token=expired, comment=typed)
    refused(app, response, 400, "expired")
    body = text(response)
    assert textarea_text(body) == typed
    fresh = form_token(body)
    assert fresh != expired
    with app.app_context():
        comment_token.check(fresh, post.id)
    retry = send(client, url, htmx=htmx, token=fresh, comment=typed)
    assert retry.status_code in (200, 303)
    assert comment_total(app) == 1


# --- origin, closed and missing posts -------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {},
     {"Origin": "https://evil.example"}, {"Origin": "null"},
     {"Origin": "http://localhost.evil.example"}],
    ids=["cross-site", "same-site", "no-header", "evil-origin", "null-origin", "suffix-origin"],
)
def test_create_cross_site_403(app, client, url, headers):
    response = send(client, url, headers=headers)
    refused(app, response, 403)


def test_create_same_origin_by_origin_header(app, client, url):
    response = send(client, url, headers={"Origin": "http://localhost"})
    assert response.status_code == 303
    assert comment_total(app) == 1


def test_create_htmx_cross_site_403_shown_in_form(app, client, url):
    response = send(client, url, htmx=True, headers={"Sec-Fetch-Site": "cross-site"})
    refused(app, response, 403, "only be posted from this site")
    assert "<html" not in text(response)


def test_create_comments_closed_403(app, client, make):
    quiet = make.post("Quiet", comments_open=False)
    response = send(client, permalink(app, quiet), token=issue_token(app, quiet))
    refused(app, response, 403, "comments are closed")


def test_create_unknown_post_404(app, client, post):
    response = send(client, "/2024/04/02/no-such-post/", token=issue_token(app, post))
    refused(app, response, 404)


@pytest.mark.parametrize("status", ["draft", "private"])
def test_create_unpublished_post_404(app, client, make, status):
    hidden = make.post(f"Hidden {status}", status=status)
    response = send(client, permalink(app, hidden), token=issue_token(app, hidden))
    refused(app, response, 404)


def test_create_password_protected_locked_403(app, client, make):
    locked = make.post("Locked", password="open sesame")
    response = send(client, permalink(app, locked), token=issue_token(app, locked))
    refused(app, response, 403)


def test_create_scheduled_post_404(app, client, make):
    future = make.post("Later", published_at=datetime.now(UTC) + timedelta(days=3))
    response = send(client, permalink(app, future), token=issue_token(app, future))
    refused(app, response, 404)


# --- rate limit -----------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_create_rate_limited_429(database_uri, make, post, htmx):
    limited = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                          "RATELIMIT_ENABLED": True, "COMMENT_RATE_LIMIT": "2 per minute"})
    try:
        client = limited.test_client()
        url = permalink(limited, post)
        codes = [send(client, url, comment=f"Number {n}.").status_code for n in range(3)]
        response = send(client, url, htmx=htmx, comment="Number 4.")
        assert codes == [303, 303, 429]
        refused(limited, response, 429, "Too many requests from your address. Please wait a "
                                        "minute and try again.", before=2)
        assert "per 1 minute" not in text(response)
        if htmx:
            assert response.headers["HX-Retarget"] == "find .form-status"
    finally:
        with limited.app_context():
            db.engine.dispose()


# --- lengths and fields ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("comment", "x" * 65526, "Comments are limited to 65,525 characters."),
        ("author", "n" * 246, "Names are limited to 245 characters."),
        ("email", "e" * 89 + "@example.org", "Email addresses are limited to 100 characters."),
        ("url", "https://example.org/" + "p" * 181, "limited to 200 characters."),
    ],
)
def test_create_too_long_422(app, client, url, field, value, message):
    response = send(client, url, **{field: value})
    refused(app, response, 422, message)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comment", "x" * 65525),
        ("author", "n" * 245),
        ("email", "e" * 88 + "@example.org"),
        ("url", "https://example.org/" + "p" * 180),
    ],
)
def test_create_longest_allowed_accepted(app, client, url, field, value):
    assert send(client, url, **{field: value}).status_code == 303
    assert comment_total(app) == 1


@pytest.mark.parametrize("megabytes", [1, 10])
def test_create_body_over_max_content_length_413(app, client, url, megabytes):
    assert app.config["MAX_CONTENT_LENGTH"] < megabytes * 1024 * 1024
    response = send(client, url, comment="x" * (megabytes * 1024 * 1024))
    refused(app, response, 413)


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "JavaScript://%0aalert(1)", "ftp://x", "data:text/html,x",
              "http://", "http://exa mple.org", "http://[::1", "example.org]"],
)
def test_create_bad_website_422(app, client, url, value):
    response = send(client, url, url=value)
    refused(app, response, 422, "starts with http:// or https://")


@pytest.mark.parametrize(
    ("value", "kept"),
    [("example.org", "https://example.org"), ("http://example.org/a?b=1", "http://example.org/a?b=1"),
     ("  https://example.org/  ", "https://example.org/"), ("", "")],
)
def test_create_website_normalised(app, client, url, value, kept):
    assert send(client, url, url=value).status_code == 303
    assert stored(app)[-1].author_url == kept


@pytest.mark.parametrize("value", ["not-an-email", "a@", "a b@example.org"])
def test_create_invalid_email_422(app, client, url, value):
    response = send(client, url, email=value)
    refused(app, response, 422, "valid email address")


@pytest.mark.parametrize(("field", "message"), [
    ("author", "Please enter your name."), ("email", "Please enter your email address."),
])
def test_create_missing_required_field_422(app, client, url, field, message):
    response = send(client, url, **{field: None})
    refused(app, response, 422, message)


@pytest.mark.parametrize("value", ["", "   \n\t  \r\n", None])
def test_create_empty_comment_422(app, client, url, value):
    response = send(client, url, comment=value)
    refused(app, response, 422, "Please type your comment.")


# --- comment_parent -------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "²", "1" * 30])
def test_create_malformed_parent_422(app, client, make, post, url, value, htmx):
    make.comment(post, "Bob", "<p>Top.</p>")
    response = send(client, url, htmx=htmx, comment_parent=value)
    refused(app, response, 422, "The comment you are replying to", before=1)


@pytest.mark.parametrize(
    "which", ["other-post", "pending", "spam", "missing", "beyond-int32", "largest-accepted"],
)
def test_create_unavailable_parent_422(app, client, make, post, url, which):
    other = make.post("Elsewhere")
    targets = {
        "other-post": make.comment(other, "Bob", "<p>Elsewhere.</p>").id,
        "pending": make.comment(post, "Bob", "<p>Held.</p>", status="pending").id,
        "spam": make.comment(post, "Bob", "<p>Spam.</p>", status="spam").id,
        "missing": 999999,
        "beyond-int32": 2**31,
        "largest-accepted": 10**18 - 1,
    }
    response = send(client, url, comment_parent=str(targets[which]))
    refused(app, response, 422, "not available", before=3)


@pytest.mark.parametrize("value", ["0", None])
def test_create_zero_or_missing_parent_is_top_level(app, client, url, value):
    assert send(client, url, comment_parent=value).status_code == 303
    (comment,) = stored(app)
    assert (comment.parent_id, comment.thread_id) == (None, None)


# --- odd characters -------------------------------------------------------------

# A field holding control characters, and what the refused form shows in it.
CONTROL_CASES = {
    "comment": ("Hel\x01lo\x07 wo\x1brld\x7f!", "Hello world!"),
    "comment-c1": ("Next\x85line \x9b1m", "Nextline 1m"),
    "comment-nul": ("a\x00b", "ab"),
    "author": ("An\x08n\x0c", "Ann"),
    "email": ("ann\x00@example.org", "ann@example.org"),
    "url": ("https://exa\x00mple.org/", "https://example.org/"),
}


def field_shown(body: str, field: str) -> str:
    return textarea_text(body) if field == "comment" else attribute(field_tag(body, field), "value")


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("case", CONTROL_CASES)
def test_create_control_characters_422_beside_the_field(app, client, url, case, htmx):
    field = case.split("-")[0]
    sent, shown = CONTROL_CASES[case]
    response = send(client, url, htmx=htmx, **{field: sent})
    refused(app, response, 422, "invisible control characters")
    body = text(response)
    assert ("<html" in body) is not htmx
    error_id = attribute(field_tag(body, field), "aria-describedby").split()[0]
    assert re.search(rf'id="{error_id}"[^>]*>{re.escape(CONTROL_MESSAGE)}<', body)
    assert field_shown(body, field) == shown


def test_create_control_characters_in_comment_parent_422(app, client, make, post, url):
    parent = make.comment(post, "Bob", "<p>Top.</p>")
    response = send(client, url, comment_parent=f"{parent.id}\x01")
    refused(app, response, 422, CONTROL_MESSAGE, before=1)
    assert attribute(field_tag(text(response), "comment_parent"), "value") == str(parent.id)


def test_create_control_characters_retry_as_shown_accepted(app, client, url):
    response = send(client, url, htmx=True, comment="Hel\x01lo", author="An\x08n")
    assert response.status_code == 422
    body = text(response)
    retry = send(client, url, htmx=True, token=form_token(body), comment=textarea_text(body),
                 author=attribute(field_tag(body, "author"), "value"))
    assert retry.status_code == 200
    (comment,) = stored(app)
    assert (comment.content_html, comment.author_name) == ("<p>Hello</p>", "Ann")


def test_create_tab_and_line_breaks_accepted(app, client, url):
    response = send(client, url, comment="Tab\there.\r\nNext line.\rLast.")
    assert response.status_code == 303
    (comment,) = stored(app)
    assert comment.content_html == "<p>Tab\there.<br>\nNext line.<br>\nLast.</p>"


@pytest.mark.parametrize(("field", "status"),
                         [("comment_parent", 422), ("csrf_token", 400), ("subject", 400)])
def test_create_nul_in_other_fields_refused(app, client, url, field, status):
    response = send(client, url, **{field: "\x00"})
    refused(app, response, status)


def post_raw(client, url, field: str, raw: bytes, htmx: bool):
    """POST the form with `field` sent as the exact bytes `raw`."""
    token = form_token(text(client.get(url)))
    fields = {name: value for name, value in FIELDS.items() if name != field}
    body = urlencode({**fields, "csrf_token": token}).encode() + f"&{field}=".encode() + raw
    return client.post(url + "comments/", data=body,
                       headers={**SAME_ORIGIN, **(HTMX if htmx else {})},
                       content_type="application/x-www-form-urlencoded")


INVALID_UTF8 = {
    "percent-encoded": b"abc%ff%fe%80",
    "percent-surrogate": b"%ed%a0%80",
    "percent-truncated": b"price %e2%82",
    "raw-ff": b"abc\xff",
    "raw-surrogate": b"\xed\xa0\x80",
}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("field", ["comment", "author"])
@pytest.mark.parametrize("raw", INVALID_UTF8.values(), ids=INVALID_UTF8.keys())
def test_create_invalid_utf8_400(app, client, url, raw, field, htmx):
    response = post_raw(client, url, field, raw, htmx)
    refused(app, response, 400, "not valid UTF-8")
    if htmx:
        assert "<html" not in text(response)
        assert response.headers["HX-Retarget"] == "find .form-status"
    else:
        assert "<html" in text(response)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [(b"%e2%82%ac 5", "\u20ac 5"), ("\u20ac 5".encode(), "\u20ac 5"),
     (b"100%25ff", "100%ff")],
    ids=["percent-encoded", "raw", "literal-percent"],
)
def test_create_valid_utf8_accepted(app, client, url, raw, kept):
    assert post_raw(client, url, "comment", raw, htmx=False).status_code == 303
    (comment,) = stored(app)
    assert comment.content_html == f"<p>{kept}</p>"


def test_create_multipart_invalid_utf8_400(app, client, url):
    token = form_token(text(client.get(url)))
    boundary = "xYzZY"
    parts = [(name, value.encode()) for name, value in {**FIELDS, "csrf_token": token}.items()
             if name != "comment"] + [("comment", b"abc\xff")]
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    .encode() + value + b"\r\n" for name, value in parts)
    response = client.post(url + "comments/", data=body + f"--{boundary}--\r\n".encode(),
                           headers=SAME_ORIGIN,
                           content_type=f"multipart/form-data; boundary={boundary}")
    refused(app, response, 400, "not valid UTF-8")
