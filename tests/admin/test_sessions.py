"""Sessions that really end: logout, a password change and "Sign out everywhere
else" sign out every copy of a session cookie; login starts a new session with
a new CSRF secret."""

import re

import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Post, User
from tests.support.auth import csrf_token
from tests.support.responses import text

PASSWORD = "correct horse battery"


def session_cookie(app, client) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie (a stolen one)."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], session_cookie(app, client))
    return thief


def signed_in(client) -> bool:
    response = client.get("/admin/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def login(app, login_name="owner"):
    """A fresh browser signed in as `login_name` (the account must exist)."""
    browser = app.test_client()
    response = browser.post("/admin/login", data={
        "csrf_token": csrf_token(browser), "username": login_name, "password": PASSWORD})
    assert response.status_code == 303
    return browser


def test_copied_cookie_works_while_signed_in(app, client, auth):
    auth.login()
    assert signed_in(copy_of(app, client))


def test_copied_cookie_stops_working_after_logout(app, client, auth):
    auth.login()
    thief = copy_of(app, client)
    assert auth.logout().status_code == 303
    assert not signed_in(client)
    assert not signed_in(thief)


def test_logout_signs_out_other_browsers_too(app, make):
    make.account("owner", "administrator")
    laptop, phone = login(app), login(app)
    laptop.post("/admin/logout", data={"csrf_token": csrf_token(laptop, "/admin/")})
    assert not signed_in(phone)
    assert signed_in(login(app))  # signing in again works


def test_login_elsewhere_keeps_other_sessions(app, make):
    make.account("owner", "administrator")
    laptop = login(app)
    login(app)
    assert signed_in(laptop)


def test_copied_cookie_stops_working_after_password_change(app, client, auth, runner):
    auth.login()
    thief = copy_of(app, client)
    result = runner.invoke(args=["create-user", "owner", "--role", "admin", "--password-stdin"],
                           input="a brand new password\n")
    assert result.exit_code == 0, result.output
    assert "its sessions have ended" in result.output
    assert not signed_in(thief)
    assert not signed_in(client)


def test_password_change_ends_sessions_in_the_model(app, make):
    user = make.account("owner", "administrator")
    with app.app_context():
        account = db.session.get(User, user.id)
        before = account.get_id()
        account.set_password("another password")
        db.session.commit()
        assert account.get_id() != before


def test_dashboard_has_a_plain_sign_out_everywhere_form(client, auth):
    auth.login()
    body = text(client.get("/admin/"))
    form = re.search(r'<form method="post" action="/admin/sign-out-everywhere"[^>]*>(.*?)</form>',
                     body, re.S)
    assert form, "no sign-out-everywhere form on the dashboard"
    assert re.search(r'<input[^>]*name="csrf_token"[^>]*value="[^"]+"', form.group(1))
    assert '<button type="submit">Sign out everywhere else</button>' in form.group(1)
    assert "hx-" not in form.group(0)


def test_sign_out_everywhere_ends_every_other_session(app, client, auth, make):
    auth.login()
    thief = copy_of(app, client)
    phone = login(app)
    response = client.post("/admin/sign-out-everywhere",
                           data={"csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/?signed_out=1"
    assert not signed_in(thief)
    assert not signed_in(phone)
    page = client.get("/admin/?signed_out=1")
    assert page.status_code == 200
    assert "Every other session of your account has ended" in text(page)


def test_sign_out_everywhere_needs_the_csrf_token(app, client, auth):
    auth.login()
    thief = copy_of(app, client)
    response = client.post("/admin/sign-out-everywhere", data={})
    assert response.status_code == 400
    assert signed_in(thief)


def test_sign_out_everywhere_needs_login(client):
    token = csrf_token(client)  # a valid token, but nobody signed in
    response = client.post("/admin/sign-out-everywhere", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_csrf_token_from_before_login_is_refused_after(app, client, make):
    make.account("owner", "administrator")
    before = csrf_token(client)
    response = client.post("/admin/login", data={
        "csrf_token": before, "username": "owner", "password": PASSWORD})
    assert response.status_code == 303
    forged = client.post("/admin/posts/new", data={
        "csrf_token": before, "title": "Forged", "source": "x", "format": "markdown",
        "status": "published"})
    assert forged.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(Post).where(Post.title == "Forged")) is None
    fresh = client.post("/admin/posts/new", data={
        "csrf_token": csrf_token(client, "/admin/posts/new"), "title": "Fair", "source": "x",
        "format": "markdown", "status": "draft"})
    assert fresh.status_code == 303


def test_login_starts_a_new_session(app, client, make):
    make.account("owner", "administrator")
    csrf_token(client)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        planted_secret = session["csrf_token"]
    client.post("/admin/login", data={
        "csrf_token": csrf_token(client), "username": "owner", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != planted_secret


def test_session_without_generation_is_signed_out(app, client, auth):
    """Sessions made before generations existed held only the user id."""
    user = auth.login()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert not signed_in(client)


def test_session_with_an_old_generation_is_signed_out(app, client, auth):
    user = auth.login()
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:{user.session_generation}"
        session["_user_id"] = f"{user.id}:{user.session_generation - 1}"
    assert not signed_in(client)

