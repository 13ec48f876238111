"""A post's discussion, page by page, as threads.

Threads are paged by top-level comment, comments_per_page to a page, pages
numbered from the oldest. As WordPress's settings: the permalink shows the
last page ("newest", the default) or the first ("oldest"), and
`comment-page-<n>/` the others (permalinks.comment_page_url); within a page
the threads run oldest first, or newest first with comment_order "desc"
(replies stay oldest first, as WordPress's reverse_top_level). A page loads
in two queries, whatever the size of the discussion: its top-level comments,
then every comment of their threads (Comment.thread_id). A link to a comment
leads to the page that shows it, as WordPress's get_comment_link does.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa

from .. import settings
from ..caching import LoadOnMiss
from ..extensions import db
from ..models import Comment, Post
from ..permalinks import comment_page_url, default_comment_page


@dataclass
class Node:
    comment: Comment
    depth: int = 1
    replies: list[Node] = field(default_factory=list)


def comment_tree(comments: list[Comment]) -> list[Node]:
    """Top-level threads with their replies, in the order given.

    A reply whose parent is not in the list (held, spammed, deleted) is shown
    at the top level, as WordPress's walker shows orphans.
    """
    nodes = {c.id: Node(c) for c in comments}
    roots: list[Node] = []
    for comment in comments:
        node = nodes[comment.id]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.replies.append(node)
    stack = [(root, 1) for root in roots]
    while stack:
        node, depth = stack.pop()
        node.depth = depth
        stack.extend((reply, depth + 1) for reply in node.replies)
    return roots


OLDEST_FIRST = (Comment.created_at, Comment.id)


@dataclass
class Discussion:
    threads: list[Node]
    number: int
    count: int  # pages of threads
    reply_to: Comment | None = None
    held: set[int] = field(default_factory=set)
    shared = False  # this reader's own page of threads: never a cached fragment

    @property
    def is_last(self) -> bool:
        return self.number == self.count

    @property
    def cache_key(self) -> str:
        return str(self.number)

    @property
    def shown(self) -> int:
        """How many comments this page shows, replies included."""
        nodes, total = list(self.threads), 0
        while nodes:
            node = nodes.pop()
            total += 1
            nodes.extend(node.replies)
        return total


class SharedDiscussion(LoadOnMiss):
    """The page of threads every reader sees (no held comments of theirs, no
    reply form placed): its queries run only if its cached rendering is missing."""

    held: set[int] = frozenset()
    reply_to = None
    shared = True

    def __init__(self, post: Post, number: int | None):
        super().__init__(lambda: discussion(post, number),
                         cache_key="default" if number is None else str(number))


def _top_level(post_id, comment=Comment):
    return sa.and_(comment.post_id == post_id, comment.status == "approved",
                   comment.parent_id.is_(None))


def _pages(threads: int) -> int:
    return max(1, -(-threads // settings.current().comments_per_page))


def page_count(post: Post) -> int:
    return _pages(db.session.scalar(
        sa.select(sa.func.count()).select_from(Comment).where(_top_level(post.id))
    ))


class Place(NamedTuple):
    number: int  # the page that shows the comment
    count: int  # the post's comment pages


# Where each comment is: its thread's top-level comment ("root"), and the rank
# of that root among the post's approved top-level comments, oldest first,
# numbered once per post by a window over ix_comments_post_roots (with the
# number of them, the post's pages). Counting the roots before each comment
# instead cost the whole discussion per comment: 2 s on SQLite for a page of
# the moderation list whose comments were on a post with 13,000 threads.
# SQLite is told the index: without statistics it takes ix_comments_post_thread
# and reads every comment row for its parent_id.
_PLACES_SQL = """
WITH wanted AS (
  SELECT c.id AS id, r.id AS root_id, r.status AS root_status, r.post_id AS post_id
  FROM comments AS c JOIN comments AS r ON r.id = coalesce(c.thread_id, c.id)
  WHERE c.id IN :ids),
ranked AS (
  SELECT roots.id AS root_id, roots.post_id AS post_id,
    row_number() OVER (PARTITION BY roots.post_id ORDER BY roots.created_at, roots.id) - 1
      AS earlier
  FROM comments AS roots {hint}
  WHERE roots.post_id IN (SELECT post_id FROM wanted)
    AND roots.status = 'approved' AND roots.parent_id IS NULL),
totals AS (SELECT post_id, count(*) AS threads FROM ranked GROUP BY post_id)
SELECT wanted.id, wanted.root_status, ranked.earlier, coalesce(totals.threads, 0)
FROM wanted LEFT JOIN ranked ON ranked.root_id = wanted.root_id
  LEFT JOIN totals ON totals.post_id = wanted.post_id
"""


@functools.cache
def _places_statement(dialect: str):
    hint = "INDEXED BY ix_comments_post_roots" if dialect == "sqlite" else ""
    return sa.text(_PLACES_SQL.format(hint=hint)).bindparams(
        sa.bindparam("ids", expanding=True))


def places(comment_ids: Iterable[int]) -> dict[int, Place]:
    """Where each comment is shown, in one statement however many are asked for:
    the page of its thread, found by counting the approved threads before its
    top-level comment. A thread whose top-level comment is not approved (a
    held comment, shown to its author) belongs at the end, as in discussion()."""
    comment_ids = list(comment_ids)
    if not comment_ids:
        return {}
    per_page = settings.current().comments_per_page
    found = {}
    statement = _places_statement(db.session.get_bind().dialect.name)
    for comment_id, root_status, earlier, total in db.session.execute(
            statement, {"ids": comment_ids}):
        count = _pages(total)
        approved = root_status == "approved" and earlier is not None
        number = earlier // per_page + 1 if approved else count
        found[comment_id] = Place(number, count)
    return found


def place_of(comment: Comment) -> Place:
    return places([comment.id]).get(comment.id, Place(1, 1))


def comment_link(post: Post, comment_id: int, place: Place, **url_values) -> str:
    return f"{comment_page_url(post, *place, **url_values)}#comment-{comment_id}"


def comment_links(comments: Iterable[tuple[int, Post]], **url_values) -> list[str]:
    """The link to each (comment id, its post): `#comment-<id>` on the page that
    shows it. A post with no more approved comments than a page holds has one
    page, so only the others' comments are looked up, all in one statement."""
    comments = list(comments)
    per_page = settings.current().comments_per_page
    found = places(comment_id for comment_id, post in comments
                   if post.comment_count > per_page)
    return [comment_link(post, comment_id, found.get(comment_id, Place(1, 1)), **url_values)
            for comment_id, post in comments]


def discussion(post: Post, number: int | None, held: set[int] = frozenset(),
               reply_to: int | None = None) -> Discussion | None:
    """Page `number` of the threads (None: the page shown by default), with the
    reader's own held comments; None when there is no such page."""
    count = page_count(post)
    if number is None:
        number = default_comment_page(count)
    if not 1 <= number <= count:
        return None
    per_page = settings.current().comments_per_page
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
    threads = comment_tree(comments)
    if settings.current().comment_order == "desc":
        threads.reverse()
    return Discussion(threads, number, count, target, held)
