"""Whether a post takes new comments: the one rule the page, the comment form
and a posted comment all ask.

A post takes comments while its "Allow comments" box is ticked and, when the
owner closes comments on old posts (close_comments_days), until it is that
many days old, counted from its publication. As WordPress's
close_comments_for_old_posts, this applies to posts, not pages, and changes
nothing stored: shortening or lifting the limit reopens what it closed.

A post closes with no write at all, so a cached page or fragment showing its
form must end then: next_closing is registered with the caches as a deadline
(caching.expiry), as a scheduled publication is.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import settings
from ..extensions import db
from ..models import VISIBLE_STATUSES, Post, utcnow


def comments_open(post: Post) -> bool:
    if not post.comments_open:
        return False
    closes = closing_time(post)
    return closes is None or utcnow() < closes


def closing_time(post: Post) -> datetime | None:
    """When the post's comments close by age; None: they do not."""
    days = settings.current().close_comments_days
    if not days or post.type != "post" or post.published_at is None:
        return None
    return post.published_at + timedelta(days=days)


def next_closing(now: datetime) -> datetime | None:
    """The next moment a post readers see closes by age (None: no such post)."""
    days = settings.current().close_comments_days
    if not days:
        return None
    age = timedelta(days=days)
    first = db.session.scalar(
        sa.select(sa.func.min(Post.published_at)).where(
            Post.type == "post", Post.comments_open, Post.status.in_(VISIBLE_STATUSES),
            Post.published_at > now - age,
        )
    )
    return first + age if first is not None else None
