"""Who is signed in: checking a password, starting and ending sessions,
Flask-Login's user loader, safe `next=` targets, and the redirect to the login
page (HX-Location for htmx, 302 otherwise).

A session holds "<user id>:<session generation>" (User.get_id). The loader
accepts it only while the account's generation is still the one stamped at
login, so moving the generation on (User.end_sessions) signs out every copy of
every session the account has, without a table of sessions.
"""

import functools
import secrets
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, g, make_response, redirect, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, login
from .htmx import is_partial
from .models import HASH_METHOD, User, utcnow


@login.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and generation.isascii()
            and generation.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if (user is None or user.session_generation != int(generation)
            or user.disabled_at is not None):
        return None
    return user


@functools.cache
def _stand_in_hash() -> str:
    """A hash of a password nobody knows, made as real ones are, checked when
    there is no real one so that a missing account answers as slowly as a wrong
    password (made once per process, on the first login attempt)."""
    return generate_password_hash(secrets.token_urlsafe(32), method=HASH_METHOD)


def authenticate(username: str, password: str) -> User | None:
    """The account if the password is its own and the account is not disabled.
    Every attempt checks one hash, whether the account exists, has a password,
    is disabled or not: the time taken tells nothing about which logins exist."""
    user = db.session.scalar(sa.select(User).where(User.login == username))
    if user is None or not user.password_hash:
        check_password_hash(_stand_in_hash(), password)
        return None
    # Checked after the hash, so that a disabled account answers as slowly as
    # a wrong password, and says nothing different.
    right = user.check_password(password)
    return user if right and user.disabled_at is None else None


def start_session(user: User) -> None:
    """Sign `user` in on a new session: whatever the old cookie held (a fixated
    session, the CSRF secret its forms were signed with) is gone."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    login_user(user)


def sign_in(user: User) -> None:
    """A person proved who they are (their password, and their code when they
    use two-factor; or an accepted invitation): a new session, and the time the
    People screen shows as their last sign-in."""
    start_session(user)
    user.last_login_at = utcnow()


def end_session(user: User) -> None:
    """Log out: this browser's session, and with the generation every other one
    of the account's (a copied cookie must not outlive the logout)."""
    user.end_sessions()
    logout_user()
    session.clear()


def safe_next(target: str | None) -> str | None:
    """`target` if it leads back into this site (a path, not //host or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch < " " for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@login.unauthorized_handler
def to_login():
    url = url_for("admin.login", next=request.full_path.rstrip("?"))
    if is_partial():
        response = make_response("", 200)
        response.headers["HX-Location"] = url
        return response
    return redirect(url)
