"""Engine set-up: the database URI, SQLite's pragmas and its transaction mode."""

import os
import sqlite3
import weakref

from flask import has_request_context, request
from sqlalchemy import event

from . import instance
from .config import database_uri
from .extensions import db

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure(app):
    """Fill in the database settings before Flask-SQLAlchemy builds the engine."""
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = "sqlite:///" + app.instance_path + "/dreamweaver.sqlite"
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(uri)
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 5)
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
            _private_database(engine.url.database)
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)


def _private_database(path: str | None) -> None:
    """The database file made private before SQLite first opens it: SQLite
    creates its -wal and -shm files with the database file's mode, so they are
    private too. A database made before this (0644) is tightened, with them."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(instance.create_private(path, exclusive=True))
    except FileExistsError:
        for suffix in ("", "-wal", "-shm", "-journal"):
            instance.tighten(path + suffix)
    except OSError:
        pass  # no such folder, or not ours to write: SQLite will say so on connect


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record):
    # Take transaction control away from pysqlite so that "begin" below decides.
    dbapi_connection.isolation_level = None
    for pragma in SQLITE_PRAGMAS:
        dbapi_connection.execute(pragma)


def _sqlite_begin(connection):
    # Requests that may write (and CLI commands) take the write lock up front,
    # so a concurrent writer waits on busy_timeout instead of failing with
    # "database is locked" when it upgrades a read transaction. Reads stay
    # deferred so they never queue behind writers (WAL lets them run).
    if has_request_context() and request.method in SAFE_METHODS:
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
