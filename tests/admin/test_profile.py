"""The profile (/admin/profile/): name, author page address and bio; the email
address, changed only from a link mailed to the new one; the password; mail
settings. Every form works as a plain post (303) and with htmx (its section),
and refuses bad input with 422 and a message, storing nothing."""

import time

import pytest
import sqlalchemy as sa

from dreamweaver import tokens
from dreamweaver.extensions import db
from dreamweaver.models import OutboxMessage, User
from tests.support.admin_forms import HTMX
from tests.support.auth import Auth, csrf_token
from tests.support.responses import section, text
from tests.support.smtp import html_of, links, path_of, text_of

PROFILE = "/admin/profile/"
PASSWORD = "correct horse battery"


def user_row(app, login="owner") -> User:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.login == login))
        db.session.expunge(user)
        return user


def set_email(app, login, address):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.login == login).values(email=address))
        db.session.commit()


def post(client, path, htmx=False, **fields):
    data = {"csrf_token": csrf_token(client, PROFILE), **fields}
    return client.post(f"{PROFILE}{path}", data=data, headers=HTMX if htmx else {})


def details(client, htmx=False, **fields):
    values = {"display_name": "Owen Owner", "slug": "owen", "bio": "", **fields}
    return post(client, "details", htmx=htmx, **values)


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def outbox(app):
    with app.app_context():
        return [(row.kind, row.to_address) for row in
                db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


# The page ----------------------------------------------------------------------

def test_profile_needs_sign_in(client):
    response = client.get(PROFILE)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["administrator", "editor", "author"])
def test_profile_is_everyones(client, auth, role):
    auth.login("someone", role)
    response = client.get(PROFILE)
    assert response.status_code == 200
    html = text(response)
    for form in ("profile-details", "profile-email", "profile-password",
                 "profile-notifications"):
        assert f'id="{form}"' in html
    assert 'action="/admin/sign-out-everywhere"' in html
    assert 'value="Someone"' in html and 'value="someone"' in html


def test_profile_is_a_whole_page_for_htmx_too(client, auth):
    auth.login()
    for headers in (HTMX, {**HTMX, "HX-Boosted": "true"},
                    {**HTMX, "HX-History-Restore-Request": "true"}):
        html = text(client.get(PROFILE, headers=headers))
        assert "<html" in html and 'id="profile-notifications"' in html


def test_profile_linked_from_the_admin_header(client, auth):
    auth.login("writer", "author")
    html = text(client.get("/admin/"))
    assert 'href="/admin/profile/"' in html


def test_the_profile_links_to_two_factor_setup(app, client, auth):
    auth.login()
    assert 'href="/admin/profile/two-factor/"' in text(client.get(PROFILE))


# Name, address, bio ---------------------------------------------------------------

def test_details_saved_plain_post_redirects(app, client, auth, make):
    auth.login()
    response = details(client, display_name="Owen Owner", slug="Owen Öwner!", bio="Hello *there*")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/profile/#profile-details")
    user = user_row(app)
    assert (user.display_name, user.slug) == ("Owen Owner", "owen-owner")
    assert user.bio == "<p>Hello *there*</p>"
    assert "Profile saved." in text(client.get(PROFILE))


def test_details_saved_htmx_returns_the_section(app, client, auth):
    auth.login()
    response = details(client, htmx=True, display_name="New Name")
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<section id="profile-details"')
    assert "Profile saved." in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert user_row(app).display_name == "New Name"


def test_byline_and_author_page_follow_the_profile(app, client, auth, make):
    owner = auth.login()
    make.post("Mine", author=owner)
    details(client, display_name="Dr. Owen", slug="dr-owen",
            bio='I <em>write</em>.<script>alert(1)</script> <a href="javascript:x()">x</a>')
    auth.logout()
    page = client.get("/author/dr-owen/")
    assert page.status_code == 200
    html = text(page)
    assert "Author: Dr. Owen" in html
    assert "I <em>write</em>." in html and "<script>" not in html and "javascript:" not in html
    assert client.get("/author/owner/").status_code == 404
    assert "Dr. Owen" in text(client.get("/"))  # the byline


def test_bio_stored_clean_and_shown_as_typed_in_the_form(app, client, auth):
    auth.login()
    details(client, bio='First <b>bold</b> <img src=x onerror=alert(1)>\n\nSecond')
    assert user_row(app).bio == "<p>First <b>bold</b> </p>\n<p>Second</p>"
    form = section(client.get(PROFILE), "profile-details")
    assert "First &lt;b&gt;bold&lt;/b&gt;" in form and "&lt;p&gt;" not in form


@pytest.mark.parametrize("fields, field, message", [
    ({"display_name": ""}, "display_name", "Enter the name readers see"),
    ({"display_name": "Bad\x07Name"}, "display_name", "invisible control characters"),
    ({"display_name": "Two\nLines"}, "display_name", "invisible control characters"),
    ({"display_name": "x" * 251}, "display_name", "250 characters or fewer"),
    ({"slug": ""}, "slug", "Enter the last part"),
    ({"slug": "!!!"}, "slug", "Use letters or digits"),
    ({"slug": "admin"}, "slug", "reserved"),
    ({"slug": "Feed"}, "slug", "reserved"),
    ({"slug": "2024"}, "slug", "reserved"),
    ({"slug": "x" * 201}, "slug", "200 characters or fewer"),
    ({"bio": "x" * 2001}, "bio", "2,000 characters or fewer"),
    ({"bio": "null\x00byte"}, "bio", "invisible control characters"),
])
def test_details_refused(app, client, auth, fields, field, message):
    auth.login()
    before = user_row(app)
    for htmx in (False, True):
        response = details(client, htmx=htmx, **fields)
        assert response.status_code == 422
        html = text(response)
        assert message in html
        assert f'id="{field}-error"' in html and 'aria-invalid="true"' in html
    after = user_row(app)
    assert (after.display_name, after.slug, after.bio) == (before.display_name, before.slug,
                                                           before.bio)


def test_slug_of_another_author_refused(app, client, auth, make):
    make.account("taken", "author")
    auth.login()
    response = details(client, slug="Taken")
    assert response.status_code == 422
    assert "is taken by another author" in text(response)
    assert user_row(app).slug == "owner"


def test_details_need_the_session_csrf_token(app, client, auth):
    auth.login()
    response = client.post(f"{PROFILE}details", data={"display_name": "X", "slug": "x"})
    assert response.status_code in (400, 422)
    assert user_row(app).display_name == "Owner"


def test_author_page_changes_at_once_with_a_real_cache(cached_app, make):
    owner = make.account("owner", "administrator")
    make.post("Cached post", author=owner)
    reader = cached_app.test_client()
    assert "Old words" not in text(reader.get("/author/owner/"))
    assert reader.get("/author/owner/").headers.get("X-Cache") == "hit"
    writer = cached_app.test_client()
    Auth(writer, make).login()
    response = details(writer, display_name="Renamed Owner", slug="owner", bio="Old words")
    assert response.status_code == 303
    page = text(reader.get("/author/owner/"))
    assert "Old words" in page and "Renamed Owner" in page
    assert "Renamed Owner" in text(reader.get("/"))


# Mail settings -----------------------------------------------------------------

def test_notify_approved_checkbox(app, client, auth):
    auth.login()
    assert user_row(app).notify_approved is False
    assert post(client, "notifications", notify_approved="y").status_code == 303
    assert user_row(app).notify_approved is True
    assert "checked" in section(client.get(PROFILE), "profile-notifications")
    response = post(client, "notifications", htmx=True)
    assert response.status_code == 200 and "Mail settings saved." in text(response)
    assert user_row(app).notify_approved is False


# Password ------------------------------------------------------------------------

def change_password(client, htmx=False, **fields):
    values = {"current_password": PASSWORD, "new_password": "a new password",
              "confirm": "a new password", **fields}
    return post(client, "password", htmx=htmx, **values)


def test_password_change_ends_other_sessions_keeps_this_one(app, client, auth):
    auth.login()
    other = app.test_client()
    other.post("/admin/login", data={"csrf_token": csrf_token(other), "username": "owner",
                                     "password": PASSWORD})
    assert signed_in(other)
    response = change_password(client)
    assert response.status_code == 303
    assert signed_in(client)
    assert not signed_in(other)
    assert "Password changed." in text(client.get(PROFILE))
    fresh = app.test_client()
    assert fresh.post("/admin/login", data={"csrf_token": csrf_token(fresh),
                                            "username": "owner", "password": PASSWORD}
                      ).status_code == 422
    assert fresh.post("/admin/login", data={"csrf_token": csrf_token(fresh),
                                            "username": "owner", "password": "a new password"}
                      ).status_code == 303


def test_password_change_with_htmx_reloads_the_page(client, auth):
    auth.login()
    response = change_password(client, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].endswith("/admin/profile/#profile-password")
    assert signed_in(client)


@pytest.mark.parametrize("fields, message", [
    ({"current_password": "wrong one"}, "not your current password"),
    ({"current_password": ""}, "Enter your current password"),
    ({"new_password": "short", "confirm": "short"}, "at least 8 characters"),
    ({"confirm": "something else"}, "The two passwords differ"),
    ({"new_password": "x" * 1025, "confirm": "x" * 1025}, "1,024 characters or fewer"),
])
def test_password_change_refused(app, client, auth, fields, message):
    auth.login()
    generation = user_row(app).session_generation
    response = change_password(client, **fields)
    assert response.status_code == 422 and message in text(response)
    assert user_row(app).session_generation == generation
    assert signed_in(client)


def test_sign_out_everywhere_from_the_profile(app, client, auth):
    auth.login()
    other = app.test_client()
    other.post("/admin/login", data={"csrf_token": csrf_token(other), "username": "owner",
                                     "password": PASSWORD})
    html = text(client.get(PROFILE))
    assert "Sign out everywhere else" in html
    client.post("/admin/sign-out-everywhere", data={"csrf_token": csrf_token(client, PROFILE)})
    assert signed_in(client) and not signed_in(other)


# Email ---------------------------------------------------------------------------

def change_email(client, address, htmx=False, password=PASSWORD):
    return post(client, "email", htmx=htmx, email=address, password=password)


def test_email_change_confirmed_by_the_link_sent_to_the_new_address(app, client, auth, smtp):
    auth.login()
    set_email(app, "owner", "old@example.org")
    response = change_email(client, "New@Example.ORG")
    assert response.status_code == 303
    assert "We sent a link to New@example.org" in text(client.get(PROFILE))
    assert user_row(app).email == "old@example.org"  # not before the link is followed
    smtp.wait_for(2)
    [confirm] = smtp.to("New@example.org")
    [notice] = smtp.to("old@example.org")
    assert confirm["Subject"] == "Confirm your new email address"
    assert "New@example.org" in text_of(notice) and "/admin/profile/email/" not in text_of(notice)
    link = next(url for url in links(confirm) if "/admin/profile/email/" in url)
    assert link in html_of(confirm)
    followed = client.get(path_of(link))
    assert followed.status_code == 303 and followed.headers["Location"].endswith("/admin/profile/")
    assert followed.headers["Referrer-Policy"] == "no-referrer"
    assert user_row(app).email == "New@example.org"
    assert "Your email address is now New@example.org." in text(client.get(PROFILE))
    again = client.get(path_of(link))
    assert again.status_code == 400 and "already been used" in text(again)


def test_email_link_works_signed_out(app, client, auth, smtp):
    auth.login()
    change_email(client, "elsewhere@example.org")
    [message] = smtp.wait_for(1)
    auth.logout()
    browser = app.test_client()
    response = browser.get(path_of(links(message)[0]))
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/login")
    assert user_row(app).email == "elsewhere@example.org"
    assert "Your email address is now" in text(browser.get("/admin/login"))


def test_email_change_with_htmx_returns_the_section(app, client, auth, smtp):
    auth.login()
    response = change_email(client, "htmx@example.org", htmx=True)
    assert response.status_code == 200
    assert section(response, "profile-email").count("We sent a link to htmx@example.org")
    smtp.wait_for(1)


@pytest.mark.parametrize("address, message", [
    ("a@b.org\r\nBcc: x@y.org", "valid email address"),
    ("a@b.org\nBcc: x@y.org", "valid email address"),
    ("not an address", "valid email address"),
    ("a\x00@b.org", "valid email address"),
    ("x" * 250 + "@b.org", "valid email address"),
    ("", "Enter the new address"),
])
def test_email_change_refused_bad_addresses(app, client, auth, smtp, address, message):
    auth.login()
    response = change_email(client, address)
    assert response.status_code == 422 and message in text(response)
    assert outbox(app) == [] and smtp.messages == []


def test_email_change_needs_the_current_password(app, client, auth):
    auth.login()
    response = change_email(client, "new@example.org", password="guess")
    assert response.status_code == 422 and "not your current password" in text(response)
    assert outbox(app) == []


def test_email_change_to_an_address_another_account_has_refused(app, client, auth, make):
    make.account("other", "author")
    set_email(app, "other", "taken@example.org")
    auth.login()
    response = change_email(client, "TAKEN@example.org")
    assert response.status_code == 422 and "Another account uses that address" in text(response)
    assert outbox(app) == []


def test_email_taken_between_request_and_link_refused(app, client, auth, make, smtp):
    make.account("other", "author")
    auth.login()
    change_email(client, "wanted@example.org")
    [message] = smtp.wait_for(1)
    set_email(app, "other", "wanted@example.org")
    response = client.get(path_of(links(message)[0]))
    assert response.status_code == 409 and "Another account now uses that address" in text(
        response)
    assert user_row(app).email == ""


def email_token(app, user_id, address, state):
    with app.test_request_context():
        return tokens.issue("email-change", f"{user_id}:{address}", state=state)


def test_expired_email_link_refused(app, client, auth, monkeypatch):
    owner = auth.login()
    token = email_token(app, owner.id, "late@example.org", "")
    monkeypatch.setattr("dreamweaver.admin.account_links.EMAIL_CHANGE_AGE", 0)
    time.sleep(1.1)
    response = client.get(f"{PROFILE}email/{token}")
    assert response.status_code == 400 and "expired" in text(response)
    assert user_row(app).email == ""


def test_email_link_for_another_user_refused(app, client, auth, make):
    other = make.account("other", "author")
    set_email(app, "other", "other@example.org")
    auth.login()
    # A link made for the other account (while signed in as the owner) changes nothing.
    token = email_token(app, other.id, "mine@example.org", "other@example.org")
    response = client.get(f"{PROFILE}email/{token}")
    assert response.status_code == 400 and "another account" in text(response)
    # A token naming the other account but bound to this one's state is refused too.
    forged = email_token(app, other.id, "mine@example.org", "")
    auth.logout()
    assert client.get(f"{PROFILE}email/{forged}").status_code == 400
    assert user_row(app, "other").email == "other@example.org"


@pytest.mark.parametrize("token", ["nonsense", "x" * 2000, "a.b.c"])
def test_broken_email_links_refused(client, token):
    response = client.get(f"{PROFILE}email/{token}")
    assert response.status_code == 400 and "not valid" in text(response)


def test_a_password_reset_token_is_no_email_link(app, client, auth):
    owner = auth.login()
    with app.test_request_context():
        token = tokens.issue("password-reset", f"{owner.id}:evil@example.org", state="")
    assert client.get(f"{PROFILE}email/{token}").status_code == 400
    assert user_row(app).email == ""
