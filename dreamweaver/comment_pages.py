"""A post's discussion, page by page.

Threads are ordered oldest first and paged by top-level comment,
COMMENTS_PER_PAGE to a page. As in WordPress's default ("newest" page
first), the permalink shows the last page and `comment-page-<n>/` the older
ones. A page loads in two queries, whatever the size of the discussion: its
top-level comments, then every comment of their threads (Comment.thread_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .models import Comment, Post
from .threads import Node, comment_tree

OLDEST_FIRST = (Comment.created_at, Comment.id)


@dataclass
class Discussion:
    threads: list[Node]
    number: int
    count: int  # pages of threads
    reply_to: Comment | None = None
    held: set[int] = field(default_factory=set)

    @property
    def is_last(self) -> bool:
        return self.number == self.count

    @property
    def cache_key(self) -> str:
        return str(self.number)


class SharedDiscussion:
    """The page of threads every reader sees (no held comments of theirs, no
    reply form placed): its queries run only if its cached rendering is missing."""

    held: set[int] = frozenset()
    reply_to = None

    def __init__(self, post: Post, number: int | None):
        self.post, self.requested, self._found = post, number, None
        self.cache_key = "last" if number is None else str(number)

    def __getattr__(self, name):
        if self._found is None:
            self._found = discussion(self.post, self.requested)
        return getattr(self._found, name)


def _top_level(post_id: int):
    return sa.and_(Comment.post_id == post_id, Comment.status == "approved",
                   Comment.parent_id.is_(None))


def page_count(post: Post) -> int:
    threads = db.session.scalar(
        sa.select(sa.func.count()).select_from(Comment).where(_top_level(post.id))
    )
    per_page = current_app.config["COMMENTS_PER_PAGE"]
    return max(1, -(-threads // per_page))


def page_of(comment: Comment) -> int:
    """The page that shows this comment's thread."""
    root_id = comment.thread_id or comment.id
    root = db.session.get(Comment, root_id)
    before = db.session.scalar(
        sa.select(sa.func.count()).select_from(Comment).where(
            _top_level(comment.post_id),
            sa.or_(
                Comment.created_at < root.created_at,
                sa.and_(Comment.created_at == root.created_at, Comment.id < root.id),
            ),
        )
    )
    return before // current_app.config["COMMENTS_PER_PAGE"] + 1


def discussion(post: Post, number: int | None, held: set[int] = frozenset(),
               reply_to: int | None = None) -> Discussion | None:
    """Page `number` of the threads (None: the last page), with the reader's own
    held comments; None when there is no such page."""
    count = page_count(post)
    number = count if number is None else number
    if not 1 <= number <= count:
        return None
    per_page = current_app.config["COMMENTS_PER_PAGE"]
    root_ids = (
        sa.select(Comment.id).where(_top_level(post.id)).order_by(*OLDEST_FIRST)
        .limit(per_page).offset((number - 1) * per_page)
    ).scalar_subquery()
    held = set(held)
    # A reader's own held comments show while they wait; once spammed or
    # trashed they are gone for their author too.
    own = sa.and_(Comment.id.in_(held), Comment.status == "pending")
    shown = sa.or_(Comment.status == "approved", own) if held else (
        Comment.status == "approved"
    )
    in_page = sa.or_(Comment.id.in_(root_ids), Comment.thread_id.in_(root_ids))
    if held and number == count:
        # A held top-level comment is no thread yet: its author sees it at the end.
        in_page = sa.or_(in_page, sa.and_(own, Comment.parent_id.is_(None)))
    comments = list(db.session.scalars(
        sa.select(Comment).where(Comment.post_id == post.id, in_page, shown)
        .order_by(*OLDEST_FIRST)
    ))
    target = None
    if reply_to:
        target = db.session.scalar(sa.select(Comment).where(
            Comment.id == reply_to, Comment.post_id == post.id, Comment.status == "approved"
        ))
    return Discussion(comment_tree(comments), number, count, target, held)


def reply_parent(parent: Comment) -> Comment | None:
    """Where a reply to `parent` goes: under it, or beside it when `parent` is at
    COMMENT_MAX_DEPTH (None: at the top level)."""
    max_depth = current_app.config["COMMENT_MAX_DEPTH"]
    depth, above = 1, parent
    while above.parent_id is not None and depth < max_depth:
        above = db.session.get(Comment, above.parent_id)
        depth += 1
    if depth < max_depth:
        return parent
    return db.session.get(Comment, parent.parent_id) if parent.parent_id else None
