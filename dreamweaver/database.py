"""Engine set-up: the database URI, SQLite's pragmas and its transaction mode."""

import functools
import os
import sqlite3
import weakref

from flask import g, has_request_context, request
from sqlalchemy import event

from . import instance, writelock
from .config import database_uri
from .extensions import db

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT = 5  # seconds, as PRAGMA busy_timeout
# In a session's info while it commits a transaction that only read.
ONLY_READ = "dreamweaver.only_read"


def configure(app):
    """Fill in the database settings before Flask-SQLAlchemy builds the engine."""
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = "sqlite:///" + app.instance_path + "/dreamweaver.sqlite"
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(uri)
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        connect_args = options.setdefault("connect_args", {})
        connect_args.setdefault("timeout", BUSY_TIMEOUT)
        connect_args.setdefault("factory", writelock.Connection)
    else:
        options.setdefault("pool_pre_ping", True)


# Every engine of this process: a forked child (gunicorn's workers fork from the
# app the master built, preload_app) must not use the parent's connections.
_ENGINES = weakref.WeakSet()


def _forget_inherited_connections():
    # close=False: the sockets still belong to the parent, which may use them.
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)


def init_app(app):
    with app.app_context():
        engine = db.engine
        _ENGINES.add(engine)
        if engine.dialect.name == "sqlite":
            path = engine.url.database
            _private_database(path)
            lock = None
            if path and path != ":memory:" and not path.startswith("file:"):
                lock = writelock.for_database(path, instance.file_mode())
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", functools.partial(_sqlite_begin, lock))


def _private_database(path: str | None) -> None:
    """The database file made private before SQLite first opens it: SQLite
    creates its -wal and -shm files with the database file's mode, so they are
    private too. A database made before this (0644) is tightened, with them."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(instance.create_private(path, exclusive=True))
    except FileExistsError:
        for suffix in ("", "-wal", "-shm", "-journal", writelock.SUFFIX):
            instance.tighten(path + suffix)
    except OSError:
        pass  # no such folder, or not ours to write: SQLite will say so on connect


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record):
    # Take transaction control away from pysqlite so that "begin" below decides.
    dbapi_connection.isolation_level = None
    for pragma in SQLITE_PRAGMAS:
        dbapi_connection.execute(pragma)


def only_reads_from_here() -> None:
    """What follows in this request only reads (until writes_from_here): on
    SQLite its transactions begin deferred and keep no other writer waiting.
    For a view that checks before it writes, or that has committed its write
    and now renders its answer."""
    g.db_only_reads = True


def writes_from_here() -> None:
    """This request writes next: on SQLite, the reading transaction it is in
    ends (without expiring what it loaded: it changed nothing) so that the
    next begins IMMEDIATE, with the write lock. Elsewhere the transaction
    goes on."""
    reading = g.pop("db_only_reads", False)
    session = db.session()
    if reading and session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        keep, session.expire_on_commit = session.expire_on_commit, False
        session.info[ONLY_READ] = True
        try:
            session.commit()
        finally:
            session.expire_on_commit = keep
            session.info.pop(ONLY_READ, None)


def session_writes() -> bool:
    """Whether this request's (or task's, or command's) session is the one
    that writes: not a reader's request (GET, or a view that said it only
    reads), whose transaction on SQLite is a deferred snapshot."""
    return not (has_request_context()
                and (request.method in SAFE_METHODS or g.get("db_only_reads")))


def _sqlite_begin(lock, connection):
    # Requests that may write (and CLI commands) take the write lock up front,
    # so a concurrent writer waits for it instead of failing with "database is
    # locked" when it upgrades a read transaction. Reads stay deferred so they
    # never queue behind writers (WAL lets them run).
    if not session_writes():
        connection.exec_driver_sql("BEGIN")
        return
    dbapi = connection.connection.dbapi_connection
    if lock is not None and isinstance(dbapi, writelock.Connection):
        dbapi.lock_for_writing(lock, BUSY_TIMEOUT)
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if isinstance(dbapi, writelock.Connection):
            dbapi.unlock()
        raise
