"""Backups of the site: the SQLite database and the media files in one
archive, made and put back while the site runs.

SQLite's online backup API copies page by page under its own locking, so
readers and writers carry on and the copy is one consistent moment of the
database (unlike copying the file, which can catch a write half done or miss
what is still in the WAL). PostgreSQL has its own tools: see the README.

The archive is a tar file (media are compressed already): database.sqlite,
then media/<key> for every file the copied database's media rows name (each
original and its variants), read through the storage (a folder or a bucket
alike), then manifest.json with each member's size and SHA-256. A restore
checks every member against the manifest (and nothing else may be in it)
before it changes anything; then it writes the media files (new names, as
keys never change: the live site is untouched if this fails) and only then
puts the database in place. A plain SQLite file, a backup made before media
existed, restores as before.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from . import instance
from .caching import CONTENT, SETTINGS
from .extensions import db
from .media import storage
from .media.images import FORMATS
from .media.keys import is_key

PAGES_PER_STEP = 1024  # then let writers in before the next step
FORMAT = "dreamweaver-backup"
VERSION = 1
DATABASE = "database.sqlite"
MANIFEST = "manifest.json"
MEDIA = "media/"
CHUNK = 1024 * 1024
MIME = {extension: mime for mime, extension in FORMATS.values()}


class BackupError(Exception):
    """Said to the owner as it is; nothing was changed."""


def _live():
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise BackupError(
            f"backup and restore copy SQLite databases; this site uses {engine.dialect.name}. "
            "Use pg_dump and pg_restore (see README, Backups).")
    return engine


@dataclass
class Made:
    size: int = 0  # bytes of the archive
    files: int = 0  # media files in it
    missing: list[str] = field(default_factory=list)  # named by a row, not in the storage


def backup(target: Path) -> Made:
    """Write an archive of the live database and its media files to `target`
    (atomically: a temporary file renamed into place)."""
    engine = _live()
    target = target.resolve()
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name.")
    partial = str(target.parent / f".backup-{secrets.token_hex(8)}")
    copy = partial + ".sqlite"
    os.close(instance.create_private(partial, exclusive=True))
    os.close(instance.create_private(copy, exclusive=True))
    try:
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(copy) as connection:
                raw.driver_connection.backup(connection, pages=PAGES_PER_STEP)
                connection.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check(Path(copy))
        finally:
            raw.close()
        made = _archive(Path(copy), Path(partial))
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    finally:
        Path(copy).unlink(missing_ok=True)
    made.size = target.stat().st_size
    return made


def _media_keys(database: Path) -> list[str]:
    """Every file the media rows of `database` name: originals and variants."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        try:
            rows = connection.execute("SELECT key, variants FROM media ORDER BY id").fetchall()
        except sqlite3.OperationalError:  # a database from before media
            return []
    keys = []
    for key, variants in rows:
        keys.append(key)
        keys.extend(variant["key"] for variant in json.loads(variants or "[]"))
    return keys


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _archive(database: Path, path: Path) -> Made:
    made = Made()
    manifest = {"format": FORMAT, "version": VERSION,
                "created": datetime.now(UTC).isoformat(timespec="seconds"), "files": {}}
    store = storage.current()
    with open(path, "wb") as out, tarfile.open(fileobj=out, mode="w") as archive:
        manifest["files"][DATABASE] = _add(archive, DATABASE, database.read_bytes())
        for key in _media_keys(database):
            try:
                with store.open(key) as stream:
                    data = stream.read()
            except FileNotFoundError:
                made.missing.append(key)
                continue
            manifest["files"][MEDIA + key] = _add(archive, MEDIA + key, data)
            made.files += 1
        manifest["missing"] = made.missing
        _add(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
        out.flush()
        os.fsync(out.fileno())
    return made


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
    """The highest of the content and settings generations."""
    try:
        row = connection.execute("SELECT max(value) FROM site_state WHERE key IN (?, ?)",
                                 (CONTENT, SETTINGS)).fetchone()
    except sqlite3.OperationalError:  # a database from before site_state
        return 0
    return (row[0] if row else 0) or 0


def restore(source: Path, confirm=lambda: None) -> int:
    """Put `source` (a backup) in place of the live database, in one step that
    readers never see half done, after its media files. `confirm()` is asked
    once the file has passed its checks, and may raise to stop. Returns the
    number of media files written."""
    engine = _live()
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    if not tarfile.is_tarfile(source):
        check(source)  # a database alone: a backup from before media
        confirm()
        _put_database(engine, source)
        return 0
    with tempfile.TemporaryDirectory(prefix="dreamweaver-restore-") as work:
        database = Path(work) / DATABASE
        media = verify(source, database)
        check(database)
        confirm()
        written = _put_media(source, media)
        _put_database(engine, database)
    return written


def _bad(source: Path, why: str) -> BackupError:
    return BackupError(f"{source} is not an intact backup: {why}. Nothing was changed.")


def verify(source: Path, database: Path) -> dict[str, dict]:
    """Check every member of the archive against its manifest (size, SHA-256,
    nothing missing, nothing more, no name that is not ours) and extract the
    database to `database`; the media members' manifest entries."""
    found: dict[str, dict] = {}
    manifest = None
    try:
        with tarfile.open(source, mode="r:") as archive:
            for member in archive:
                name = member.name
                if name in found or name == MANIFEST and manifest is not None:
                    raise _bad(source, f"{name} is in it twice")
                if not member.isfile():
                    raise _bad(source, f"{name} is not a regular file")
                if name not in (DATABASE, MANIFEST) and not (
                        name.startswith(MEDIA) and is_key(name[len(MEDIA):])):
                    raise _bad(source, f"it holds {name!r}, which no backup holds")
                stream = archive.extractfile(member)
                if name == MANIFEST:
                    manifest = _manifest(source, stream.read(1024 * 1024 * 64))
                    continue
                digest, size = hashlib.sha256(), 0
                with open(database, "wb") if name == DATABASE else _Discard() as out:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[name] = {"size": size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, OSError, EOFError) as error:
        raise _bad(source, f"the archive cannot be read ({error})") from None
    if manifest is None:
        raise _bad(source, "it has no manifest")
    listed = manifest["files"]
    for name, expected in listed.items():
        if name not in found:
            raise _bad(source, f"{name} is missing")
        if found[name] != {"size": expected.get("size"), "sha256": expected.get("sha256")}:
            raise _bad(source, f"{name} does not match its size and SHA-256 in the manifest")
    extra = sorted(set(found) - set(listed))
    if extra:
        raise _bad(source, f"{extra[0]} is not in the manifest")
    if DATABASE not in found:
        raise _bad(source, "it holds no database")
    return {name[len(MEDIA):]: entry for name, entry in listed.items() if name.startswith(MEDIA)}


class _Discard:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, chunk):
        pass


def _manifest(source: Path, data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except ValueError:
        raise _bad(source, "its manifest is not JSON") from None
    if (not isinstance(manifest, dict) or manifest.get("format") != FORMAT
            or not isinstance(manifest.get("files"), dict)):
        raise _bad(source, "its manifest is not a Dreamweaver backup's")
    if manifest.get("version") != VERSION:
        raise _bad(source, f"it is version {manifest.get('version')!r} of the format; this "
                           f"site reads version {VERSION}")
    return manifest


def _put_media(source: Path, media: dict[str, dict]) -> int:
    """Every media file of the archive into the storage, each checked again as
    it is written. Keys never change, so none of these replaces a live file
    with other content: until the database is swapped, the live site is as it
    was. Files that only the live site had are left to the sweep."""
    store = storage.current()
    written = 0
    with tarfile.open(source, mode="r:") as archive:
        for member in archive:
            key = member.name[len(MEDIA):]
            if not member.name.startswith(MEDIA) or key not in media:
                continue
            data = archive.extractfile(member).read()
            if hashlib.sha256(data).hexdigest() != media[key]["sha256"]:
                raise _bad(source, f"{member.name} changed while it was restored")
            store.save(key, data, MIME[key.rsplit(".", 1)[1]])
            written += 1
    return written


def _put_database(engine, source: Path) -> None:
    engine.dispose()  # no pooled connection keeps reading the old pages
    raw = engine.raw_connection()
    try:
        live = raw.driver_connection
        before = _generation(live)
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_copy:
            backup_copy.backup(live, pages=PAGES_PER_STEP)
        # Caches are keyed by the content and settings generations: move both
        # past every value the live site used, or a cache could answer with
        # pages (or settings) of the old data.
        live.execute("UPDATE site_state SET value = max(value, ?) + 1 WHERE key IN (?, ?)",
                     (before, CONTENT, SETTINGS))
    finally:
        raw.close()
    engine.dispose()
    current_app.logger.info("Restored the database from %s", source)
