"""The admin blueprint: everything under /admin/ needs a signed-in user,
except the login page itself."""

import functools

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from ..extensions import login
from .queries import pending_count

bp = Blueprint("admin", __name__)

# The mailed links work signed out (a forgotten password, a new address
# confirmed from another device), and so does the second step of signing in
# with two-factor (admin/two_factor.py).
PUBLIC_ENDPOINTS = frozenset({"admin.login", "admin.login_two_factor", "admin.password_reset",
                              "admin.password_reset_choose", "admin.email_change_confirm",
                              "admin.invitation"})


@bp.before_request
def require_login():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login.unauthorized()
    return None


@bp.before_request
def refuse_other_origins():
    """A form posted from another site is refused before its token is even
    read. Browsers say where a post comes from (Sec-Fetch-Site, else Origin);
    a client that says neither is still held to the session CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site == "cross-site" or site == "same-site" or (
            site is None and origin not in (None, request.host_url.rstrip("/"))):
        abort(403, "This form was sent from another site, so it was refused.")


def administrators_only(view):
    """What only administrators may see or do (settings, menus, widgets)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, "Only administrators can change how the site looks and works.")
        return view(*args, **kwargs)
    return wrapper


# The admin navigation: (endpoint, label, prefix of the endpoints in that section,
# who sees it: everyone signed in, "editing" roles, or "admin"istrators only).
SECTIONS = (
    ("admin.posts", "Posts", "admin.post", "everyone"),
    ("admin.pages", "Pages", "admin.page", "editing"),
    ("admin.media_library", "Media", "admin.media", "everyone"),
    ("admin.comments", "Comments", "admin.comment", "everyone"),
    ("admin.categories", "Categories", "admin.categor", "editing"),
    ("admin.users", "People", "admin.user", "admin"),
    ("admin.mail_outbox", "Mail", "admin.mail", "admin"),
    ("admin.fediverse", "Fediverse", "admin.fediverse", "admin"),
    ("admin.settings", "Settings", "admin.settings", "admin"),
    ("admin.widgets", "Widgets", "admin.widget", "admin"),
    ("admin.menus", "Menus", "admin.menu", "admin"),
    ("admin.profile", "Profile", "admin.profile", "everyone"),
)


def sees(user, who: str) -> bool:
    return (who == "everyone" or (who == "editing" and user.can_edit_others)
            or (who == "admin" and user.is_admin))


@bp.context_processor
def admin_context():
    signed_in = current_user.is_authenticated
    sections = [(endpoint, label, prefix) for endpoint, label, prefix, who in SECTIONS
                if endpoint in current_app.view_functions and signed_in
                and sees(current_user, who)]
    return {
        "current_user": current_user,
        "pending_comments": pending_count(current_user) if current_user.is_authenticated else 0,
        "admin_sections": sections,
    }
