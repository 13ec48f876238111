"""Copies of the SQLite database, made and put back while the site runs.

SQLite's online backup API copies page by page under its own locking, so
readers and writers carry on and the copy is one consistent moment of the
database (unlike copying the file, which can catch a write half done or miss
what is still in the WAL). PostgreSQL has its own tools: see the README.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from flask import current_app

from . import instance
from .caching import CONTENT
from .extensions import db

PAGES_PER_STEP = 1024  # then let writers in before the next step


class BackupError(Exception):
    """Said to the owner as it is; nothing was changed."""


def _live():
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise BackupError(
            f"backup and restore copy SQLite databases; this site uses {engine.dialect.name}. "
            "Use pg_dump and pg_restore (see README, Backups).")
    return engine


def backup(target: Path) -> int:
    """Write a consistent copy of the live database to `target` (atomically:
    a temporary file renamed into place). Returns its size in bytes."""
    engine = _live()
    target = target.resolve()
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name.")
    partial = str(target.parent / f".backup-{secrets.token_hex(8)}")
    os.close(instance.create_private(partial, exclusive=True))
    try:
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(partial) as copy:
                raw.driver_connection.backup(copy, pages=PAGES_PER_STEP)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check(Path(partial))
        finally:
            raw.close()
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return target.stat().st_size


def check(path: Path) -> None:
    """A readable SQLite file whose integrity check passes and that holds a
    Dreamweaver schema; BackupError otherwise."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error}).") from None
    if result != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result}")
    if not {"alembic_version", "posts", "comments"} <= tables:
        raise BackupError(f"{path} is an SQLite database, but not a Dreamweaver one.")


def _generation(connection) -> int:
    try:
        row = connection.execute("SELECT value FROM site_state WHERE key = ?",
                                 (CONTENT,)).fetchone()
    except sqlite3.OperationalError:  # a database from before site_state
        return 0
    return row[0] if row else 0


def restore(source: Path, confirm=lambda: None) -> None:
    """Put `source` (a backup) in place of the live database, in one step that
    readers never see half done. `confirm()` is asked once the file has passed
    its checks, and may raise to stop."""
    engine = _live()
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    check(source)
    confirm()
    engine.dispose()  # no pooled connection keeps reading the old pages
    raw = engine.raw_connection()
    try:
        live = raw.driver_connection
        before = _generation(live)
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_copy:
            backup_copy.backup(live, pages=PAGES_PER_STEP)
        # Caches are keyed by the content generation: move it past every value
        # the live site used, or a cache could answer with pages of the old data.
        live.execute("UPDATE site_state SET value = max(value, ?) + 1 WHERE key = ?",
                     (before, CONTENT))
    finally:
        raw.close()
    engine.dispose()
    current_app.logger.info("Restored the database from %s", source)
