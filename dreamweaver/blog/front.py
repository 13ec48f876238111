"""What the home page displays (Settings → Reading), as WordPress: the latest
posts, or a static page at / with another page, at its own address, listing
the posts. A chosen page that readers can no longer see (unpublished, trashed,
deleted) gives / back to the latest posts rather than break it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from .. import settings
from ..extensions import db
from ..models import Post
from ..settings.reading import STATIC
from . import queries


@dataclass(frozen=True)
class StaticFront:
    page: Post  # shown at /
    posts_page: Post | None  # the latest posts at its own address, if chosen


def static_front() -> StaticFront | None:
    """The static front page and posts page readers see now; None for the latest posts."""
    site = settings.current()
    if site.show_on_front != STATIC or site.page_on_front is None:
        return None
    chosen = {site.page_on_front, site.page_for_posts} - {None}
    found = {page.id: page for page in db.session.scalars(
        sa.select(Post).where(Post.type == "page", Post.id.in_(chosen), queries.is_visible()))}
    front = found.get(site.page_on_front)
    return StaticFront(front, found.get(site.page_for_posts)) if front else None


def is_chosen(page: Post) -> bool:
    """Whether `page` is the front page or the posts page as saved (one look at
    the settings: the query is left to the few requests it may concern)."""
    site = settings.current()
    return site.show_on_front == STATIC and page.id in (site.page_on_front, site.page_for_posts)
