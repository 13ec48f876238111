"""A forgotten password in a real browser: ask for a link, read it from the mail
a real SMTP server received, choose a new password, sign in with it. And the
profile's forms, saved in place by htmx."""

import re

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import User
from tests.support.browser import PASSWORD, log_in, watch_console
from tests.support.smtp import links, path_of

NEW = "a fresh browser password"



@pytest.fixture
def forgetful(live_app):
    """An author who forgot their password, with an address to mail."""
    with live_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.login == "forgetful"))
        if user is None:
            user = User(login="forgetful", display_name="Forgetful Fay", slug="forgetful",
                        role="author", email="fay@example.org")
            db.session.add(user)
        user.set_password(PASSWORD)
        db.session.commit()
    return "forgetful"


def test_reset_a_password_by_mail(page, live_server, mail_server, forgetful):
    problems = watch_console(page)
    page.goto(live_server + "/admin/login")
    page.click("text=Lost your password?")
    page.wait_for_url(re.compile(r"/admin/password-reset/$"))
    page.fill("#email", "fay@example.org")
    page.click("button[type=submit]")
    page.locator(".notice", has_text="If an account uses that address").wait_for()
    [message] = mail_server.wait_for(1)
    link = next(url for url in links(message) if "/admin/password-reset/" in url)
    page.goto(live_server + path_of(link))
    page.fill("#new_password", NEW)
    page.fill("#confirm", NEW)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/login$"))
    page.locator(".notice", has_text="Your password has been changed").wait_for()
    page.fill("#username", forgetful)
    page.fill("#password", NEW)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_profile_saves_in_place(page, live_server, owner):
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.click("nav.admin-nav >> text=Profile")
    page.wait_for_url(re.compile(r"/admin/profile/$"))
    page.fill("#bio", "Writes about <em>dreams</em>.")
    page.fill("#slug", "admin")
    page.click("#profile-details button[type=submit]")
    page.locator("#slug-error", has_text="reserved").wait_for()
    page.fill("#slug", "owner")
    page.click("#profile-details button[type=submit]")
    page.locator("#profile-details .notice", has_text="Profile saved.").wait_for()
    assert page.url.endswith("/admin/profile/")  # swapped in place, no page load
    page.check("#notify_approved")
    page.click("#profile-notifications button[type=submit]")
    page.locator("#profile-notifications .notice", has_text="Mail settings saved.").wait_for()
    assert page.evaluate("window.__csp") == []
    assert [p for p in problems if "422" not in p] == []  # the refused slug
