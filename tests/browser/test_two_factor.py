"""Two-factor sign-in in a real browser: set it up by reading the key off the
page (as a person types it into an app), log out, and sign in with the
password and a code; with JavaScript and without."""

import re
import time

import pyotp
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import TwoFactor, User
from tests.support.browser import PASSWORD, WCAG, watch_console


def account(live_app, login):
    """An author of the live site, made for this test alone."""
    with live_app.app_context():
        user = User(login=login, display_name=login.title(), slug=login, role="author")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


def password_step(page, live_server, login):
    page.goto(live_server + "/admin/")
    page.wait_for_url(re.compile(r"/admin/login\?next="))
    page.fill("#username", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def enrol(page, live_server):
    page.goto(live_server + "/admin/profile/two-factor/")
    assert page.locator("figure.qr svg").is_visible()
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    code = pyotp.TOTP(secret).now()
    page.fill("#code", code)
    page.click("text=Turn on two-factor sign-in")
    page.locator("#recovery-codes-title").wait_for()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    return secret, code, codes


def accessibility_violations(page, axe_source) -> list:
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_enrol_log_out_and_sign_in_with_a_code(page, live_app, live_server, axe_source):
    problems = watch_console(page)
    user_id = account(live_app, "twofactor-js")
    password_step(page, live_server, "twofactor-js")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(live_server + "/admin/profile/two-factor/")
    assert accessibility_violations(page, axe_source) == []
    secret, used, _ = enrol(page, live_server)
    assert accessibility_violations(page, axe_source) == []
    with live_app.app_context():
        assert db.session.get(TwoFactor, user_id) is not None
    page.click("text=Log out")
    page.wait_for_url(re.compile(r"/admin/login$"))

    password_step(page, live_server, "twofactor-js")
    page.wait_for_url(re.compile(r"/admin/login/two-factor$"))
    assert accessibility_violations(page, axe_source) == []
    # The code just used to set it up is spent; the app's next one is good.
    page.fill("#code", used)
    page.click("button[type=submit]")
    page.locator(".field-error", has_text="not right").wait_for()
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.locator(".signed-in").inner_text() == "Twofactor-Js"
    assert page.evaluate("window.__csp") == []
    # The one refused code is the only error the console saw (its 422).
    assert [p for p in problems if "status of 422" not in p] == [], problems


def test_sign_in_with_a_recovery_code_without_javascript(browser, live_app, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    user_id = account(live_app, "twofactor-nojs")
    password_step(page, live_server, "twofactor-nojs")
    page.wait_for_url(re.compile(r"/admin/$"))
    _, _, codes = enrol(page, live_server)
    page.click("text=Log out")
    page.wait_for_url(re.compile(r"/admin/login$"))
    password_step(page, live_server, "twofactor-nojs")
    page.wait_for_url(re.compile(r"/admin/login/two-factor$"))
    page.fill("#code", codes[0])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    with live_app.app_context():
        left = db.session.scalar(sa.text("SELECT count(*) FROM recovery_codes WHERE user_id = :id"),
                                 {"id": user_id})
    assert left == 9
    context.close()
