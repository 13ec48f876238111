"""Accounts: create-user, login and logout, and who may see /admin."""

import pytest

from tests.support.auth import csrf_token
from tests.support.responses import text


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/"


def test_admin_htmx_request_is_sent_to_login_with_hx_location(client):
    response = client.get("/admin/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Location"].startswith("/admin/login?next=")


def test_login_form_fields(client):
    body = text(client.get("/admin/login"))
    assert 'name="username"' in body and 'name="password"' in body
    assert 'name="csrf_token"' in body


def test_login_and_logout(client, auth):
    auth.login()
    assert "Dashboard" in text(client.get("/admin/"))
    response = auth.logout()
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("username,password", [("owner", "wrong password"),
                                               ("nobody", "correct horse battery")])
def test_login_wrong_credentials_generic_message(client, make, username, password):
    make.account("owner", "administrator")
    response = client.post("/admin/login", data={
        "csrf_token": csrf_token(client), "username": username, "password": password})
    assert response.status_code == 422
    assert "Wrong user name or password." in text(response)
    assert client.get("/admin/").status_code == 302


def test_login_without_csrf_token_is_refused(client, make):
    make.account("owner", "administrator")
    response = client.post("/admin/login", data={"username": "owner",
                                                 "password": "correct horse battery"})
    assert response.status_code == 422
    assert "CSRF token is missing" in text(response)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example", "/%0d%0aX:1"])
def test_login_next_never_leaves_the_site(client, make, target):
    make.account("owner", "administrator")
    response = client.post("/admin/login", query_string={"next": target}, data={
        "csrf_token": csrf_token(client), "username": "owner",
        "password": "correct horse battery"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location


def test_login_next_within_site_is_followed(client, make):
    make.account("owner", "administrator")
    response = client.post("/admin/login?next=/admin/%3Fx%3D1", data={
        "csrf_token": csrf_token(client), "username": "owner",
        "password": "correct horse battery"})
    assert response.headers["Location"] == "/admin/?x=1"


def test_session_cookie_flags(client, make):
    make.account("owner", "administrator")
    response = client.post("/admin/login", data={
        "csrf_token": csrf_token(client), "username": "owner",
        "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = client.post("/admin/login", base_url="https://localhost",
                        headers={"Referer": "https://localhost/admin/login"}, data={
                            "csrf_token": csrf_token(client), "username": "owner",
                            "password": "correct horse battery"})
    assert "Secure" in https.headers["Set-Cookie"]


def test_login_is_rate_limited(database_uri, _migrated):
    from dreamweaver import create_app
    from tests.support.settings import TEST_SETTINGS

    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                      "RATELIMIT_ENABLED": True})
    client = app.test_client()
    statuses = [client.post("/admin/login", data={"username": "x", "password": "y"}).status_code
                for _ in range(12)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]


def test_public_pages_stay_cookie_free_after_admin_exists(client, make):
    make.account("owner", "administrator")
    make.post("Hello")
    response = client.get("/")
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_create_user_cli(runner, app):
    result = runner.invoke(args=["create-user", "writer", "--role", "author", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Created author 'writer'" in result.output
    again = runner.invoke(args=["create-user", "writer", "--role", "admin", "--password-stdin"],
                          input="another long password\n")
    assert "Updated administrator 'writer'" in again.output
    from dreamweaver.extensions import db
    from dreamweaver.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(login="writer").one()
        assert user.role == "administrator" and user.check_password("another long password")
        assert user.password_hash.startswith("scrypt:")


def test_create_user_cli_asks_twice(runner):
    result = runner.invoke(args=["create-user", "typist"], input="password one\npassword two\n"
                           "same password\nsame password\n")
    assert result.exit_code == 0, result.output
    assert "Error: The two entered values do not match." in result.output


def test_create_user_cli_rejects_short_password(runner):
    result = runner.invoke(args=["create-user", "shorty", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "at least 8 characters" in result.output
