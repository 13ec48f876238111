"""Who is reading: the signed-in owner or author sees their own site as
WordPress shows it to them (Edit links, their private posts, previews of
drafts, the comment form as themselves); everyone else is an anonymous reader.

A request that sent no session cookie is a reader without asking Flask-Login,
so it never reads the session (no `Vary: Cookie`, and the page cache's
anonymous pages stay the same for all). What is rendered for a signed-in
user is theirs alone: `caching.mark_personal` keeps it out of the shared
fragment caches, and article.personal() out of every shared cache.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_login import current_user

from . import caching
from .extensions import db
from .models import Post, User

# What a signed-in user may be shown of a post readers cannot see: a private
# post at its address; any status but trash on the preview URL.
PREVIEWABLE = ("draft", "pending", "private", "published", "scheduled")


def signed_in() -> User | None:
    """The signed-in user, or None; the session is only read if it was sent."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    if not current_user.is_authenticated:
        return None
    caching.mark_personal()
    return current_user._get_current_object()


def edit_url(post) -> str | None:
    """The editor of `post` for a signed-in user who may edit it, else None."""
    user = signed_in()
    if user is None or not user.can_open_editor(post):
        return None
    return url_for("admin.post_edit", post_id=post.id)


def private_post(slug: str, kind: str) -> Post | None:
    """A private post or page at `slug`, if the signed-in user may read it
    (WordPress: its author and those who can edit it)."""
    user = signed_in()
    if user is None:
        return None
    post = db.session.scalar(sa.select(Post).where(
        Post.type == kind, Post.slug == slug, Post.status == "private",
        Post.published_local.is_not(None)))
    return post if post is not None and user.can_edit(post) else None


def previewable(post_id: int | None) -> Post | None:
    """The post WordPress's `?p=<id>&preview=true` shows to a user who may edit it."""
    user = signed_in()
    if user is None or post_id is None:
        return None
    post = db.session.scalar(sa.select(Post).where(
        Post.id == post_id, Post.status.in_(PREVIEWABLE)))
    return post if post is not None and user.can_edit(post) else None
