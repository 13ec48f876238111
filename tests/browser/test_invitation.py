"""The owner invites an author in the browser; the invitation arrives at a
real SMTP server; its link, followed in another browser, sets a password and
signs the new author in."""

import re

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import User
from tests.support.browser import WCAG, log_in, watch_console
from tests.support.smtp import links


def test_invite_by_email_then_accept_in_the_browser(page, browser, live_app, live_server, owner,
                                                   mail_server):
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.click("nav.admin-nav >> text=People")
    page.wait_for_url(re.compile(r"/admin/users/$"))
    page.click("text=Add New User")
    page.fill("#login", "invitee")
    page.fill("#email", "invitee@example.org")
    page.fill("#display_name", "Ivy Invitee")
    page.select_option("#role", "author")
    page.check("input[name=method][value=invite]")
    page.click("form.user-form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/users/$"))
    page.locator(".admin-notice", has_text="Invitation sent to invitee@example.org.").wait_for()
    row = page.locator("tr", has_text="invitee@example.org")
    assert "Invited, not yet accepted" in row.inner_text()

    (message,) = mail_server.wait_for(1)
    assert message["To"] == "invitee@example.org"
    (link,) = [url for url in links(message) if "/admin/invitation/" in url]
    assert link.startswith(live_server)

    context = browser.new_context()
    try:
        invitee = context.new_page()
        invitee_problems = watch_console(invitee)
        invitee.goto(link)
        assert "Welcome, Ivy Invitee" in invitee.locator("h1").inner_text()
        invitee.fill("#password", "a fresh password")
        invitee.fill("#confirm", "a fresh password")
        invitee.click("button[type=submit]")
        invitee.wait_for_url(re.compile(r"/admin/$"))
        assert "Signed in as Ivy Invitee" in invitee.content()
        # The link was for one use.
        invitee.goto(link)
        assert "already been used" in invitee.content()
        assert invitee.evaluate("window.__csp") == []
        assert [p for p in invitee_problems if "410" not in p] == []
    finally:
        context.close()

    with live_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.login == "invitee"))
        assert user.invited_at is None and user.last_login_at is not None
    page.reload()
    assert "Invited" not in page.locator("tr", has_text="invitee@example.org").inner_text()
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_change_a_role_in_place(page, live_app, live_server, owner):
    with live_app.app_context():
        if db.session.scalar(sa.select(User).where(User.login == "promoted")) is None:
            db.session.add(User(login="promoted", display_name="Pat Promoted", slug="pat-promoted",
                                role="author", password_hash="x"))
            db.session.commit()
        user_id = db.session.scalar(sa.select(User.id).where(User.login == "promoted"))
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/users/")
    page.evaluate("window.__marker = 'same page'")
    page.select_option(f"#role-{user_id}", "editor")
    page.locator(f"#user-{user_id} .role-form button").click()
    page.locator(f"#user-{user_id} .notice", has_text="Pat Promoted is now an editor.").wait_for()
    assert page.evaluate("window.__marker") == "same page"
    with live_app.app_context():
        assert db.session.get(User, user_id).role == "editor"
    assert page.evaluate("window.__csp") == []
    assert problems == []


@pytest.mark.parametrize("path", ["/admin/users/", "/admin/users/new"])
def test_people_pages_have_no_accessibility_violations(page, live_server, owner, axe_source,
                                                       path):
    log_in(page, live_server, owner)
    page.goto(live_server + path)
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []


def test_invited_editor_sets_a_password_then_two_factor_and_signs_in_with_a_code(
        page, browser, live_app, live_server, owner, mail_server):
    """The whole way in for a new person on a site that requires two-factor
    of editors: the invitation mail, a password, the required setup, and a
    later sign-in with password and code."""
    import time

    import pyotp

    before = live_app.config["TWO_FACTOR_REQUIRED_ROLES"]
    live_app.config["TWO_FACTOR_REQUIRED_ROLES"] = ("editor",)
    try:
        log_in(page, live_server, owner)
        page.goto(live_server + "/admin/users/new")
        page.fill("#login", "second-editor")
        page.fill("#email", "second-editor@example.org")
        page.select_option("#role", "editor")
        page.check("input[name=method][value=invite]")
        page.click("form.user-form button[type=submit]")
        page.wait_for_url(re.compile(r"/admin/users/$"))
        message = mail_server.wait_for(1)[-1]
        (link,) = [url for url in links(message) if "/admin/invitation/" in url]

        context = browser.new_context()
        try:
            editor = context.new_page()
            problems = watch_console(editor)
            editor.goto(link)
            editor.fill("#password", "an editor's password")
            editor.fill("#confirm", "an editor's password")
            editor.click("button[type=submit]")
            # Required of editors: set up before anything else in /admin.
            editor.wait_for_url(re.compile(r"/admin/profile/two-factor/$"))
            secret = editor.locator("#two-factor-secret").inner_text().replace(" ", "")
            editor.fill("#code", pyotp.TOTP(secret).now())
            editor.click("text=Turn on two-factor sign-in")
            editor.locator("#recovery-codes-title").wait_for()
            editor.goto(live_server + "/admin/")
            editor.click("text=Log out")
            editor.wait_for_url(re.compile(r"/admin/login$"))

            editor.goto(live_server + "/admin/")
            editor.fill("#username", "second-editor")
            editor.fill("#password", "an editor's password")
            editor.click("button[type=submit]")
            editor.wait_for_url(re.compile(r"/admin/login/two-factor$"))
            editor.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
            editor.click("button[type=submit]")
            editor.wait_for_url(re.compile(r"/admin/$"))
            assert editor.locator(".signed-in").inner_text() == "second-editor"
            assert editor.evaluate("window.__csp") == []
            assert problems == []
        finally:
            context.close()
    finally:
        live_app.config["TWO_FACTOR_REQUIRED_ROLES"] = before
