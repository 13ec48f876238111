"""Where rate-limit counters live, so that a limit holds for the whole site and
not for each worker process.

Unset RATELIMIT_STORAGE_URI means: Redis when CACHE_REDIS_URL is set (shared by
every machine), else a small SQLite file in the instance folder (shared by the
workers of one machine, no configuration). `memory://` stays selectable; it
counts per process, so N workers let N times the limit through.

The SQLite storage registers the `sqlite` scheme with the `limits` library and
implements what Flask-Limiter's fixed-window strategy (its default) calls.
"""

import os
import sqlite3
import threading
import time

from limits.storage import Storage

FILE_NAME = "ratelimits.sqlite3"
SCHEME = "sqlite:///"


def configure(app) -> None:
    """Fill in RATELIMIT_STORAGE_URI when it is unset; resolve a relative SQLite
    path against the instance folder, as Flask-SQLAlchemy does for the database."""
    config = app.config
    uri = config.get("RATELIMIT_STORAGE_URI")
    if not uri:
        redis = config.get("CACHE_REDIS_URL")
        if redis:
            uri = "redis+" + redis if redis.startswith("unix://") else redis
        else:
            uri = SCHEME + FILE_NAME
    if uri.startswith(SCHEME) and not os.path.isabs(uri[len(SCHEME):]):
        uri = SCHEME + os.path.join(app.instance_path, uri[len(SCHEME):])
    config["RATELIMIT_STORAGE_URI"] = uri


class SQLiteStorage(Storage):
    """Counters in one SQLite file (WAL), shared by every process that opens it.

    Each increment is one IMMEDIATE transaction: concurrent workers queue on
    the file's write lock, so two of them can never both pass the 10th attempt.
    Expired windows are deleted in the same transaction (an index range that
    is almost always empty), so the file stays as small as the live counters.
    Connections are opened lazily, one per process and thread: a connection
    must not cross a fork, and one made at import would.
    """

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri.startswith(SCHEME) or not uri[len(SCHEME):]:
            raise ValueError(f"expected sqlite:///<path> for the rate-limit storage, got {uri!r}")
        self.path = uri[len(SCHEME):]
        self._local = threading.local()

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.connection, local.pid = self._connect(), os.getpid()
        return local.connection

    def _connect(self) -> sqlite3.Connection:
        # Made private before SQLite first opens it: the keys hold readers' addresses.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                     check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        # A counter lost to a power cut costs nothing; an fsync per attempt would.
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, "
            "count INTEGER NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID")
        connection.execute(
            "CREATE INDEX IF NOT EXISTS counters_expires_at ON counters (expires_at)")
        return connection

    def _write(self, *statements: tuple[str, tuple]) -> list:
        """Run the statements in one write transaction; the last one's rows."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            for sql, parameters in statements:
                rows = connection.execute(sql, parameters).fetchall()
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return rows

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """The key's count after adding `amount`; a new window starts at its first hit."""
        now = time.time()
        rows = self._write(
            ("DELETE FROM counters WHERE expires_at <= ?", (now,)),
            ("INSERT INTO counters (key, count, expires_at) VALUES (?, ?, ?) "
             "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count "
             "RETURNING count", (key, amount, now + expiry)),
        )
        return rows[0][0]

    def _live(self, key: str):
        return self._connection().execute(
            "SELECT count, expires_at FROM counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()

    def get(self, key: str) -> int:
        row = self._live(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1 FROM counters LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return len(self._write(("DELETE FROM counters RETURNING 1", ())))

    def clear(self, key: str) -> None:
        self._write(("DELETE FROM counters WHERE key = ?", (key,)))
