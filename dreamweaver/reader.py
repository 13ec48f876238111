"""The reader of this request, computed once and asked by every decision
between the page everyone shares and a page of the reader's own.

What makes a page personal is what the reader's browser sent: a session
(the signed-in owner or author sees Edit links, their private posts, drafts'
previews, the comment form as themselves), saved commenter details, their
own comments awaiting moderation, an unlocked post password. A reader who
sent none of these gets the same page as everyone (the page cache's rule).

Each part is read on first use and kept for the request (`Reader`'s cached
properties): a request that sent no session cookie never reads the session,
so it gets no `Vary: Cookie`. Reading a signed-in user marks the rendering
as theirs alone (caching.mark_personal), which keeps it out of the shared
fragments; `keeps_private` keeps the response out of every shared cache.
"""

from __future__ import annotations

from functools import cached_property

import sqlalchemy as sa
from flask import current_app, g, request, url_for
from flask_login import current_user
from werkzeug.local import LocalProxy

from . import caching
from .blog import postpass
from .comments import cookies
from .extensions import db
from .models import Post, User

# What a signed-in user may be shown of a post readers cannot see: a private
# post at its address; any status but trash on the preview URL.
PREVIEWABLE = ("draft", "pending", "private", "published", "scheduled")


class Reader:
    """Who is reading, from what this request sent."""

    @cached_property
    def user(self) -> User | None:
        """The signed-in user, or None; the session is only read if it was sent."""
        if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return None
        if not current_user.is_authenticated:
            return None
        caching.mark_personal()
        return current_user._get_current_object()

    @cached_property
    def saved(self) -> dict:
        """The name, email and website this browser saved for comments, or {}."""
        return cookies.remembered_author()

    @cached_property
    def held(self) -> frozenset[int]:
        """Ids of the reader's own comments awaiting moderation."""
        return frozenset(cookies.held_ids())

    @cached_property
    def sent_commenter_cookies(self) -> bool:
        return cookies.has_cookies()

    def unlocks(self, post) -> bool:
        """Whether the reader may see `post`'s content (its password, if any, given)."""
        return postpass.is_unlocked(post)

    @property
    def comments_as_stranger(self) -> bool:
        """Nothing saved and nobody signed in: the blank comment form everyone shares."""
        return not any(self.saved.values()) and self.user is None

    def keeps_private(self, post) -> bool:
        """Whether a page of `post` is this reader's alone (a protected post, their
        saved details or held comments, a signed-in rendering): never for a
        shared cache."""
        return bool(post.password) or self.sent_commenter_cookies or caching.is_personal()

    def edit_url(self, post) -> str | None:
        """The editor of `post` for a signed-in user who may edit it, else None."""
        if self.user is None or not self.user.can_open_editor(post):
            return None
        return url_for("admin.post_edit", post_id=post.id)

    def private_post(self, slug: str, kind: str) -> Post | None:
        """A private post or page at `slug`, if the signed-in user may read it
        (WordPress: its author and those who can edit it)."""
        if self.user is None:
            return None
        post = db.session.scalar(sa.select(Post).where(
            Post.type == kind, Post.slug == slug, Post.status == "private",
            Post.published_local.is_not(None)))
        return post if post is not None and self.user.can_edit(post) else None

    def previewable(self, post_id: int | None) -> Post | None:
        """The post WordPress's `?p=<id>&preview=true` shows to a user who may edit it."""
        if self.user is None or post_id is None:
            return None
        post = db.session.scalar(sa.select(Post).where(
            Post.id == post_id, Post.status.in_(PREVIEWABLE)))
        return post if post is not None and self.user.can_edit(post) else None


def current() -> Reader:
    """This request's reader, made on first use."""
    if "reader" not in g:
        g.reader = Reader()
    return g.reader


# Templates ask `reader.user`, `reader.edit_url(post)`… of the same value.
proxy = LocalProxy(current)
