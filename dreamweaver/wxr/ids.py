"""Which rows an import made: (source, WordPress id) -> our id, for posts and
comments, so that a re-import updates what it made and nothing else.

The source is the site the file exports, by its address without the scheme
(an export from http:// and one from https:// are the same site). An item
keeps its WordPress id as its id when that id is free here; when a row that
did not come from this item holds it, the item gets a new id and the row is
left alone.

Sites imported before these tables existed have no rows in them: a row at the
item's id that no import claims is taken as this item's when it is the same
kind of thing made at the same moment (same type, slug and creation time for
a post; same post and time for a comment), which an import of the same file
always gives and a post written here practically never does.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa

from ..extensions import db
from ..models import ImportedComment, ImportedPost
from .reader import Summary
from .values import clip

NO_SITE = "(a file that names no site)"


def source_of(summary: Summary) -> str:
    """The site's address: the blog's own (one site of a multisite network),
    else the network's, else the channel's link; host in lower case, no
    scheme, no www., no trailing slash."""
    for url in (summary.blog_url, *summary.base_urls, summary.link):
        url = (url or "").strip()
        if not url:
            continue
        parts = urlsplit(url if "//" in url else "//" + url)
        host = (parts.netloc or "").lower().removeprefix("www.")
        return clip(host + parts.path.rstrip("/"), 255) or clip(url, 255)
    return NO_SITE


class Ids:
    def __init__(self, source: str):
        self.source = source

    def post(self, wp_id: int) -> int | None:
        return db.session.scalar(sa.select(ImportedPost.post_id).where(
            ImportedPost.source == self.source, ImportedPost.wp_id == wp_id))

    def comments(self, wp_ids) -> dict[int, int]:
        return dict(db.session.execute(
            sa.select(ImportedComment.wp_id, ImportedComment.comment_id).where(
                ImportedComment.source == self.source,
                ImportedComment.wp_id.in_(list(wp_ids)))).all())

    def claim_post(self, wp_id: int, post_id: int) -> None:
        db.session.add(ImportedPost(source=self.source, wp_id=wp_id, post_id=post_id))

    def claim_comment(self, wp_id: int, comment_id: int) -> None:
        db.session.add(ImportedComment(source=self.source, wp_id=wp_id, comment_id=comment_id))

    @staticmethod
    def post_claimed(post_id: int) -> bool:
        """Whether any import (of any site) made this post."""
        return db.session.scalar(sa.select(sa.exists().where(
            ImportedPost.post_id == post_id))) or False

    @staticmethod
    def comment_claimed(comment_id: int) -> bool:
        return db.session.scalar(sa.select(sa.exists().where(
            ImportedComment.comment_id == comment_id))) or False


def make_room(table: str) -> None:
    """Before a row gets an id from the database: PostgreSQL's sequence may be
    behind the explicit ids this import has written; move it past them."""
    bump_sequences(db.session.connection(), (table,))


def bump_sequences(connection, tables=("posts", "comments", "users", "categories", "tags",
                                       "old_slugs")) -> None:
    """Explicit ids leave PostgreSQL's sequences behind: move them past the max."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        statement = (  # table names come from our own code, never from input
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
        connection.exec_driver_sql(statement)
