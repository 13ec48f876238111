"""Caches that are never stale.

Every cached value is keyed by the content generation, a number in the
database that goes up in the same transaction as any change readers could
see: a session hook notices changed posts, comments, categories, tags,
users and settings, so no write path can forget. All app servers read the
same number, so an in-process cache in each gunicorn worker is as fresh as a
shared Redis.

Time changes what readers see too (a scheduled post comes due with no write
at all, a post's comments close by age), so a value is also kept only until
the next such moment it knew of: the next scheduled publication, or a
deadline an area registered (expiry(), the one rule for how long anything is
kept).

This package is the mechanism and knows none of its consumers: the areas
register the cookies that make a reader's page their own
(register_personal_cookies) and their moments of time (register_deadline),
and init_app installs every listener and hook.
"""

from __future__ import annotations

import functools
import logging
import pickle
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, g, has_app_context, request
from flask_caching.backends import NullCache
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..database import ONLY_READ
from ..extensions import cache, db
from ..models import (
    POST_TYPES,
    VISIBLE_STATUSES,
    Category,
    Comment,
    Media,
    OldSlug,
    Post,
    SiteSetting,
    SiteState,
    Tag,
    User,
    utcnow,
)
from . import own_connection

CONTENT = "content"
# Moves only when the settings change (settings/): what they are read under, so
# that a new comment, which moves the content generation, does not reload them.
SETTINGS = "settings"
WATCHED = (Post, Comment, Category, Tag, User, OldSlug, Media, SiteSetting)


class Generations(NamedTuple):
    content: int
    settings: int


GENERATIONS = sa.select(SiteState.key, SiteState.value).where(
    SiteState.key.in_((CONTENT, SETTINGS)))
# Where the page cache's WSGI layer leaves the generations it read for a request.
KNOWN = "dreamweaver.generation"
# And when it read them: what the request reads is at least that new.
READ_AT = "dreamweaver.page_cache_read_at"
# The areas' rules of time that end a cached value (register_deadline).
DEADLINES = "dreamweaver.deadlines"


def read_generations(engine) -> Generations:
    """One plain SELECT in autocommit on a connection of its own (own_connection):
    no pool, no ORM, no session, no BEGIN (a single read is consistent on its own)."""
    rows = dict(own_connection.run(engine, _generations_sql(engine.dialect)))
    return Generations(rows.get(CONTENT) or 0, rows.get(SETTINGS) or 0)


def read_generation(engine) -> int:
    return read_generations(engine).content


@functools.cache
def _generations_sql(dialect) -> str:
    # A constant statement (no user input), compiled once per database kind.
    return str(GENERATIONS.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _remember(numbers: Generations, read_at: datetime | None = None) -> None:
    g.content_generation, g.settings_generation = numbers
    # What the request reads from now on is at least this new: a value it
    # caches ends at the first publication after this moment, not after it
    # was stored (a slow rendering, or one value holding others read before).
    g.generation_read_at = read_at or utcnow()


def generation() -> int:
    """The content generation this request's cached values are kept under."""
    if "content_generation" not in g:
        _remember(read_generations(db.engine))
    return g.content_generation


def settings_generation() -> int:
    """The settings generation, read with the content's (settings/ keeps its values under it)."""
    if "settings_generation" not in g:
        _remember(read_generations(db.engine))
    return g.settings_generation


def read_first():
    """before_request: the generation, read before the request reads any content.

    Everything the request reads afterwards is then at least as new as that
    number, so what it caches under it is never older than the key says (on
    PostgreSQL, whose READ COMMITTED reads each statement afresh, this is the
    only order that guarantees it). A commit reads it again (_read_again).
    """
    if request.endpoint == "static":
        return
    known = request.environ.get(KNOWN)
    if known is not None:
        _remember(known, request.environ.get(READ_AT))
    else:
        read_at = utcnow()
        _remember(read_generations(db.engine), read_at)


def bump(connection_or_session=None, key: str = CONTENT) -> int:
    """Move the generation on (inside the caller's transaction); its new number."""
    target = connection_or_session or db.session
    number = target.execute(
        sa.update(SiteState).where(SiteState.key == key)
        .values(value=SiteState.value + 1).returning(SiteState.value)
        .execution_options(synchronize_session=False)
    ).scalar()
    if number is None:  # no row yet (settings never saved), or removed by hand
        target.execute(sa.insert(SiteState).values(key=key, value=1))
        number = 1
    return number


def next_due(now: datetime) -> datetime | None:
    """When the next scheduled post comes out (the time a cached view expires)."""
    # Every type named (they are a CHECK constraint): the listing index leads
    # with the type, and without it this read every row, 0.2 s at 100,000
    # posts on each cache miss.
    return db.session.scalar(
        sa.select(sa.func.min(Post.published_at)).where(
            Post.type.in_(POST_TYPES), Post.status.in_(VISIBLE_STATUSES),
            Post.published_at > now,
        )
    )


class _Recent:
    """The values this process last used, of one generation: a hit costs a dict
    lookup instead of a trip to the cache backend (an unpickle, or a Redis
    round trip). As fresh as the backend, being keyed by the same generation."""

    LIMIT = 1024  # a post's article and threads each: bounded, then started afresh
    # Whole pages' HTML (blog/shared_html.py) are 60 KB each: their text is
    # bounded too, so a crawler walking every URL cannot grow a worker.
    TEXT_LIMIT = 16 * 1024 * 1024

    def __init__(self):
        self.generation = None
        self.values: dict = {}
        self.text = 0

    def of(self, generation: int) -> dict:
        if generation != self.generation or len(self.values) > self.LIMIT \
                or self.text > self.TEXT_LIMIT:
            self.generation, self.values, self.text = generation, {}, 0
        return self.values

    def keep(self, key: str, hit: tuple) -> None:
        if isinstance(hit[0], str):
            self.text += len(hit[0])
        self.values[key] = hit


def _recent() -> _Recent:
    return current_app.extensions.setdefault("dreamweaver.recent", _Recent())


def cached(name: str, compute, *, keep_none: bool = True):
    """compute(), or its value cached for this generation until the next
    publication. With keep_none=False a None answer is not kept."""
    if isinstance(cache.cache, NullCache):
        return compute()
    number = generation()
    key = f"dw:{name}:{number}"
    kept = _recent()
    recent = kept.of(number)
    now = utcnow()
    hit = recent.get(key)
    if hit is None:
        hit = _read(key)
        if isinstance(hit, tuple) and len(hit) == 2:  # else another release wrote it: a miss
            kept.keep(key, hit)
    if isinstance(hit, tuple) and len(hit) == 2:
        value, until = hit
        if until is None or now < until:
            return value
    value = compute()
    if value is None and not keep_none:
        return None
    until, timeout = expiry(min(now, g.get("generation_read_at", now)))
    cache.set(key, (value, until), timeout=timeout)
    kept.keep(key, (value, until))
    return value


def register_deadline(app, deadline) -> None:
    """Another moment, besides a scheduled publication, when what readers see
    changes with no write (an area's rule of time): `deadline(now)` gives the
    next one, or None. Nothing cached outlives it."""
    app.extensions.setdefault(DEADLINES, []).append(deadline)


def _next_change(now: datetime) -> datetime | None:
    moments = [next_due(now), *(deadline(now) for deadline in
                                current_app.extensions.get(DEADLINES, ()))]
    return min((moment for moment in moments if moment is not None), default=None)


def expiry(now: datetime, cap: int | None = None) -> tuple[datetime | None, int | None]:
    """(until, timeout in seconds) for a value cached now: kept until the next
    scheduled publication or registered deadline, and for `cap` seconds at
    most (None: no cap)."""
    until = _next_change(now)
    timeout = cap
    if until is not None:
        left = max(1, int((until - now).total_seconds()) + 1)
        timeout = left if cap is None else min(cap, left)
    return until, timeout


# What unpickling an entry written by another release can raise: a class that
# moved (ModuleNotFoundError, AttributeError) or changed shape (TypeError).
# cachelib catches only PickleError, so during a rolling deploy on a shared
# Redis such an entry would be a 500, not the miss it is.
UNREADABLE = (pickle.UnpicklingError, ImportError, AttributeError, TypeError, ValueError,
              EOFError)


def _read(key: str):
    try:
        return cache.get(key)
    except UNREADABLE as error:
        logging.getLogger(__name__).warning("cache entry %s unreadable, read as a miss: %r",
                                            key, error)
        return None


def mark_personal() -> None:
    """What this request renders is for one reader (a signed-in user's Edit
    links, say): no shared fragment is read or written for it."""
    g.personal_rendering = True


def is_personal() -> bool:
    return bool(g.get("personal_rendering"))


def cached_fragment(*key, caller):
    """A rendered piece of a page that is the same for every reader, cached
    like any value, so pages the page cache cannot serve (a reader with
    cookies, the first reader after a write) still skip the costly parts.

    In a template: {% call cached_fragment("sidebar", selection) %}...{% endcall %}.
    Only what depends on nothing but the site's content may go in one.
    """
    if is_personal():
        return caller()
    # caller() is the template's own output, escaped by Jinja when it was
    # rendered; the cache only gives the same markup back.
    return Markup(cached("fragment:" + ":".join(str(part) for part in key),  # noqa: S704
                         lambda: str(caller())))


class LoadOnMiss:
    """Stands in for a value whose cached rendering may make it unneeded: the
    attributes known now are set on it, and the first use of any other loads
    the value (once, with `load`) and answers from it. The one idiom for "ask
    the database only if the cache missed" (the single post's columns, a
    page of comment threads)."""

    def __init__(self, load, **known):
        self.__dict__.update(known)
        self.__dict__["_load"] = load

    def __getattr__(self, name: str):
        if name.startswith("__"):  # copy and pickle probe for these: not the value's
            raise AttributeError(name)
        if "_loaded" not in self.__dict__:
            self.__dict__["_loaded"] = self.__dict__["_load"]()
        return getattr(self.__dict__["_loaded"], name)


PERSONAL_COOKIES = "dreamweaver.personal_cookies"


def register_personal_cookies(app, *names: str) -> None:
    """Cookies that make a reader's pages their own (an area's, such as the
    commenter's saved details): a request sending one is never served from,
    nor stored in, a shared cache."""
    app.extensions.setdefault(PERSONAL_COOKIES, set()).update(names)


def personal_cookies(app) -> frozenset[str]:
    return frozenset({app.config["SESSION_COOKIE_NAME"], *app.extensions.get(PERSONAL_COOKIES, ())})


def _note(session, classes) -> None:
    if any(issubclass(cls, WATCHED) for cls in classes):
        session.info["content_changed"] = True
    if SiteSetting in classes:
        session.info["settings_changed"] = True


def _note_changes(session, _context):
    _note(session, {type(row) for row in (*session.new, *session.dirty, *session.deleted)})


def _note_bulk_changes(state):
    # UPDATE/DELETE statements on models (sa.update(Post)...) bypass after_flush.
    if state.is_update or state.is_delete:
        _note(state.session, {mapper.class_ for mapper in state.all_mappers})


BUMPED = "dreamweaver.bumped"


def _bump_on_commit(session):
    session.flush()
    bumped = {}
    if session.info.pop("settings_changed", False):
        bumped[SETTINGS] = bump(session, SETTINGS)
    if session.info.pop("content_changed", False):
        bumped[CONTENT] = bump(session)
    if bumped:
        session.info[BUMPED] = bumped


def _read_again(session):
    # This request wrote: what it renders next must not come from before. The
    # numbers its own bump wrote are enough (what it reads next can only be as
    # new or newer), so a commit that bumped asks the database nothing more.
    bumped = session.info.pop(BUMPED, None)
    if session.info.get(ONLY_READ) or not (has_app_context() and "content_generation" in g):
        return
    if bumped:
        _remember(Generations(bumped.get(CONTENT, g.content_generation),
                              bumped.get(SETTINGS, g.settings_generation)))
    else:
        _remember(read_generations(db.engine))


def _forget(session):
    session.info.pop("content_changed", None)
    session.info.pop("settings_changed", None)
    session.info.pop(BUMPED, None)


LISTENERS = (
    ("after_flush", _note_changes),
    ("do_orm_execute", _note_bulk_changes),
    ("before_commit", _bump_on_commit),
    ("after_commit", _read_again),
    ("after_rollback", _forget),
)


def init_app(app):
    """Everything the caches hang on, in the order it must run: the session
    listeners (once per process, whatever the number of apps), the generation
    read as the first before-request hook, and the page cache around the app,
    its store registered first so that it is the last after-request hook
    (Flask runs them in reverse), on the response as it leaves."""
    from . import pages

    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.before_request(read_first)
    app.wsgi_app = pages.PageCache(app.wsgi_app, app)
    app.after_request(pages.revalidate)
