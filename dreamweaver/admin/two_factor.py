"""Two-factor sign-in in /admin: the second step of logging in, setting it up
and turning it off on the profile, an administrator turning it off for someone
who lost their phone, and sending the roles that must have it to set it up.

Between the password and the code the browser is not signed in: its session
holds only a pending marker (the user id, the account's session generation and
a deadline five minutes on), which start_session replaces once the code is right.
"""

import time

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .. import two_factor as totp
from ..auth import sign_in, start_session
from ..extensions import csrf, db, limiter
from ..htmx import is_partial, render
from ..models import User
from ..sealed import Unsealable, seal, unseal
from .blueprint import bp
from .two_factor_forms import CodeForm, EnrolForm, PasswordCheckForm, ResetForm

PENDING = "two_factor_pending"
PENDING_SECONDS = 5 * 60
# How long the setup page's secret stays good: time to install an app.
ENROL_SECONDS = 60 * 60
WRONG_CODE = "That code is not right, or was used already. Enter the code your app shows now."
TIMED_OUT = "Your sign-in timed out. Enter your user name and password again."
WRONG_PASSWORD = "That is not your password."  # noqa: S105 (a message)
# What a user who must set two-factor up may still reach before doing so.
ALLOWED_BEFORE_ENROLMENT = frozenset({
    "admin.login", "admin.login_two_factor", "admin.logout", "admin.two_factor"})


def begin_second_step(user: User, target: str):
    """After the right password of an account with two-factor on: a new session
    holding only the pending marker, and on to the code's page."""
    session.clear()
    session[PENDING] = {"user": user.id, "generation": user.session_generation,
                        "until": int(time.time()) + PENDING_SECONDS, "next": target}
    return redirect(url_for("admin.login_two_factor"), 303)


def _marker() -> dict | None:
    marker = session.get(PENDING)
    if not isinstance(marker, dict) or not isinstance(marker.get("until"), int):
        return None
    return marker if marker["until"] >= time.time() else None


def pending_user() -> User | None:
    """Whose password this browser gave in the last five minutes, while nothing
    has ended the account's sessions since and two-factor is still on."""
    marker = _marker()
    if marker is None or not isinstance(marker.get("user"), int):
        return None
    user = db.session.get(User, marker["user"])
    if (user is None or user.session_generation != marker.get("generation")
            or not totp.is_on(user)):
        return None
    return user


def _pending_key() -> str:
    """Counts the second step's attempts per account, whatever address they come from."""
    marker = _marker()
    return f"two-factor:{marker['user']}" if marker else get_remote_address()


@bp.route("/login/two-factor", methods=["GET", "POST"])
@csrf.exempt  # checked by CodeForm itself, after the rate limits have counted the attempt
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_pending_key)
def login_two_factor():
    user = pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(TIMED_OUT)
        return redirect(url_for("admin.login"), 303)
    form = CodeForm()
    if form.validate_on_submit():
        if totp.verify(user, form.code.data):
            target = session[PENDING].get("next") or url_for("admin.index")
            sign_in(user)
            db.session.commit()
            return redirect(target, 303)
        db.session.rollback()
        form.code.errors.append(WRONG_CODE)
    status = 422 if form.errors else 200
    return render_template("admin/login_two_factor.html", form=form), status


def _enrol_purpose(user: User) -> str:
    # Bound to the account: a setup page's sealed secret opens for nobody else.
    return f"two-factor enrolment {user.id}"


def _show(status: int = 200, **context):
    user = current_user._get_current_object()
    context.setdefault("off_form", PasswordCheckForm(prefix="off", formdata=None))
    context.setdefault("codes_form", PasswordCheckForm(prefix="codes", formdata=None))
    record = user.two_factor
    return render(
        "admin/two_factor.html", "admin/_two_factor_panel.html",
        record=record, codes_left=totp.recovery_codes_left(user) if record else 0,
        required=totp.required_for(user), **context), status


def _enrolment(form: EnrolForm, secret: str, status: int = 200):
    user = current_user._get_current_object()
    form.secret.data = seal(_enrol_purpose(user), secret.encode("ascii"))
    uri = totp.provisioning_uri(secret, user)
    return _show(status, enrol_form=form, secret=totp.grouped(secret), uri=uri,
                 qr=totp.qr_svg(uri))


def _restart_session(user: User) -> None:
    """Every other session of the account ends; this browser goes on signed in."""
    user.end_sessions()
    db.session.commit()
    start_session(user)


@bp.route("/profile/two-factor/", methods=["GET", "POST"])
def two_factor():
    """Two-factor's page of the profile: its state, or setting it up (POST:
    the code that proves the app has the secret turns it on)."""
    user = current_user._get_current_object()
    if user.two_factor is not None:
        return _show()
    form = EnrolForm()
    if not form.validate_on_submit():
        if request.method == "POST":
            secret = _unsealed_or_none(form.secret.data or "", user)
            if secret is not None:
                return _enrolment(form, secret, 422)
        return _enrolment(form, totp.new_secret(), 422 if form.errors else 200)
    secret = _unsealed_or_none(form.secret.data, user)
    if secret is None:
        form.code.errors.append("This setup page was open too long: scan the new code and "
                                "enter the code it makes.")
        return _enrolment(form, totp.new_secret(), 422)
    step = totp.matching_step(secret, totp.normalized(form.code.data))
    if step is None:
        form.code.errors.append(WRONG_CODE)
        return _enrolment(form, secret, 422)
    codes = totp.turn_on(user, secret, step)
    _restart_session(user)
    return _show(new_codes=codes, turned_on=True)


def _unsealed_or_none(sealed: str, user: User) -> str | None:
    try:
        return unseal(_enrol_purpose(user), sealed, max_age=ENROL_SECONDS).decode("ascii")
    except Unsealable:
        return None


def _password_checked(prefix: str) -> tuple[PasswordCheckForm, bool]:
    form = PasswordCheckForm(prefix=prefix)
    if not form.validate_on_submit():
        return form, False
    if not current_user.check_password(form.password.data):
        form.password.errors.append(WRONG_PASSWORD)
        return form, False
    return form, True


# Both ask for the password: limited as the login is, so that a session left
# open is no way to guess it.
@bp.post("/profile/two-factor/recovery-codes")
@limiter.limit("10 per minute")
def two_factor_new_codes():
    user = current_user._get_current_object()
    if user.two_factor is None:
        return redirect(url_for("admin.two_factor"), 303)
    form, ok = _password_checked("codes")
    if not ok:
        return _show(422, codes_form=form)
    codes = totp.new_recovery_codes(user)
    db.session.commit()
    return _show(new_codes=codes)


@bp.post("/profile/two-factor/off")
@limiter.limit("10 per minute")
def two_factor_off():
    user = current_user._get_current_object()
    if user.two_factor is None:
        return redirect(url_for("admin.two_factor"), 303)
    form, ok = _password_checked("off")
    if not ok:
        return _show(422, off_form=form)
    totp.turn_off(user)
    _restart_session(user)
    flash("Two-factor sign-in is off. Every other session of your account has ended.")
    return redirect(url_for("admin.two_factor"), 303)


@bp.post("/users/<int:user_id>/two-factor/reset")
def two_factor_reset(user_id: int):
    """An administrator turns off someone's two-factor (a lost phone, no
    recovery code left): their sessions end, and they sign in with the password
    alone, or set it up again first if their role requires it."""
    if not current_user.is_admin:
        abort(403, "Only administrators can turn off someone else's two-factor sign-in.")
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        abort(403, "Turn off your own two-factor sign-in on your profile, with your password.")
    if not ResetForm().validate_on_submit():
        abort(400, "The form expired. Reload the page and try again.")
    totp.turn_off(user)
    user.end_sessions()
    db.session.commit()
    message = f"Two-factor sign-in is off for {user.display_name}; their sessions have ended."
    if is_partial():
        return make_response(render_template("admin/users/_two_factor.html", user=user,
                                             message=message))
    flash(message)
    return redirect(url_for("admin.users"), 303)


@bp.before_request
def require_two_factor():
    """A role in TWO_FACTOR_REQUIRED_ROLES sets two-factor up before anything else."""
    if (request.endpoint in ALLOWED_BEFORE_ENROLMENT or not current_user.is_authenticated
            or not totp.required_for(current_user) or current_user.two_factor is not None):
        return None
    url = url_for("admin.two_factor")
    if is_partial():
        response = make_response("", 200)
        response.headers["HX-Location"] = url
        return response
    return redirect(url, 303 if request.method not in ("GET", "HEAD") else 302)

