"""Password reset by email (/admin/password-reset/): the same answer whatever
the address; a link bound to the password hash, valid an hour, used once;
limits per IP and per address."""

import time

import pytest
import sqlalchemy as sa

from dreamweaver import create_app, tokens
from dreamweaver.extensions import db
from dreamweaver.models import OutboxMessage, User, utcnow
from tests.support.auth import csrf_token
from tests.support.responses import text
from tests.support.settings import TEST_SETTINGS
from tests.support.smtp import html_of, links, path_of, text_of

RESET = "/admin/password-reset/"
PASSWORD = "correct horse battery"
NEW = "a brand new password"


def with_email(app, make, login, address, role="author"):
    user = make.account(login, role)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user.id).values(email=address))
        db.session.commit()
    return user


def ask(client, address):
    return client.post(RESET, data={"csrf_token": csrf_token(client, RESET), "email": address})


def sent(app, kind="password-reset"):
    with app.app_context():
        return db.session.scalars(sa.select(OutboxMessage.to_address)
                                  .where(OutboxMessage.kind == kind)).all()


def choose(client, path, password=NEW, confirm=None):
    return client.post(path, data={"csrf_token": csrf_token(client, RESET),
                                   "new_password": password,
                                   "confirm": password if confirm is None else confirm})


def can_log_in(app, password, login="writer") -> bool:
    browser = app.test_client()
    return browser.post("/admin/login", data={
        "csrf_token": csrf_token(browser), "username": login, "password": password,
    }).status_code == 303


def reset_link(smtp, count=1) -> str:
    message = smtp.wait_for(count)[-1]
    return path_of(next(url for url in links(message) if "/admin/password-reset/" in url))


def test_login_page_links_to_the_reset(client):
    html = text(client.get("/admin/login"))
    assert 'href="/admin/password-reset/"' in html and "Lost your password?" in html


def test_reset_page_is_public(client):
    response = client.get(RESET)
    assert response.status_code == 200 and 'name="email"' in text(response)


def test_reset_by_mail_end_to_end(app, client, make, smtp):
    app.config["SITE_URL"] = "https://dreams.example"
    with_email(app, make, "writer", "writer@example.org")
    response = ask(client, "Writer@Example.org")
    assert response.status_code == 200
    [message] = smtp.wait_for(1)
    assert message["To"] == "writer@example.org"
    assert message["Subject"] == "Reset your password"
    url = next(url for url in links(message) if "/admin/password-reset/" in url)
    assert url.startswith("https://dreams.example/admin/password-reset/")
    assert url in html_of(message) and "60 minutes" in text_of(message)
    page = client.get(path_of(url))
    assert page.status_code == 200 and 'name="new_password"' in text(page)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    done = choose(client, path_of(url))
    assert done.status_code == 303 and done.headers["Location"].endswith("/admin/login")
    assert "Your password has been changed" in text(client.get("/admin/login"))
    assert can_log_in(app, NEW) and not can_log_in(app, PASSWORD)
    # Used once: the password hash it was bound to is gone.
    again = client.get(path_of(url))
    assert again.status_code == 400 and "already been used" in text(again)
    assert choose(client, path_of(url), "yet another password").status_code == 400
    assert can_log_in(app, NEW)


def test_reset_ends_every_session(app, make, smtp):
    with_email(app, make, "writer", "writer@example.org")
    signed_in = app.test_client()
    assert signed_in.post("/admin/login", data={
        "csrf_token": csrf_token(signed_in), "username": "writer", "password": PASSWORD,
    }).status_code == 303
    assert signed_in.get("/admin/").status_code == 200
    stranger = app.test_client()
    ask(stranger, "writer@example.org")
    choose(stranger, reset_link(smtp))
    assert signed_in.get("/admin/").status_code == 302


def test_same_answer_for_unknown_known_and_disabled(app, client, make, smtp):
    with_email(app, make, "writer", "writer@example.org")
    gone = with_email(app, make, "gone", "gone@example.org")
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == gone.id).values(disabled_at=utcnow()))
        db.session.commit()
    answers = []
    for address in ("writer@example.org", "nobody@example.org", "gone@example.org"):
        response = ask(app.test_client(), address)
        body = text(response).replace(csrf_token_of(response), "")
        answers.append((response.status_code, body))
    assert len(set(answers)) == 1 and answers[0][0] == 200
    assert "If an account uses that address" in answers[0][1]
    smtp.wait_for(1)
    time.sleep(0.2)
    assert [m["To"] for m in smtp.messages] == ["writer@example.org"]
    assert sent(app) == ["writer@example.org"]


def csrf_token_of(response) -> str:
    import re

    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(response))
    return found.group(1) if found else "\0"


def test_disabled_account_link_refused(app, client, make, smtp):
    writer = with_email(app, make, "writer", "writer@example.org")
    ask(client, "writer@example.org")
    path = reset_link(smtp)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == writer.id)
                           .values(disabled_at=utcnow()))
        db.session.commit()
    assert client.get(path).status_code == 400
    assert choose(client, path).status_code == 400


@pytest.mark.parametrize("address, message", [
    ("not an address", "valid email address"),
    ("writer@example.org\r\nBcc: x@y.org", "valid email address"),
    ("", "Enter the email address"),
    ("x" * 300 + "@example.org", "valid email address"),
])
def test_bad_addresses_refused(app, client, make, smtp, address, message):
    with_email(app, make, "writer", "writer@example.org")
    response = ask(client, address)
    assert response.status_code == 422 and message in text(response)
    assert sent(app) == [] and smtp.messages == []


def test_reset_form_needs_its_csrf_token(app, client, make):
    with_email(app, make, "writer", "writer@example.org")
    client.get(RESET)
    response = client.post(RESET, data={"email": "writer@example.org"})
    assert response.status_code == 422 and sent(app) == []


@pytest.mark.parametrize("password, confirm, message", [
    ("short", "short", "at least 8 characters"),
    (NEW, "another thing", "The two passwords differ"),
    ("", "", "Choose a new password"),
])
def test_new_password_refused(app, client, make, smtp, password, confirm, message):
    with_email(app, make, "writer", "writer@example.org")
    ask(client, "writer@example.org")
    path = reset_link(smtp)
    response = choose(client, path, password, confirm)
    assert response.status_code == 422 and message in text(response)
    assert can_log_in(app, PASSWORD)
    assert choose(client, path).status_code == 303  # the link still works


def issue(app, user_id, state):
    with app.test_request_context():
        return tokens.issue("password-reset", user_id, state=state)


def hash_of(app, login):
    with app.app_context():
        return db.session.scalar(sa.select(User.password_hash).where(User.login == login))


def test_expired_link_refused(app, client, make, monkeypatch):
    writer = with_email(app, make, "writer", "writer@example.org")
    token = issue(app, writer.id, hash_of(app, "writer"))
    assert client.get(f"{RESET}{token}").status_code == 200
    monkeypatch.setattr("dreamweaver.admin.account_links.PASSWORD_RESET_AGE", 0)
    time.sleep(1.1)
    response = client.get(f"{RESET}{token}")
    assert response.status_code == 400 and "expired" in text(response)
    assert 'href="/admin/password-reset/"' in text(response)


def test_link_for_another_user_refused(app, client, make):
    writer = with_email(app, make, "writer", "writer@example.org")
    with_email(app, make, "victim", "victim@example.org")
    # The writer's own token names the writer: nothing in it can reach the victim;
    # one naming the victim but bound to the writer's hash is refused.
    forged = issue(app, make.account("victim").id, hash_of(app, "writer"))
    assert choose(client, f"{RESET}{forged}").status_code == 400
    assert can_log_in(app, PASSWORD, "victim")
    own = issue(app, writer.id, hash_of(app, "writer"))
    assert choose(client, f"{RESET}{own}").status_code == 303
    assert can_log_in(app, PASSWORD, "victim") and can_log_in(app, NEW, "writer")


def test_an_email_change_token_is_no_reset_link(app, client, make):
    writer = with_email(app, make, "writer", "writer@example.org")
    with app.test_request_context():
        token = tokens.issue("email-change", writer.id, state=hash_of(app, "writer"))
    assert client.get(f"{RESET}{token}").status_code == 400


@pytest.mark.parametrize("token", ["junk", "a" * 1500])
def test_broken_links_refused(client, token):
    response = client.get(f"{RESET}{token}")
    assert response.status_code == 400 and "not valid" in text(response)


def test_at_most_three_mails_per_address_per_hour(app, make, smtp):
    with_email(app, make, "writer", "writer@example.org")
    answers = {ask(app.test_client(), "writer@example.org").status_code for _ in range(5)}
    assert answers == {200}
    smtp.wait_for(3)
    time.sleep(0.3)
    assert len(smtp.messages) == 3 and len(sent(app)) == 3


def test_rate_limited_per_ip(database_uri, _migrated, app, make):
    limited = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                          "RATELIMIT_ENABLED": True})
    client = limited.test_client()
    token = csrf_token(client, RESET)
    statuses = [client.post(RESET, data={"csrf_token": token, "email": f"n{i}@example.org"}
                            ).status_code for i in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    other = limited.test_client()
    response = other.post(RESET, environ_base={"REMOTE_ADDR": "10.0.0.9"},
                          data={"csrf_token": csrf_token(other, RESET), "email": "a@b.org"})
    assert response.status_code == 200


def test_answer_not_slower_for_an_existing_account(database_uri, _migrated, app, make,
                                                   tmp_path):
    """Nothing is looked up nor mailed in the request, only handed to the queue
    (as in production, not inline): both answers do the same work."""
    with_email(app, make, "writer", "writer@example.org")
    queued = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                         "TASKS_INLINE": False, "TASKS_SQLITE_PATH": str(tmp_path / "q.db")})

    def timed(address):
        client = queued.test_client()
        token = csrf_token(client, RESET)
        start = time.perf_counter()
        assert client.post(RESET, data={"csrf_token": token, "email": address}
                           ).status_code == 200
        return time.perf_counter() - start

    timed("warm@example.org")  # templates compiled, the queue's file made
    # Interleaved, the fastest of each: noise from elsewhere only slows a run down.
    runs = [(timed("writer@example.org"), timed("nobody@example.org")) for _ in range(7)]
    known, unknown = min(k for k, _ in runs), min(u for _, u in runs)
    assert queued.extensions["tasks"].pending_count() == 15
    assert sent(app) == []  # no mail written by the requests themselves
    assert known < unknown * 2 + 0.005, (known, unknown)
