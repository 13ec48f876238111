"""Two-factor sign-in: real TOTP codes (pyotp computes them as an app would),
codes never accepted twice, recovery codes used once, the pending sign-in that
expires, the secret sealed at rest, roles that must have it, and an
administrator turning it off for someone who lost their phone."""

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from dreamweaver import create_app
from dreamweaver.admin.two_factor import PENDING, TIMED_OUT, WRONG_CODE
from dreamweaver.extensions import db
from dreamweaver.models import ROLES, RecoveryCode, TwoFactor, User
from dreamweaver.sealed import Unsealable, seal, unseal
from dreamweaver.security import CONTENT_SECURITY_POLICY
from dreamweaver.two_factor import SECRET_PURPOSE, turn_on
from tests.support.auth import csrf_token
from tests.support.responses import text
from tests.support.settings import TEST_SETTINGS

PASSWORD = "correct horse battery"
# The administrator's role, before and after its rename from "admin".
ADMIN = "administrator" if "administrator" in ROLES else "admin"
PAGE = "/admin/profile/two-factor/"
SECOND_STEP = "/admin/login/two-factor"


def signed_in(client) -> bool:
    response = client.get("/admin/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def with_two_factor(app, make, login="owner", role=ADMIN) -> tuple[str, list[str]]:
    """An account with two-factor on (set up long ago): its secret and recovery codes."""
    user = make.account(login, role)
    secret = pyotp.random_base32()
    with app.app_context():
        codes = turn_on(db.session.get(User, user.id), secret, step=0)
        db.session.commit()
    return secret, codes


def password_step(client, login="owner", next_=None):
    url = "/admin/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"csrf_token": csrf_token(client), "username": login,
                                  "password": PASSWORD})


def code_step(client, code, token=None):
    token = token or csrf_token(client, SECOND_STEP)
    return client.post(SECOND_STEP, data={"csrf_token": token, "code": code})


def sign_in(app, login, code):
    """A fresh browser through both steps; the second step's response."""
    browser = app.test_client()
    assert password_step(browser, login).status_code == 303
    return browser, code_step(browser, code)


def enrolment(client):
    """The setup page's secret (as the page shows it) and its sealed form field."""
    body = text(client.get(PAGE))
    secret = re.search(r'id="two-factor-secret"[^>]*>([A-Z2-7 ]+)<', body).group(1)
    sealed = re.search(r'name="secret"[^>]*value="([^"]+)"', body)
    sealed = sealed or re.search(r'value="([^"]+)"[^>]*name="secret"', body)
    return secret.replace(" ", ""), sealed.group(1), body


def enrol(client):
    """Turn two-factor on through the page; the secret and the page showing the codes."""
    secret, sealed, body = enrolment(client)
    response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "secret": sealed,
                                       "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, text(response)[:800]
    return secret, text(response)


def codes_on(body) -> list[str]:
    listing = body[body.index('class="recovery-codes"'):]
    listing = listing[:listing.index("</ol>")]
    return re.findall(r"<code>([a-z0-9-]+)</code>", listing)


# Sealing


def test_sealed_values_open_only_for_their_purpose_and_key(app):
    with app.app_context():
        sealed = seal("a purpose", b"the private thing")
        assert b"the private thing" not in sealed.encode()
        assert unseal("a purpose", sealed) == b"the private thing"
        assert seal("a purpose", b"the private thing") != sealed  # a fresh IV each time
        with pytest.raises(Unsealable):
            unseal("another purpose", sealed)
        tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
        with pytest.raises(Unsealable):
            unseal("a purpose", tampered)
        with pytest.raises(Unsealable):
            unseal("a purpose", "not a sealed value at all é")
    other = create_app({**TEST_SETTINGS, "SECRET_KEY": "another-secret-key"})
    with other.app_context(), pytest.raises(Unsealable):
        unseal("a purpose", sealed)


def test_sealed_values_can_expire(app):
    from dreamweaver.sealed import _for

    with app.app_context():
        old = _for("p").encrypt_at_time(b"x", int(time.time()) - 3600).decode()
        assert unseal("p", old) == b"x"
        assert unseal("p", old, max_age=3700) == b"x"
        with pytest.raises(Unsealable):
            unseal("p", old, max_age=3500)


# Setting it up


def test_setup_page_shows_a_server_made_qr_code_the_key_and_the_uri(app, client, auth):
    auth.login("owner", ADMIN)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    secret, _, body = enrolment(client)
    assert len(secret) == 32
    svg = body[body.index("<svg"):body.index("</svg>")]
    assert "<path" in svg and 'class="qr-code"' in svg
    # Nothing the CSP would refuse or that leaves the site: no style, no script, no URL.
    assert "style" not in svg and "<script" not in svg and "http" not in svg
    uri = re.search(r'<code class="otpauth-uri">([^<]+)</code>', body).group(1)
    uri = uri.replace("&amp;", "&")
    issuer = app.config["SITE_TITLE"].replace(" ", "%20")
    assert uri == f"otpauth://totp/{issuer}:owner?secret={secret}&issuer={issuer}"
    # Each visit a new secret: nothing is stored until a code confirms it.
    assert enrolment(client)[0] != secret
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TwoFactor)) == 0


def test_setup_turns_on_with_a_right_code_and_shows_ten_codes_once(app, client, auth):
    auth.login("owner", ADMIN)
    phone = app.test_client()
    assert password_step(phone).status_code == 303 and signed_in(phone)
    secret, body = enrol(client)
    codes = codes_on(body)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", code) for code in codes)
    assert "Two-factor sign-in is on" in body
    # Turning it on ended the other sessions; this browser goes on.
    assert not signed_in(phone)
    assert signed_in(client)
    page = text(client.get(PAGE))
    assert "10 unused recovery codes left" in page
    assert not any(code in page for code in codes)  # shown once
    with app.app_context():
        stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not {c.replace("-", "") for c in codes} & set(stored)


def test_secret_is_not_stored_in_clear(app, client, auth):
    auth.login("owner", ADMIN)
    secret, _ = enrol(client)
    with app.app_context():
        raw = db.session.execute(sa.text("SELECT secret FROM two_factor")).scalar_one()
        assert secret not in raw and secret.lower() not in raw.lower()
        assert unseal(SECRET_PURPOSE, raw).decode() == secret


def test_setup_with_a_wrong_code_stores_nothing(app, client, auth):
    auth.login("owner", ADMIN)
    secret, sealed, _ = enrolment(client)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1000000:06d}"
    response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "secret": sealed,
                                       "code": wrong})
    assert response.status_code == 422
    assert WRONG_CODE in text(response)
    assert secret == enrolment_secret_shown(text(response))  # the same key, to try again
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TwoFactor)) == 0


def enrolment_secret_shown(body) -> str:
    return re.search(r'id="two-factor-secret"[^>]*>([A-Z2-7 ]+)<', body).group(1).replace(" ", "")


def test_setup_refuses_a_secret_the_browser_chose(app, client, auth):
    """The key must be one the page sealed for this account: a chosen one (or
    another account's page) is refused, with a new key to scan."""
    user = auth.login("owner", ADMIN)
    chosen = pyotp.random_base32()
    with app.app_context():
        someone_elses = seal(f"two-factor enrolment {user.id + 1}", chosen.encode())
    for sealed in (chosen, someone_elses):
        response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE),
                                           "secret": sealed, "code": pyotp.TOTP(chosen).now()})
        assert response.status_code == 422
        assert "open too long" in text(response)
        assert enrolment_secret_shown(text(response)) != chosen
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TwoFactor)) == 0


def test_setup_needs_the_csrf_token(app, client, auth):
    auth.login("owner", ADMIN)
    secret, sealed, _ = enrolment(client)
    response = client.post(PAGE, data={"secret": sealed, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TwoFactor)) == 0


# Signing in


def test_password_alone_does_not_sign_in(app, make):
    with_two_factor(app, make)
    browser = app.test_client()
    response = password_step(browser, next_="/admin/posts/")
    assert response.status_code == 303
    assert response.headers["Location"] == SECOND_STEP
    assert not signed_in(browser)
    page = browser.get(SECOND_STEP)
    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="code"', text(page))
    assert 'autocomplete="one-time-code"' in text(page)


def test_password_and_code_sign_in_and_go_where_asked(app, make):
    secret, _ = with_two_factor(app, make)
    browser = app.test_client()
    password_step(browser, next_="/admin/posts/")
    response = code_step(browser, pyotp.TOTP(secret).now())
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/posts/"
    assert signed_in(browser)
    with browser.session_transaction() as session:
        assert PENDING not in session


def test_a_wrong_code_is_refused_with_a_message(app, make):
    secret, _ = with_two_factor(app, make)
    right = pyotp.TOTP(secret).now()
    for wrong in (f"{(int(right) + 1) % 1000000:06d}", "12345", "abcdef", "1" * 64):
        browser, response = sign_in(app, "owner", wrong)
        assert response.status_code == 422
        assert WRONG_CODE in text(response) or "longer than any code" in text(response)
        assert not signed_in(browser)
    browser, response = sign_in(app, "owner", "")
    assert response.status_code == 422 and "Enter the 6-digit code" in text(response)


def test_a_code_is_accepted_once(app, make):
    secret, _ = with_two_factor(app, make)
    code = pyotp.TOTP(secret).now()
    _, first = sign_in(app, "owner", code)
    assert first.status_code == 303
    thief, again = sign_in(app, "owner", code)
    assert again.status_code == 422
    assert not signed_in(thief)


def test_an_earlier_code_than_the_last_used_is_refused(app, make):
    secret, _ = with_two_factor(app, make)
    totp, now = pyotp.TOTP(secret), time.time()
    assert sign_in(app, "owner", totp.at(now))[1].status_code == 303
    assert sign_in(app, "owner", totp.at(now - 30))[1].status_code == 422


def time_with_room(seconds=8) -> float:
    """Now, at least `seconds` before the next 30-second step begins: codes made
    for steps around now still mean the same steps when the server checks them."""
    if time.time() % 30 > 30 - seconds:
        time.sleep(30 - time.time() % 30 + 0.1)
    return time.time()


def test_codes_one_step_either_side_pass_and_older_ones_do_not(app, make):
    secret, _ = with_two_factor(app, make)
    browsers = [app.test_client() for _ in range(4)]
    tokens = []
    for browser in browsers:
        password_step(browser)
        tokens.append(csrf_token(browser, SECOND_STEP))
    totp, now = pyotp.TOTP(secret), time_with_room()
    statuses = [code_step(browser, totp.at(now + offset), token).status_code
                for browser, token, offset in zip(browsers, tokens, (-90, 90, -30, 30),
                                                  strict=True)]
    assert statuses == [422, 422, 303, 303]


def test_a_recovery_code_signs_in_once(app, make):
    _, codes = with_two_factor(app, make)
    browser, response = sign_in(app, "owner", codes[3].upper().replace("-", " "))
    assert response.status_code == 303 and signed_in(browser)
    assert "9 unused recovery codes left" in text(browser.get(PAGE))
    thief, again = sign_in(app, "owner", codes[3])
    assert again.status_code == 422 and not signed_in(thief)
    assert sign_in(app, "owner", codes[4])[1].status_code == 303


def test_another_accounts_recovery_code_does_not_sign_in(app, make):
    with_two_factor(app, make, "owner")
    _, theirs = with_two_factor(app, make, "walker", "author")
    assert sign_in(app, "owner", theirs[0])[1].status_code == 422


def test_the_pending_sign_in_expires_after_five_minutes(app, make):
    secret, _ = with_two_factor(app, make)
    browser = app.test_client()
    password_step(browser)
    token = csrf_token(browser, SECOND_STEP)
    with browser.session_transaction() as session:
        marker = session[PENDING]
        assert time.time() + 290 < marker["until"] <= time.time() + 300
        session[PENDING] = {**marker, "until": int(time.time()) - 1}
    response = code_step(browser, pyotp.TOTP(secret).now(), token)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login"
    assert not signed_in(browser)
    login_page = browser.get("/admin/login")
    assert TIMED_OUT in text(login_page)
    # The code was not spent: it still signs in through the password again.
    assert sign_in(app, "owner", pyotp.TOTP(secret).now())[1].status_code == 303


def test_the_second_step_needs_the_password_first(app, make):
    secret, _ = with_two_factor(app, make)
    browser = app.test_client()
    assert browser.get(SECOND_STEP).status_code == 303
    response = browser.post(SECOND_STEP, data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/login"
    assert not signed_in(browser)


def test_ending_the_sessions_ends_a_pending_sign_in(app, make):
    secret, _ = with_two_factor(app, make)
    browser = app.test_client()
    password_step(browser)
    token = csrf_token(browser, SECOND_STEP)
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.login == "owner")).end_sessions()
        db.session.commit()
    response = code_step(browser, pyotp.TOTP(secret).now(), token)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/login"


def test_the_second_step_needs_the_csrf_token(app, make):
    secret, _ = with_two_factor(app, make)
    browser = app.test_client()
    password_step(browser)
    response = browser.post(SECOND_STEP, data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 422
    assert not signed_in(browser)
    # The refused attempt spent nothing.
    assert code_step(browser, pyotp.TOTP(secret).now()).status_code == 303


def test_an_account_without_two_factor_signs_in_with_the_password(app, make):
    make.account("owner", ADMIN)
    browser = app.test_client()
    assert password_step(browser).headers["Location"] == "/admin/"
    assert signed_in(browser)


def test_another_secret_key_cannot_unseal_but_recovery_codes_still_work(app, make,
                                                                        database_uri):
    secret, codes = with_two_factor(app, make)
    moved = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                        "SECRET_KEY": "a-new-secret-key",
                        "MEDIA_STORAGE_URL": app.config["MEDIA_STORAGE_URL"]})
    with moved.app_context():
        raw = db.session.execute(sa.text("SELECT secret FROM two_factor")).scalar_one()
        with pytest.raises(Unsealable):
            unseal(SECRET_PURPOSE, raw)
    browser, response = sign_in(moved, "owner", pyotp.TOTP(secret).now())
    assert response.status_code == 422 and not signed_in(browser)
    browser, response = sign_in(moved, "owner", codes[0])
    assert response.status_code == 303 and signed_in(browser)
    with moved.app_context():
        db.engine.dispose()


def test_second_step_is_rate_limited_per_account(app, make, database_uri):
    secret, _ = with_two_factor(app, make)
    limited = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                          "RATELIMIT_ENABLED": True,
                          "MEDIA_STORAGE_URL": app.config["MEDIA_STORAGE_URL"]})
    browser = limited.test_client()
    password_step(browser)
    token = csrf_token(browser, SECOND_STEP)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1000000:06d}"
    statuses = [code_step(browser, wrong, token).status_code for _ in range(11)]
    assert statuses == [422] * 10 + [429]
    # From another address, the same account's attempts are still counted.
    other = limited.test_client()
    other.post("/admin/login", data={"csrf_token": csrf_token(other), "username": "owner",
                                     "password": PASSWORD},
               environ_base={"REMOTE_ADDR": "127.0.0.2"})
    response = other.post(SECOND_STEP, data={"code": wrong}, environ_base={"REMOTE_ADDR":
                                                                           "127.0.0.3"})
    assert response.status_code == 429
    with limited.app_context():
        db.engine.dispose()


# Turning it off, new recovery codes


def test_turning_off_needs_the_password_and_ends_other_sessions(app, client, auth):
    auth.login("owner", ADMIN)
    secret, _ = enrol(client)
    phone, response = sign_in(app, "owner", pyotp.TOTP(secret).at(time.time() + 30))
    assert response.status_code == 303
    wrong = client.post("/admin/profile/two-factor/off",
                        data={"csrf_token": csrf_token(client, PAGE), "off-password": "nope"})
    assert wrong.status_code == 422 and "That is not your password." in text(wrong)
    no_token = client.post("/admin/profile/two-factor/off", data={"off-password": PASSWORD})
    assert no_token.status_code == 400
    assert signed_in(phone)
    response = client.post("/admin/profile/two-factor/off",
                           data={"csrf_token": csrf_token(client, PAGE), "off-password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    assert "Two-factor sign-in is off" in text(client.get(PAGE))
    assert not signed_in(phone) and signed_in(client)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TwoFactor)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert password_step(app.test_client()).headers["Location"] == "/admin/"


def test_password_checks_are_rate_limited(app, make, database_uri):
    _, codes = with_two_factor(app, make)
    limited = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                          "RATELIMIT_ENABLED": True,
                          "MEDIA_STORAGE_URL": app.config["MEDIA_STORAGE_URL"]})
    browser, response = sign_in(limited, "owner", codes[0])
    assert response.status_code == 303
    for url, field in (("/admin/profile/two-factor/off", "off-password"),
                       ("/admin/profile/two-factor/recovery-codes", "codes-password")):
        token = csrf_token(browser, PAGE)
        statuses = [browser.post(url, data={"csrf_token": token, field: "wrong"}).status_code
                    for _ in range(11)]
        assert statuses == [422] * 10 + [429], url
    with limited.app_context():
        db.engine.dispose()


def test_new_recovery_codes_replace_the_old_ones(app, client, auth):
    auth.login("owner", ADMIN)
    _, body = enrol(client)
    old = codes_on(body)
    wrong = client.post("/admin/profile/two-factor/recovery-codes",
                        data={"csrf_token": csrf_token(client, PAGE), "codes-password": "nope"})
    assert wrong.status_code == 422
    response = client.post("/admin/profile/two-factor/recovery-codes",
                           data={"csrf_token": csrf_token(client, PAGE),
                                 "codes-password": PASSWORD})
    assert response.status_code == 200
    new = codes_on(text(response))
    assert len(new) == 10 and not set(new) & set(old)
    assert sign_in(app, "owner", old[0])[1].status_code == 422
    assert sign_in(app, "owner", new[0])[1].status_code == 303


def test_setup_page_answers_htmx_with_the_panel(app, client, auth):
    auth.login("owner", ADMIN)
    response = client.get(PAGE, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert body.lstrip().startswith("<title>") and 'id="two-factor"' in body
    assert "<html" not in body


# Required for some roles


@pytest.mark.parametrize("role_name", ["admin", "administrator"])
def test_required_roles_set_it_up_before_anything_else(app, client, auth, role_name):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = (role_name,)
    auth.login("owner", ADMIN)
    for url in ("/admin/", "/admin/posts/", "/admin/comments/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == PAGE
    response = client.get("/admin/posts/", headers={"HX-Request": "true"})
    assert response.headers["HX-Location"] == PAGE
    response = client.post("/admin/sign-out-everywhere",
                           data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Your role must sign in with two-factor" in text(page)
    enrol(client)
    assert client.get("/admin/").status_code == 200


def test_roles_not_required_go_on_without_it(app, client, auth):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = (ADMIN,)
    auth.login("walker", "author")
    assert client.get("/admin/").status_code == 200
    assert "Your role must" not in text(client.get(PAGE))


def test_required_roles_from_the_environment(app, client, auth):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = f"editor, {ADMIN}"  # FLASK_... as a plain string
    auth.login("owner", ADMIN)
    assert client.get("/admin/").headers["Location"] == PAGE


def test_a_required_role_can_still_log_out(app, client, auth):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = (ADMIN,)
    auth.login("owner", ADMIN)
    response = client.post("/admin/logout", data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/login"
    assert not signed_in(client)


# An administrator turns it off for someone else


def reset(client, user_id, token=True, **headers):
    data = {"csrf_token": csrf_token(client, "/admin/")} if token else {}
    return client.post(f"/admin/users/{user_id}/two-factor/reset", data=data, headers=headers)


def test_an_administrator_turns_off_someone_elses_two_factor(app, client, auth, make):
    secret, _ = with_two_factor(app, make, "walker", "author")
    walker, response = sign_in(app, "walker", pyotp.TOTP(secret).now())
    assert signed_in(walker)
    auth.login("owner", ADMIN)
    walker_id = make.account("walker").id
    response = reset(client, walker_id)
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(TwoFactor, walker_id) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert not signed_in(walker)
    assert password_step(app.test_client(), "walker").headers["Location"] == "/admin/"


def test_reset_answers_htmx_with_the_people_screens_partial(app, client, auth, make):
    with_two_factor(app, make, "walker", "author")
    auth.login("owner", ADMIN)
    response = reset(client, make.account("walker").id, **{"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response)
    assert 'id="user-' in body and "Two-factor off" in body
    assert "Two-factor sign-in is off for Walker" in body


def test_the_people_screens_partial_offers_the_reset(app, make):
    from flask import render_template
    from flask_login import login_user

    with_two_factor(app, make, "walker", "author")
    owner = make.account("owner", ADMIN)
    with app.test_request_context("/admin/"):
        login_user(db.session.get(User, owner.id))
        walker = db.session.scalar(sa.select(User).where(User.login == "walker"))
        body = render_template("admin/users/_two_factor.html", user=walker)
        mine = render_template("admin/users/_two_factor.html", user=db.session.get(User, owner.id))
    assert f'action="/admin/users/{walker.id}/two-factor/reset"' in body
    assert re.search(r'<input[^>]*name="csrf_token"[^>]*value="[^"]+"', body)
    assert "Two-factor on" in body and "<button" in body
    assert "Two-factor off" in mine and "<button" not in mine


def test_reset_is_for_administrators_only(app, client, auth, make):
    with_two_factor(app, make, "owner", ADMIN)
    _, codes = with_two_factor(app, make, "walker", "author")
    owner_id = make.account("owner").id
    walker, response = sign_in(app, "walker", codes[0])
    assert response.status_code == 303
    response = reset(walker, owner_id)
    assert response.status_code == 403
    assert "Only administrators" in text(response)
    with app.app_context():
        assert db.session.get(TwoFactor, owner_id) is not None


def test_an_administrator_cannot_reset_their_own(app, make):
    _, codes = with_two_factor(app, make, "owner", ADMIN)
    owner, _ = sign_in(app, "owner", codes[0])
    response = reset(owner, make.account("owner").id)
    assert response.status_code == 403
    assert "on your profile" in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TwoFactor)) == 1


def test_reset_needs_the_csrf_token_and_a_real_account(app, client, auth, make):
    with_two_factor(app, make, "walker", "author")
    walker_id = make.account("walker").id
    auth.login("owner", ADMIN)
    assert reset(client, walker_id, token=False).status_code == 400
    with app.app_context():
        assert db.session.get(TwoFactor, walker_id) is not None
    assert reset(client, walker_id + 1000).status_code == 404


def test_forms_that_start_a_new_session_post_as_plain_forms(app, client, auth):
    """Turning two-factor on or off gives this browser a new session, and with
    it a new CSRF token: a fragment swapped by htmx would leave the rest of the
    page (the log-out form) holding the old one. A whole page has every form right."""
    auth.login("owner", ADMIN)
    setup = text(client.get(PAGE))
    form = re.search(r'<form[^>]*action="/admin/profile/two-factor/"[^>]*>', setup).group(0)
    assert "hx-" not in form
    enrol(client)
    page = text(client.get(PAGE))
    form = re.search(r'<form[^>]*action="/admin/profile/two-factor/off"[^>]*>', page).group(0)
    assert "hx-" not in form


def test_new_recovery_codes_answer_htmx_with_the_panel(app, client, auth):
    auth.login("owner", ADMIN)
    enrol(client)
    response = client.post("/admin/profile/two-factor/recovery-codes",
                           data={"csrf_token": csrf_token(client, PAGE),
                                 "codes-password": PASSWORD},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="two-factor"') and len(codes_on(body)) == 10
