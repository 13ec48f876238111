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


def parent_choices(page: Post) -> list[tuple[int, str]]:
    """(id, title indented by level) of the pages `page` may be put under, in
    tree order: not itself nor its subpages, not trashed (unless it is the
    current parent). How deep it may go is publishing.parent_refusal's to say."""
    rows = db.session.execute(
        sa.select(Post.id, Post.title, Post.parent_id, Post.status)
        .where(Post.type == "page").order_by(Post.title, Post.id)).all()
    children: dict[int | None, list] = {}
    known = {row.id for row in rows}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in known else None, []).append(row)
    choices = []

    def walk(parent, level):
        for row in children.get(parent, ()):
            if row.id == page.id:
                continue  # neither itself nor anything under it
            if row.status != "trash" or row.id == page.parent_id:
                choices.append((row.id, "\u2014 " * level + (row.title or "(no title)")))
            walk(row.id, level + 1)

    walk(None, 0)
    return choices
