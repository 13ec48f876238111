"""A connection of its own for the one statement every request runs first (the
generations), outside the pool, on PostgreSQL.

Through the pool that read cost seven times the statement itself: a checkout
with its ping, an implicit BEGIN and a rollback on return, each a round trip:
520 µs against 67 µs (bench/README.md). Here it is one autocommit statement
on a connection kept per engine, process and thread. SQLite keeps the pool:
there the whole pooled read is 17 µs, and an in-memory database lives in its
one pooled connection.

A process forked from one that had such a connection (gunicorn's workers fork
from the master, which rendered a page to warm up) opens its own, and keeps the
inherited one unclosed: closing it would end the parent's session.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref

from sqlalchemy import event

_LOCALS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# A parent's connections, held (never closed, never used) by a forked child.
_INHERITED: list = []


def run(engine, sql: str) -> list[tuple]:
    """The rows of `sql` (a constant read) on the engine's own connection; one
    fresh try if it was lost (the server restarted, or closed it when idle)."""
    if engine.dialect.name != "postgresql":
        return _pooled(engine, sql)
    try:
        return _execute(_connection(engine), sql)
    except engine.dialect.loaded_dbapi.Error:
        _close(engine)
        return _execute(_connection(engine), sql)


def _pooled(engine, sql: str) -> list[tuple]:
    raw = engine.raw_connection()
    try:
        return _execute(raw, sql)
    finally:
        raw.close()


def _execute(connection, sql: str) -> list[tuple]:
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _local(engine) -> threading.local:
    local = _LOCALS.get(engine)
    if local is None:
        local = _LOCALS[engine] = threading.local()
        event.listen(engine, "engine_disposed", _close)
    if getattr(local, "pid", None) != os.getpid():
        if getattr(local, "fairy", None) is not None:
            _INHERITED.append(local.fairy)
        local.fairy, local.pid = None, os.getpid()
    return local


def _connection(engine):
    local = _local(engine)
    if local.fairy is None:
        fairy = engine.raw_connection()
        fairy.detach()  # ours until closed: never handed back to the pool
        fairy.dbapi_connection.autocommit = True
        local.fairy = fairy
    return local.fairy.dbapi_connection


def _close(engine) -> None:
    local = _local(engine)
    fairy, local.fairy = local.fairy, None
    if fairy is not None:
        with contextlib.suppress(engine.dialect.loaded_dbapi.Error):  # already gone
            fairy.close()
