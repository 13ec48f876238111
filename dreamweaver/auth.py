"""Who is signed in: Flask-Login's user loader, safe `next=` targets, and the
redirect to the login page (HX-Location for htmx, 302 otherwise)."""

from urllib.parse import urlsplit

from flask import make_response, redirect, request, url_for

from .extensions import db, login
from .htmx import is_partial
from .models import User


@login.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isascii() and user_id.isdigit() else None


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
