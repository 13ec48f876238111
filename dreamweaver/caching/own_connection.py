"""A connection of its own for the one statement every request runs first (the
generations), outside the pool.

Through the pool that read cost seven times the statement itself on
PostgreSQL: a checkout with its ping, an implicit BEGIN and a rollback on
return, each a round trip: 520 µs against 67 µs (bench/README.md). On SQLite
the pool's checkout and reset were three quarters of a page-cache hit's own
time. Here it is one autocommit statement on a connection kept per engine,
process and thread. An in-memory SQLite database keeps the pool: it lives in
its one pooled connection.

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
    if _in_memory(engine):
        return _pooled(engine, sql)
    try:
        return _execute(_connection(engine), sql)
    except engine.dialect.loaded_dbapi.Error:
        _close(engine)
        return _execute(_connection(engine), sql)


def _in_memory(engine) -> bool:
    if engine.dialect.name != "sqlite":
        return False
    database = engine.url.database or ""
    return database in ("", ":memory:") or "mode=memory" in database


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
    # Only the driver's connection is kept, never SQLAlchemy's wrapper of it:
    # that holds the pool, whose listeners hold the engine, and a value that
    # holds its key would keep every engine (and its connections) alive.
    local = _LOCALS.get(engine)
    if local is None:
        local = _LOCALS[engine] = threading.local()
        event.listen(engine, "engine_disposed", _close)
    if getattr(local, "pid", None) != os.getpid():
        if getattr(local, "connection", None) is not None:
            _INHERITED.append(local.connection)
        local.connection, local.pid = None, os.getpid()
    return local


def _connection(engine):
    local = _local(engine)
    if local.connection is None:
        fairy = engine.raw_connection()
        fairy.detach()  # ours until closed: never handed back to the pool
        if engine.dialect.name != "sqlite":  # there, database.py already made it so
            fairy.dbapi_connection.autocommit = True
        local.connection = fairy.dbapi_connection
        _keep_few(engine)
    return local.connection


# A process serves one engine; one that makes many (a test run, a script)
# keeps the own connections of the last few only, so that engines nobody
# disposed of cannot hold the server's connections.
KEPT = 4
_OPENED: list = []


def _keep_few(engine) -> None:
    _OPENED[:] = [ref for ref in _OPENED if ref() is not None and ref() is not engine]
    _OPENED.append(weakref.ref(engine))
    while len(_OPENED) > KEPT:
        oldest = _OPENED.pop(0)()
        if oldest is not None:
            _close(oldest)


def _close(engine) -> None:
    local = _local(engine)
    connection, local.connection = local.connection, None
    if connection is not None:
        with contextlib.suppress(engine.dialect.loaded_dbapi.Error):  # already gone
            connection.close()
