"""Reply notifications to commenters (issue 19, item 7), read off a real SMTP
server: the form's box, double opt-in once the comment is approved, one
confirmation a day at most, a mail per approved reply with RFC 8058 one-click
unsubscribe, and the pages its links lead to."""

from datetime import timedelta

import itsdangerous.timed
import pytest
import sqlalchemy as sa

from dreamweaver import tokens
from dreamweaver.comments import subscriptions
from dreamweaver.extensions import db
from dreamweaver.models import (
    Comment,
    OutboxMessage,
    ReplySubscriber,
    ReplySubscription,
    utcnow,
)
from tests.support.admin_forms import act
from tests.support.comment_client import HTMX, SAME_ORIGIN, permalink, send, stored
from tests.support.responses import text
from tests.support.smtp import html_of, links, path_of, text_of

SITE = "https://dreams.example"
ANN = "ann@example.org"
LABEL = "Notify me of replies by email"


@pytest.fixture
def mail(app, smtp):
    """The SMTP server, with links made on the site's public address."""
    app.config["SITE_URL"] = SITE
    return smtp


def reader(app):
    """A browser of its own: no session, no saved details."""
    return app.test_client()


def subscribe(app, url, email=ANN, author="Ann", **fields):
    """A reader's comment with the box ticked; the stored comment."""
    response = send(reader(app), url, author=author, email=email, subscribe="yes", **fields)
    assert response.status_code == 303, text(response)[:500]
    return stored(app)[-1]


def reply(app, url, parent, author="Bob", email="bob@example.org",
          comment="A reply to you.", **fields):
    response = send(reader(app), url, author=author, email=email, comment=comment,
                    comment_parent=str(parent.id), **fields)
    assert response.status_code == 303, text(response)[:500]
    return stored(app)[-1]


def subscriber(app, email=ANN) -> ReplySubscriber | None:
    with app.app_context():
        return db.session.scalar(sa.select(ReplySubscriber).where(ReplySubscriber.email == email))


def outbox_kinds(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(row.kind, row.to_address) for row in
                db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def confirm_link(message) -> str:
    [link] = [link for link in links(message) if "/comment-subscriptions/confirm/" in link]
    return path_of(link)


def confirm(app, message):
    """Follow the confirmation mail's link and press its button."""
    client = reader(app)
    page = client.get(confirm_link(message))
    assert page.status_code == 200 and "Confirm" in text(page)
    response = client.post(confirm_link(message), headers=SAME_ORIGIN)
    assert response.status_code == 200, text(response)[:500]
    return response


def subscribed_and_confirmed(app, mail, url, email=ANN):
    before = len(mail.messages)
    comment = subscribe(app, url, email=email)
    message = mail.wait_for(before + 1)[-1]
    assert message["To"] == email
    confirm(app, message)
    return comment


def moderate(app, client, auth, comment, action):
    auth.login("owner", "administrator")
    assert act(client, comment.id, action).status_code == 303


# --- the form ------------------------------------------------------------------


def test_the_form_has_the_box_and_the_page_stays_cookieless_and_cacheable(client, url):
    response = client.get(url)
    body = text(response)
    assert 'type="checkbox"' in body and 'name="subscribe"' in body and LABEL in body
    assert '<label for="comment-subscribe">' in body
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in {v.lower() for v in response.vary}


def test_the_box_ticked_on_a_cached_page_too(cached_app, make):
    post = make.post("Cached talk")
    page = permalink(cached_app, post)
    client = cached_app.test_client()
    for _ in range(2):
        response = client.get(page)
        assert LABEL in text(response) and "Set-Cookie" not in response.headers
    assert response.headers.get("X-Cache") == "hit"


def test_a_malformed_address_with_the_box_ticked_is_a_form_error(app, mail, url):
    response = send(reader(app), url, email="ann@", subscribe="yes")
    assert response.status_code == 422
    assert "Please enter a valid email address." in text(response)
    assert 'id="comment-subscribe"' in text(response) and "checked" in text(response)
    assert stored(app) == [] and subscriber(app, "ann@") is None
    assert mail.messages == [] and outbox_kinds(app) == []


@pytest.mark.parametrize("email", [
    "ann@example.org\r\nBcc: eve@example.org",
    "ann@example.org\nBcc: eve@example.org",
    "ann@example.org%0d%0aBcc:eve@example.org",
    "ann@example.org>, eve@example.org",
])
def test_header_injection_in_the_address_is_refused(app, mail, url, email):
    response = send(reader(app), url, email=email, subscribe="yes")
    assert response.status_code == 422
    assert stored(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReplySubscriber)) == 0
    assert mail.messages == [] and outbox_kinds(app) == []


def test_htmx_posting_subscribes_as_well(app, mail, url):
    response = send(reader(app), url, htmx=True, email=ANN, subscribe="yes")
    assert response.status_code == 200
    [message] = mail.wait_for(1)
    assert message["To"] == ANN and message["Subject"] == "Confirm reply notifications"


def test_an_unticked_box_subscribes_nobody(app, mail, url):
    send(reader(app), url, email=ANN)
    assert subscriber(app) is None and mail.messages == []


# --- double opt-in -------------------------------------------------------------


def test_the_confirmation_waits_for_the_comment_to_be_approved(app, mail, client, auth, url):
    app.config["COMMENT_MODERATION"] = True
    comment = subscribe(app, url)
    assert comment.status == "pending"
    assert subscriber(app) is not None and subscriber(app).confirmation_sent_at is None
    assert mail.messages == [] and outbox_kinds(app) == []
    moderate(app, client, auth, comment, "approve")
    [message] = mail.wait_for(1)
    assert message["To"] == ANN and message["Subject"] == "Confirm reply notifications"
    assert outbox_kinds(app) == [("subscription-confirm", ANN)]
    assert "/comment-subscriptions/confirm/" in html_of(message)
    assert confirm_link(message).startswith("/comment-subscriptions/confirm/")
    assert links(message)[0].startswith(SITE + "/comment-subscriptions/confirm/")


def test_a_spam_comment_never_mails_a_stranger(app, mail, client, auth, url):
    app.config["COMMENT_MODERATION"] = True
    comment = subscribe(app, url)
    moderate(app, client, auth, comment, "spam")
    moderate(app, client, auth, comment, "restore")
    moderate(app, client, auth, comment, "trash")
    assert mail.messages == [] and outbox_kinds(app) == []


def test_one_confirmation_a_day_at_most(app, mail, url):
    subscribe(app, url, comment="First thought.")
    subscribe(app, url, comment="Second thought.")
    assert [m["Subject"] for m in mail.wait_for(1)] == ["Confirm reply notifications"]
    assert len(mail.messages) == 1
    with app.app_context():
        row = db.session.scalar(sa.select(ReplySubscriber))
        row.confirmation_sent_at = utcnow() - timedelta(hours=25)
        db.session.commit()
    subscribe(app, url, comment="Third thought.")
    assert len(mail.wait_for(2)) == 2
    assert outbox_kinds(app) == [("subscription-confirm", ANN)] * 2


def test_nothing_but_the_confirmation_before_it_is_confirmed(app, mail, url):
    mine = subscribe(app, url)
    reply(app, url, mine)
    mail.wait_for(1)
    assert [m["Subject"] for m in mail.messages] == ["Confirm reply notifications"]
    confirm(app, mail.messages[0])
    assert subscriber(app).confirmed_at is not None
    # The reply approved before confirming is not mailed afterwards; the next is.
    reply(app, url, mine, comment="Another reply.")
    [_, message] = mail.wait_for(2)
    assert "Another reply." in text_of(message) and "A reply to you." not in text_of(message)
    assert len(mail.messages) == 2


def test_a_confirmed_address_needs_no_second_confirmation(app, mail, url):
    subscribed_and_confirmed(app, mail, url)
    second = subscribe(app, url, comment="Something else.")
    assert len(mail.messages) == 1
    reply(app, url, second)
    [_, message] = mail.wait_for(2)
    assert message["To"] == ANN and "Something else." in text_of(message)


def test_the_confirmation_page_asks_before_it_confirms(app, mail, url):
    subscribe(app, url)
    [message] = mail.wait_for(1)
    client = reader(app)
    page = client.get(confirm_link(message))
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert "no-store" in page.headers["Cache-Control"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert '<button type="submit">Confirm</button>' in text(page) and ANN not in text(page)
    assert subscriber(app).confirmed_at is None  # a prefetching scanner confirms nothing
    assert client.post(confirm_link(message)).status_code == 403  # no Origin: not our form
    assert client.post(confirm_link(message),
                       headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert subscriber(app).confirmed_at is None
    done = client.post(confirm_link(message), headers={"Origin": "http://localhost"})
    assert done.status_code == 200 and "Reply notifications confirmed" in text(done)
    assert "Set-Cookie" not in done.headers
    assert subscriber(app).confirmed_at is not None
    again = client.post(confirm_link(message), headers=SAME_ORIGIN)
    assert again.status_code == 409 and "already been used" in text(again)


def test_confirming_with_htmx_swaps_the_section(app, mail, url):
    subscribe(app, url)
    [message] = mail.wait_for(1)
    response = reader(app).post(confirm_link(message), headers={**SAME_ORIGIN, **HTMX})
    body = text(response)
    assert response.status_code == 200 and body.startswith("<title>")
    assert 'id="subscription"' in body and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


# --- the reply mail ------------------------------------------------------------


def test_a_reply_is_mailed_with_both_parts_one_click_unsubscribe_and_working_links(
        app, mail, url, post):
    mine = subscribed_and_confirmed(app, mail, url)
    theirs = reply(app, url, mine, author="Bob <b>", comment="Tom & Jerry <3\n\nSecond line.")
    [_, message] = mail.wait_for(2)
    assert message["To"] == ANN
    assert message["Subject"] == "Bob <b> replied to your comment on Talk"
    text_part, html_part = text_of(message), html_of(message)
    assert "Tom & Jerry <3" in text_part and "Second line." in text_part
    assert "A thoughtful comment." in text_part  # what they wrote
    assert "Tom &amp; Jerry &lt;3" in html_part and "Bob &lt;b&gt;" in html_part
    assert "<b>" not in html_part and "bob@example.org" not in text_part + html_part
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{SITE}/comment-subscriptions/unsubscribe/")
    assert unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = links(message)
    [to_reply] = [link for link in found if "#comment-" in link]
    assert to_reply == f"{SITE}{url}#comment-{theirs.id}"
    assert unsubscribe[1:-1] in found and unsubscribe[1:-1] in html_part
    [manage] = [link for link in found if "/comment-subscriptions/" in link
                and "/unsubscribe/" not in link]
    client = reader(app)
    page = client.get(path_of(to_reply))
    assert page.status_code == 200 and f'id="comment-{theirs.id}"' in text(page)
    listing = client.get(path_of(manage))
    assert listing.status_code == 200 and "Talk" in text(listing)
    assert ANN not in text(listing)
    form = client.get(path_of(unsubscribe[1:-1]))
    assert form.status_code == 200 and '<button type="submit">Unsubscribe</button>' in text(form)


def test_no_mail_about_ones_own_reply(app, mail, url):
    mine = subscribed_and_confirmed(app, mail, url)
    reply(app, url, mine, author="Ann", email="Ann@Example.org", comment="Also, this.")
    assert len(mail.messages) == 1


def test_an_authors_reply_from_admin_is_mailed(app, mail, client, auth, url):
    from tests.support.auth import csrf_token
    mine = subscribed_and_confirmed(app, mail, url)
    auth.login("owner", "administrator")
    response = client.post(f"/admin/comments/{mine.id}/reply/", data={
        "csrf_token": csrf_token(client, "/admin/comments/"), "comment": "Thanks, Ann."})
    assert response.status_code == 303
    [_, message] = mail.wait_for(2)
    assert message["Subject"] == "Owner replied to your comment on Talk"
    assert "Thanks, Ann." in text_of(message)


def test_held_and_spam_replies_send_nothing_until_approved_and_then_once(
        app, mail, client, auth, url):
    mine = subscribed_and_confirmed(app, mail, url)
    app.config["COMMENT_MODERATION"] = True
    held = reply(app, url, mine, author="Eve", email="eve@example.org", comment="Buy pills")
    spam = reply(app, url, mine, author="Carl", email="carl@example.org", comment="Hello Ann")
    assert (held.status, spam.status) == ("pending", "pending")
    moderate(app, client, auth, held, "spam")
    assert len(mail.messages) == 1
    moderate(app, client, auth, spam, "approve")
    moderate(app, client, auth, spam, "unapprove")
    moderate(app, client, auth, spam, "approve")
    [_, message] = mail.wait_for(2)
    assert "Hello Ann" in text_of(message)
    assert [kind for kind, _ in outbox_kinds(app)] == ["subscription-confirm", "reply"]
    assert len(mail.messages) == 2


def test_replies_to_a_comment_no_longer_approved_are_not_mailed(app, mail, client, auth, url):
    mine = subscribed_and_confirmed(app, mail, url)
    app.config["COMMENT_MODERATION"] = True
    theirs = reply(app, url, mine, author="Dan", email="dan@example.org")
    moderate(app, client, auth, mine, "unapprove")
    moderate(app, client, auth, theirs, "approve")
    assert len(mail.messages) == 1


# --- unsubscribing ---------------------------------------------------------------


def reply_mail(app, mail, url):
    mine = subscribed_and_confirmed(app, mail, url)
    reply(app, url, mine)
    [_, message] = mail.wait_for(2)
    return mine, message


def test_one_click_unsubscribes_with_no_cookie_or_origin_and_nothing_more_is_sent(
        app, mail, url):
    mine, message = reply_mail(app, mail, url)
    address = path_of(message["List-Unsubscribe"][1:-1])
    # As a mail provider's server sends it: no cookie, no Origin, no CSRF token.
    response = reader(app).post(address, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Unsubscribed" in text(response)
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.scalar(sa.select(ReplySubscription.stopped_at)) is not None
    reply(app, url, mine, author="Zoe", email="zoe@example.org", comment="Later reply.")
    assert len(mail.messages) == 2
    # The link still answers, now saying it is done; a second one-click too.
    assert "Unsubscribed" in text(reader(app).get(address))
    again = reader(app).post(address, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200


def test_the_unsubscribe_page_asks_and_its_button_is_our_form(app, mail, url):
    _, message = reply_mail(app, mail, url)
    address = path_of(message["List-Unsubscribe"][1:-1])
    client = reader(app)
    assert "Stop reply notifications?" in text(client.get(address))
    assert client.post(address).status_code == 403  # not one-click, not from our page
    with app.app_context():
        assert db.session.scalar(sa.select(ReplySubscription.stopped_at)) is None
    done = client.post(address, headers=SAME_ORIGIN)
    assert done.status_code == 200 and "Unsubscribed" in text(done)
    with app.app_context():
        assert db.session.scalar(sa.select(ReplySubscription.stopped_at)) is not None


def test_the_manage_page_lists_and_stops_one_or_all(app, mail, url, make):
    first = subscribed_and_confirmed(app, mail, url)
    subscribe(app, url, comment="My second comment.")
    _, message = reply_mail_for(app, mail, url, first)
    [manage] = [path_of(link) for link in links(message)
                if "/comment-subscriptions/" in link and "/unsubscribe/" not in link]
    client = reader(app)
    page = text(client.get(manage))
    assert page.count('<button type="submit">Stop</button>') == 2
    assert "My second comment." in page and "Stop all" in page
    ids = subscription_ids(app)
    assert client.post(manage, data={"subscription": str(ids[0])}).status_code == 403
    stopped = client.post(manage, data={"subscription": str(ids[0])}, headers=SAME_ORIGIN)
    assert stopped.status_code == 303
    page = text(client.get(stopped.headers["Location"]))
    assert "That reply notification is stopped." in page
    assert page.count('<button type="submit">Stop</button>') == 1
    # Another address's subscription cannot be stopped with this link.
    other = subscribe(app, url, email="zed@example.org", author="Zed", comment="Zed here.")
    with app.app_context():
        theirs = db.session.scalar(sa.select(ReplySubscription.id).where(
            ReplySubscription.comment_id == other.id))
    refused = client.post(manage, data={"subscription": str(theirs)}, headers=SAME_ORIGIN)
    assert refused.status_code == 404
    assert client.post(manage, data={"subscription": "nonsense"},
                       headers=SAME_ORIGIN).status_code == 404
    every = client.post(manage, data={"subscription": "all"}, headers={**SAME_ORIGIN, **HTMX})
    assert every.status_code == 200 and "All your reply notifications are stopped." in text(every)
    assert "<html" not in text(every)
    with app.app_context():
        states = dict(db.session.execute(sa.select(
            ReplySubscription.id, ReplySubscription.stopped_at.is_not(None))).all())
    assert states == {ids[0]: True, ids[1]: True, theirs: False}


def reply_mail_for(app, mail, url, comment):
    before = len(mail.messages)
    reply(app, url, comment)
    messages = mail.wait_for(before + 1)
    return comment, messages[-1]


def subscription_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(ReplySubscription.id).order_by(ReplySubscription.id)))


# --- links that do not work ----------------------------------------------------


def test_bad_tokens_are_refused_with_a_message(app, mail, url):
    client = reader(app)
    for address in ("/comment-subscriptions/confirm/nonsense",
                    "/comment-subscriptions/unsubscribe/nonsense",
                    "/comment-subscriptions/nonsense",
                    "/comment-subscriptions/confirm/" + "x" * 2000):
        response = client.get(address)
        assert response.status_code == 400, address
        assert "This link is not valid." in text(response)
    response = client.post("/comment-subscriptions/unsubscribe/nonsense",
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400


def test_a_token_for_another_purpose_or_a_gone_subscriber_is_refused(app, mail, url):
    _, message = reply_mail(app, mail, url)
    unsubscribe = message["List-Unsubscribe"][1:-1].rsplit("/", 1)[1]
    client = reader(app)
    # An unsubscribe link's token does not open the manage page nor confirm.
    assert client.get(f"/comment-subscriptions/{unsubscribe}").status_code == 400
    assert client.get(f"/comment-subscriptions/confirm/{unsubscribe}").status_code == 400
    # Once the address's rows are gone (an id reused later), its links are dead.
    with app.app_context():
        db.session.execute(sa.delete(ReplySubscriber))
        db.session.commit()
    response = client.get(path_of(message["List-Unsubscribe"][1:-1]))
    assert response.status_code == 400 and "not valid" in text(response)


def test_an_expired_confirmation_is_refused(app, mail, url, monkeypatch):
    subscribe(app, url)
    with app.test_request_context():
        row = db.session.scalar(sa.select(ReplySubscriber))
        eight_days_ago = itsdangerous.timed.time.time() - 8 * 24 * 3600
        monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: eight_days_ago)
        token = subscriptions.confirm_token(row)
        monkeypatch.undo()
    response = reader(app).get(f"/comment-subscriptions/confirm/{token}")
    assert response.status_code == 410 and tokens.EXPIRED in text(response)
    response = reader(app).post(f"/comment-subscriptions/confirm/{token}", headers=SAME_ORIGIN)
    assert response.status_code == 410 and subscriber(app).confirmed_at is None


def test_a_confirmation_for_another_address_does_not_confirm_this_one(app, mail, url):
    subscribe(app, url)
    subscribe(app, url, email="zed@example.org", author="Zed", comment="Zed here.")
    [first, second] = mail.wait_for(2)
    confirm(app, second)
    assert subscriber(app, "zed@example.org").confirmed_at is not None
    assert subscriber(app).confirmed_at is None


def test_token_pages_are_never_kept_by_the_page_cache(cached_app, app, smtp, make):
    cached_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    post = make.post("Cached")
    page = permalink(cached_app, post)
    client = cached_app.test_client()
    response = send(client, page, email=ANN, subscribe="yes")
    assert response.status_code == 303
    [message] = smtp.wait_for(1)
    address = confirm_link(message)
    for _ in range(2):
        shown = client.get(address)
        assert "X-Cache" not in shown.headers and "ETag" not in shown.headers
    assert client.post(address, headers=SAME_ORIGIN).status_code == 200
    assert client.get(address).status_code == 409


def test_comment_deleted_takes_its_subscription(app, mail, client, auth, url):
    mine = subscribed_and_confirmed(app, mail, url)
    with app.app_context():
        db.session.execute(sa.delete(Comment).where(Comment.id == mine.id))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReplySubscription)) == 0


def test_a_signed_in_reader_subscribes_with_their_accounts_address(app, mail, client, auth, url):
    from dreamweaver.models import User
    user = auth.login("writer", "author")
    assert LABEL not in text(client.get(url))  # no address on the account: no box
    with app.app_context():
        db.session.get(User, user.id).email = "Writer@Example.org"
        db.session.commit()
    assert LABEL in text(client.get(url))
    response = send(client, url, subscribe="yes", author=None, email=None)
    assert response.status_code == 303
    [message] = mail.wait_for(1)
    assert message["To"] == "writer@example.org"
    assert subscriber(app, "writer@example.org") is not None
