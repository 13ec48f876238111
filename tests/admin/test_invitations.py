"""Inviting someone by email: the mail as the real SMTP server receives it,
its link followed (single use, 72 hours, only the newest one, only for its
own account), the password chosen and the person signed in."""

import time

import pytest
import sqlalchemy as sa

from dreamweaver import create_app, tokens
from dreamweaver.admin import invitations
from dreamweaver.extensions import db
from dreamweaver.models import OutboxMessage, User
from tests.support.auth import csrf_token
from tests.support.settings import TEST_SETTINGS
from tests.support.smtp import html_of, links, path_of, text_of

PEOPLE = "/admin/users/"


def invite(client, login="newbie", email="newbie@example.org", role="author", **fields):
    return client.post(PEOPLE + "new", data={
        "csrf_token": csrf_token(client, "/admin/"), "login": login, "email": email,
        "role": role, "method": "invite", **fields})


def invitation_link(message) -> str:
    (link,) = [url for url in links(message) if "/admin/invitation/" in url]
    return path_of(link)


def accept(client, path, password="a brand new password", confirm=None):
    return client.post(path, data={"csrf_token": csrf_token(client),
                                   "password": password,
                                   "confirm": password if confirm is None else confirm})


def user(app, login="newbie") -> User:
    with app.app_context():
        found = db.session.scalar(sa.select(User).where(User.login == login))
        db.session.expunge(found)
        return found


def test_an_invitation_is_mailed_followed_and_accepted(app, client, auth, smtp):
    auth.login("owner")
    response = invite(client, display_name="Nina Newbie", role="editor")
    assert response.status_code == 303
    assert "Invitation sent to newbie@example.org." in client.get(PEOPLE).get_data(as_text=True)
    invited = user(app)
    assert invited.password_hash == "" and invited.invited_at is not None
    assert "Invited, not yet accepted" in client.get(PEOPLE).get_data(as_text=True)

    (message,) = smtp.wait_for(1)
    assert message["To"] == "newbie@example.org"
    assert message["Subject"] == f"Your invitation to {app.config['SITE_TITLE']}"
    text = text_of(message)
    assert "Hello Nina Newbie" in text and "as an editor" in text and "newbie" in text
    assert "72 hours" in text
    path = invitation_link(message)
    assert path in html_of(message)
    with app.app_context():
        assert db.session.scalar(sa.select(OutboxMessage.kind)) == "invitation"

    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "Welcome, Nina Newbie" in page.get_data(as_text=True)
    response = accept(visitor, path, confirm="something else")
    assert response.status_code == 422
    assert "The two passwords differ." in response.get_data(as_text=True)
    response = accept(visitor, path, password="short")
    assert response.status_code == 422 and "8 to 1024" in response.get_data(as_text=True)
    assert user(app).password_hash == ""

    response = accept(visitor, path)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert "Signed in as Nina Newbie" in visitor.get("/admin/").get_data(as_text=True)
    accepted = user(app)
    assert accepted.invited_at is None and accepted.last_login_at is not None
    assert "Invited" not in client.get(PEOPLE).get_data(as_text=True)

    # Used once: the link is refused, and nothing changes.
    again = app.test_client()
    refused = again.get(path)
    assert refused.status_code == 410
    assert tokens.USED in refused.get_data(as_text=True)
    assert accept(again, path, password="another password").status_code == 410
    assert user(app).password_hash == accepted.password_hash


def test_sending_again_kills_the_old_link(app, client, auth, smtp):
    auth.login("owner")
    invite(client)
    first = invitation_link(smtp.wait_for(1)[0])
    time.sleep(0.01)  # a new invited_at
    invited = user(app)
    response = client.post(f"{PEOPLE}{invited.id}/invite",
                           data={"csrf_token": csrf_token(client, "/admin/")},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "the earlier link no longer works" in response.get_data(as_text=True)
    second = invitation_link(smtp.wait_for(2)[1])
    assert first != second
    visitor = app.test_client()
    assert visitor.get(first).status_code == 410
    assert accept(visitor, first).status_code == 410
    assert user(app).password_hash == ""
    assert accept(visitor, second).status_code == 303


def test_there_is_nothing_to_send_again_once_accepted_or_disabled(app, client, auth, make, smtp):
    auth.login("owner")
    member = make.account("member", "author")
    response = client.post(f"{PEOPLE}{member.id}/invite",
                           data={"csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 409
    assert smtp.messages == []


def issued_at(monkeypatch, moment: float, app, user_id: int, state: str) -> str:
    """A token signed at `moment` (itsdangerous reads the clock when it signs)."""
    import itsdangerous.timed

    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: moment)
    with app.test_request_context():
        token = tokens.issue(invitations.PURPOSE, user_id, state)
    monkeypatch.undo()
    return token


def test_a_link_works_for_72_hours_and_no_longer(app, client, auth, smtp, monkeypatch):
    auth.login("owner")
    invite(client)
    smtp.wait_for(1)
    invited = user(app)
    with app.app_context():
        state = invitations._state(db.session.get(User, invited.id))
    now = time.time()
    late = issued_at(monkeypatch, now - invitations.MAX_AGE - 60, app, invited.id, state)
    visitor = app.test_client()
    response = visitor.get(f"/admin/invitation/{late}")
    assert response.status_code == 410 and tokens.EXPIRED in response.get_data(as_text=True)
    assert accept(visitor, f"/admin/invitation/{late}").status_code == 410
    assert user(app).password_hash == ""
    in_time = issued_at(monkeypatch, now - invitations.MAX_AGE + 600, app, invited.id, state)
    assert accept(visitor, f"/admin/invitation/{in_time}").status_code == 303


def test_a_token_for_another_user_or_purpose_is_refused(app, client, auth, make, smtp):
    auth.login("owner")
    invite(client, login="first", email="first@example.org")
    invite(client, login="second", email="second@example.org")
    smtp.wait_for(2)
    first, second = user(app, "first"), user(app, "second")
    with app.app_context():
        state_of_first = invitations._state(db.session.get(User, first.id))
    with app.test_request_context():
        # Signed for the second account, with the first one's state.
        foreign = tokens.issue(invitations.PURPOSE, second.id, state_of_first)
        # Right account and state, but made for something else (a reset).
        other_purpose = tokens.issue("reset", first.id, state_of_first)
        not_a_user = tokens.issue(invitations.PURPOSE, "first", state_of_first)
    visitor = app.test_client()
    for token, status in ((foreign, 410), (other_purpose, 400), (not_a_user, 400),
                          ("garbage", 400), ("x" * 2000, 400)):
        response = visitor.get(f"/admin/invitation/{token}")
        assert response.status_code == status, token[:20]
        assert accept(visitor, f"/admin/invitation/{token}").status_code == status
    assert user(app, "first").password_hash == "" and user(app, "second").password_hash == ""


def test_a_disabled_invitee_cannot_accept(app, client, auth, smtp):
    auth.login("owner")
    invite(client)
    path = invitation_link(smtp.wait_for(1)[0])
    invited = user(app)
    client.post(f"{PEOPLE}{invited.id}/disable", data={"csrf_token": csrf_token(client, "/admin/")})
    visitor = app.test_client()
    assert visitor.get(path).status_code == 400
    assert accept(visitor, path).status_code == 400
    assert user(app).password_hash == ""


def test_the_invitation_form_needs_its_csrf_token(app, client, auth, smtp):
    auth.login("owner")
    invite(client)
    path = invitation_link(smtp.wait_for(1)[0])
    visitor = app.test_client()
    visitor.get(path)
    response = visitor.post(path, data={"password": "a brand new password",
                                        "confirm": "a brand new password"})
    assert response.status_code == 422
    assert user(app).password_hash == ""


@pytest.mark.parametrize("email", ["newbie@example.org\r\nBcc: victim@example.org",
                                   "newbie@example.org\nSubject: hi",
                                   "Newbie <newbie@example.org>, victim@example.org"])
def test_header_injection_in_the_address_sends_nothing(app, client, auth, smtp, email):
    auth.login("owner")
    response = invite(client, email=email)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
        assert db.session.scalar(sa.select(User).where(User.login == "newbie")) is None


def test_the_page_s_post_is_rate_limited(database_uri, _migrated):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                      "RATELIMIT_ENABLED": True})
    client = app.test_client()
    statuses = [client.post("/admin/invitation/garbage", data={"password": "x"}).status_code
                for _ in range(12)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]
