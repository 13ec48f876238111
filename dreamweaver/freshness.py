"""Caches that are never stale.

Every cached value is keyed by the content generation, a number in the
database that goes up in the same transaction as any change readers could
see: a session hook notices changed posts, comments, categories, tags and
users, so no write path can forget. All app servers read the same number, so
an in-process cache in each gunicorn worker is as fresh as a shared Redis.

Time changes what readers see too (a scheduled post comes due with no write
at all), so a value is also kept only until the next scheduled publication
it knew of.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, g
from flask_caching.backends import NullCache
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import cache, db
from .models import Category, Comment, OldSlug, Post, SiteState, Tag, User, utcnow

CONTENT = "content"
WATCHED = (Post, Comment, Category, Tag, User, OldSlug)


GENERATION = sa.select(SiteState.value).where(SiteState.key == CONTENT)


def generation() -> int:
    """The content generation, read once per request (in the request's own
    transaction, through Core: it runs on every page)."""
    if "content_generation" not in g:
        g.content_generation = db.session.connection().scalar(GENERATION) or 0
    return g.content_generation


def bump(connection_or_session=None) -> None:
    """Move the generation on (inside the caller's transaction)."""
    target = connection_or_session or db.session
    moved = target.execute(
        sa.update(SiteState).where(SiteState.key == CONTENT)
        .values(value=SiteState.value + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount == 0:  # the migration's row was removed by hand
        target.execute(sa.insert(SiteState).values(key=CONTENT, value=1))


def next_due(now: datetime) -> datetime | None:
    """When the next scheduled post comes out (the time a cached view expires)."""
    return db.session.scalar(
        sa.select(sa.func.min(Post.published_at)).where(
            Post.status.in_(("published", "scheduled")), Post.published_at > now
        )
    )


class _Recent:
    """The values this process last used, of one generation: a hit costs a dict
    lookup instead of a trip to the cache backend (an unpickle, or a Redis
    round trip). As fresh as the backend, being keyed by the same generation."""

    LIMIT = 1024  # a post's article and threads each: bounded, then started afresh

    def __init__(self):
        self.generation = None
        self.values: dict = {}

    def of(self, generation: int) -> dict:
        if generation != self.generation or len(self.values) > self.LIMIT:
            self.generation, self.values = generation, {}
        return self.values


def _recent() -> _Recent:
    return current_app.extensions.setdefault("dreamweaver.recent", _Recent())


def cached(name: str, compute):
    """compute(), or its value cached for this generation until the next publication."""
    if isinstance(cache.cache, NullCache):
        return compute()
    number = generation()
    key = f"dw:{name}:{number}"
    recent = _recent().of(number)
    now = utcnow()
    hit = recent.get(key) or cache.get(key)
    if hit is not None:
        value, until = hit
        if until is None or now < until:
            recent[key] = hit
            return value
    value = compute()
    until = next_due(now)
    timeout = None if until is None else max(1, int((until - now).total_seconds()) + 1)
    cache.set(key, (value, until), timeout=timeout)
    recent[key] = (value, until)
    return value


@event.listens_for(Session, "after_flush")
def _note_changes(session, _context):
    if any(isinstance(row, WATCHED) for row in (*session.new, *session.dirty, *session.deleted)):
        session.info["content_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state):
    # UPDATE/DELETE statements on models (sa.update(Post)...) bypass after_flush.
    if (state.is_update or state.is_delete) and any(
        mapper.class_ in WATCHED for mapper in state.all_mappers
    ):
        state.session.info["content_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session):
    session.flush()
    if session.info.pop("content_changed", False):
        bump(session)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("content_changed", None)
