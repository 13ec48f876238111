"""The mail outbox in /admin: administrators only; queued, failed and sent mail
with counts, pages and each message's text; "Send again" and a test email,
as plain forms and with htmx; a banner while no mail server is configured."""

import re
import time
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.mail import outbox
from dreamweaver.models import OutboxMessage, User, utcnow
from tests.support.auth import csrf_token
from tests.support.responses import text
from tests.support.smtp import text_of

OUTBOX = "/admin/mail/"
HX = {"HX-Request": "true"}
KEPT = "mail is kept here until a mail server is configured"


def queue(app, to="reader@example.org", subject="Hello there", count=1):
    with app.app_context():
        ids = [outbox.queue(to, f"{subject} {n}" if count > 1 else subject, "test_message",
                            kind="test", sender_name="Owner").id for n in range(count)]
        db.session.commit()
    return ids


def failed(app, smtp, to="gone@example.org"):
    """A message the server refused for good."""
    smtp.inbox.refuse.add(to)
    [message_id] = queue(app, to=to, subject="Refused")
    smtp.inbox.refuse.discard(to)
    return message_id


def status_of(app, message_id):
    with app.app_context():
        return db.session.get(OutboxMessage, message_id).status


def with_email(app, user, address="owner@example.org"):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user.id).values(email=address))
        db.session.commit()


def post_form(client, url, htmx=False):
    token = csrf_token(client, OUTBOX)
    if htmx:
        return client.post(url, headers={**HX, "X-CSRFToken": token})
    return client.post(url, data={"csrf_token": token})


def rows(response) -> list[str]:
    return re.findall(r'<th scope="row" class="mail-to">([^<]*)</th>', text(response))


# --- Who sees it -------------------------------------------------------------

def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    [message_id] = queue(app)
    for url in (OUTBOX, f"{OUTBOX}{message_id}/"):
        response = client.get(url)
        assert response.status_code in (302, 303)
        assert "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["editor", "author"])
def test_only_administrators_see_or_use_the_outbox(app, client, auth, role):
    [message_id] = queue(app)
    auth.login("someone", role)
    assert client.get(OUTBOX).status_code == 403
    assert client.get(f"{OUTBOX}{message_id}/").status_code == 403
    token = csrf_token(client, "/admin/")
    for url in (f"{OUTBOX}{message_id}/send-again", f"{OUTBOX}test"):
        assert client.post(url, data={"csrf_token": token}).status_code == 403
    assert ">Mail<" not in text(client.get("/admin/"))


def test_administrators_find_it_in_the_navigation(client, auth):
    auth.login()
    page = text(client.get("/admin/"))
    assert f'<a href="{OUTBOX}">Mail' in page
    assert 'aria-current="page">Mail' in text(client.get(OUTBOX))


# --- What it shows --------------------------------------------------------------

def test_without_a_mail_server_mail_is_kept_and_readable_here(app, client, auth):
    app.config["SITE_URL"] = "https://dreams.example"
    [message_id] = queue(app)
    auth.login()
    page = client.get(OUTBOX)
    assert page.status_code == 200
    html = text(page)
    assert KEPT in html
    assert "Queued <span class=\"count\">(1)</span>" in html
    assert rows(page) == ["reader@example.org"]
    assert "Hello there" in html and ">test<" in html
    message = client.get(f"{OUTBOX}{message_id}/")
    body = unescape(text(message))
    assert message.status_code == 200 and KEPT in body
    assert "sent from /admin by Owner" in body and "https://dreams.example/" in body
    assert "reader@example.org" in body
    assert status_of(app, message_id) == "queued"


def test_with_a_mail_server_there_is_no_banner(app, client, auth, smtp):
    queue(app)
    smtp.wait_for(1)
    auth.login()
    page = text(client.get(OUTBOX, query_string={"status": "sent"}))
    assert KEPT not in page
    assert "Sent <span class=\"count\">(1)</span>" in page and "reader@example.org" in page


def test_a_failed_message_shows_its_error_and_attempts(app, client, auth, smtp):
    message_id = failed(app, smtp)
    auth.login()
    page = client.get(OUTBOX, query_string={"status": "failed"})
    html = text(page)
    assert rows(page) == ["gone@example.org"]
    assert "Refused recipient" in html and "Send again" in html
    assert f'action="{OUTBOX}{message_id}/send-again"' in html
    assert 'class="mail-attempts" data-label="Attempts">1<' in html
    assert "Refused recipient" in text(client.get(f"{OUTBOX}{message_id}/"))


def test_each_tab_lists_its_own_mail_in_pages_of_twenty_newest_first(app, client, auth):
    queue(app, subject="Note", count=25)
    with app.app_context():  # written a minute apart, the last one newest
        for n, row in enumerate(db.session.scalars(sa.select(OutboxMessage)
                                                   .order_by(OutboxMessage.id))):
            row.created_at = utcnow() - timedelta(minutes=100 - n)
        db.session.commit()
    auth.login()
    first = text(client.get(OUTBOX))
    assert first.count('class="mail-row') == 20
    assert first.index("Note 24") < first.index("Note 5") and "Note 4<" not in first
    assert f'href="{OUTBOX}?status=queued&amp;page=2"' in first
    second = client.get(OUTBOX, query_string={"status": "queued", "page": 2})
    assert text(second).count('class="mail-row') == 5 and "Note 0<" in text(second)
    assert "No failed mail." in text(client.get(OUTBOX, query_string={"status": "failed"}))
    for bad in ({"status": "queued", "page": 3}, {"status": "lost"}, {"page": "x"},
                {"page": "0"}):
        assert client.get(OUTBOX, query_string=bad).status_code == 404
    assert client.get(f"{OUTBOX}999/").status_code == 404


def test_a_tab_with_htmx_is_the_list_alone(app, client, auth):
    queue(app)
    auth.login()
    response = client.get(OUTBOX, query_string={"status": "sent"}, headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith("<title>") and 'id="mail-list"' in html
    assert "HX-Request" in response.headers["Vary"]
    for header in ("HX-History-Restore-Request", "HX-Boosted"):
        full = client.get(OUTBOX, headers={**HX, header: "true"})
        assert "<html" in text(full)


# --- What it does ------------------------------------------------------------------

def test_send_again_sends_a_failed_message(app, client, auth, smtp):
    message_id = failed(app, smtp)
    auth.login()
    response = post_form(client, f"{OUTBOX}{message_id}/send-again")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{OUTBOX}?status=sent")
    [message] = smtp.wait_for(1)
    assert message["To"] == "gone@example.org" and message["Subject"] == "Refused"
    assert status_of(app, message_id) == "sent"
    page = text(client.get(response.headers["Location"]))
    assert "The message to gone@example.org was sent." in page


def test_send_again_with_htmx_swaps_the_list(app, client, auth, smtp):
    message_id = failed(app, smtp)
    auth.login()
    response = post_form(client, f"{OUTBOX}{message_id}/send-again", htmx=True)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert "The message to gone@example.org was sent." in html
    assert response.headers["HX-Replace-Url"] == f"{OUTBOX}?status=sent"
    smtp.wait_for(1)


def test_send_again_without_a_server_queues_it_again(app, client, auth, smtp):
    message_id = failed(app, smtp)
    app.config["MAIL_SERVER"] = None
    auth.login()
    response = post_form(client, f"{OUTBOX}{message_id}/send-again")
    assert response.status_code == 303
    assert "is queued: no mail server is configured" in text(client.get(
        response.headers["Location"]))
    assert status_of(app, message_id) == "queued"


def test_only_a_failed_message_is_sent_again(app, client, auth, smtp):
    [message_id] = queue(app)
    smtp.wait_for(1)
    auth.login()
    response = post_form(client, f"{OUTBOX}{message_id}/send-again")
    assert response.status_code == 409
    assert "is sent, not failed" in text(response)
    time.sleep(0.2)
    assert len(smtp.messages) == 1


def test_actions_need_the_session_token(app, client, auth, smtp):
    message_id = failed(app, smtp)
    auth.login()
    assert client.post(f"{OUTBOX}{message_id}/send-again").status_code == 400
    assert client.post(f"{OUTBOX}test").status_code == 400
    assert client.post(f"{OUTBOX}{message_id}/send-again",
                       data={"csrf_token": "forged"}).status_code == 400
    assert status_of(app, message_id) == "failed"
    assert len(smtp.messages) == 0


def test_a_test_email_goes_to_the_administrators_own_address(app, client, auth, smtp):
    owner = auth.login()
    with_email(app, owner)
    response = post_form(client, f"{OUTBOX}test")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{OUTBOX}?status=sent")
    [message] = smtp.wait_for(1)
    assert message["To"] == "owner@example.org"
    assert "sent from /admin by Owner" in text_of(message)
    assert "A test email to owner@example.org was sent." in text(
        client.get(response.headers["Location"]))


def test_a_test_email_with_htmx_and_without_a_server(app, client, auth):
    owner = auth.login()
    with_email(app, owner)
    response = post_form(client, f"{OUTBOX}test", htmx=True)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert "is queued: no mail server is configured, so it is kept here" in html
    assert rows(response) == ["owner@example.org"] and KEPT in html


def test_a_test_email_needs_an_address_on_the_account(app, client, auth, smtp):
    auth.login()
    page = text(client.get(OUTBOX))
    assert "Your account has no email address yet." in page
    response = post_form(client, f"{OUTBOX}test")
    assert response.status_code == 409
    assert "Your account has no email address" in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
