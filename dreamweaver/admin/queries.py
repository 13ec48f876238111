"""Queries behind the admin screens."""

import sqlalchemy as sa

from ..extensions import db
from ..models import Comment, Post


def pending_count(user) -> int:
    """Comments waiting for `user` to moderate: the number in the admin navigation
    (an author moderates comments on their own posts only)."""
    query = sa.select(sa.func.count()).select_from(Comment).where(Comment.status == "pending")
    if not user.is_admin:
        query = query.join(Post, Post.id == Comment.post_id).where(Post.author_id == user.id)
    return db.session.scalar(query) or 0
