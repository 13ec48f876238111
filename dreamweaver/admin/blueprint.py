"""The admin blueprint: everything under /admin/ needs a signed-in user,
except the login page itself."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from ..extensions import login
from .queries import pending_count

bp = Blueprint("admin", __name__)

PUBLIC_ENDPOINTS = frozenset({"admin.login"})


@bp.before_request
def require_login():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login.unauthorized()
    return None


# The admin navigation: (endpoint, label, prefix of the endpoints in that section).
SECTIONS = (
    ("admin.posts", "Posts", "admin.post"),
    ("admin.pages", "Pages", "admin.page"),
    ("admin.comments", "Comments", "admin.comment"),
    ("admin.categories", "Categories", "admin.categor"),
)


@bp.context_processor
def admin_context():
    sections = [s for s in SECTIONS if s[0] in current_app.view_functions]
    return {
        "current_user": current_user,
        "pending_comments": pending_count() if current_user.is_authenticated else 0,
        "admin_sections": sections,
    }
