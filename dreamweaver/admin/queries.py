"""Queries behind the admin screens."""

import sqlalchemy as sa

from ..extensions import db
from ..models import Comment


def pending_count() -> int:
    """Comments waiting for moderation: the number in the admin navigation."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Comment).where(Comment.status == "pending")
    ) or 0
