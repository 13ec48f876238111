"""The admin blueprint: everything under /admin/ needs a signed-in user,
except the login page itself."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from ..extensions import login
from .queries import pending_count

bp = Blueprint("admin", __name__)

# The second step of signing in with two-factor (admin/two_factor.py) too.
PUBLIC_ENDPOINTS = frozenset({"admin.login", "admin.login_two_factor"})


@bp.before_request
def require_login():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login.unauthorized()
    return None


# The admin navigation: (endpoint, label, prefix of the endpoints in that section,
# admins only).
SECTIONS = (
    ("admin.posts", "Posts", "admin.post", False),
    ("admin.pages", "Pages", "admin.page", True),
    ("admin.media_library", "Media", "admin.media", False),
    ("admin.comments", "Comments", "admin.comment", False),
    ("admin.categories", "Categories", "admin.categor", True),
)


@bp.context_processor
def admin_context():
    admin = current_user.is_authenticated and current_user.is_admin
    sections = [(endpoint, label, prefix) for endpoint, label, prefix, admins_only in SECTIONS
                if endpoint in current_app.view_functions and (admin or not admins_only)]
    return {
        "current_user": current_user,
        "pending_comments": pending_count(current_user) if current_user.is_authenticated else 0,
        "admin_sections": sections,
    }
