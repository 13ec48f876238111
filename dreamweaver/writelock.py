"""SQLite's write lock, queued for in the kernel.

SQLite has one write lock per database, and a writer that finds it taken
sleeps in SQLite's busy handler in growing steps (1, 2, 5, 10 ... 100 ms):
it wakes late, and a worker that commits and begins again takes the lock
back first, again and again, so with a few concurrent writers the unlucky
one waits close to a second. So before a write transaction begins, its
connection takes an flock on a file beside the database: the kernel wakes a
waiter the moment the holder lets go, and SQLite's lock is free by then.
The flock is let go when the transaction ends (commit, rollback, the
connection closed, or its process gone).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading

SUFFIX = "-lock"


class WriteLock:
    """The flock of one database's lock file, for each process that writes it,
    and a thread lock in front of it for the threads of one process (an
    flock is one per open file, not per thread)."""

    def __init__(self, database: str, mode: int):
        self.path, self.mode = database + SUFFIX, mode
        self._pid = None

    def _here(self) -> None:
        # A forked child (a gunicorn worker) opens its own file: an inherited
        # descriptor would share the parent's flock instead of queueing for it.
        if self._pid != os.getpid():
            self._pid, self._fd, self._owner = os.getpid(), None, None
            self._threads = threading.Lock()

    def acquire(self, timeout: float) -> bool:
        """Wait for the lock; False (go on without it, SQLite's own lock still
        guards the write) when this thread already holds it through another
        connection, when another thread of this process keeps it past
        `timeout`, or when the lock file cannot be opened."""
        self._here()
        if self._owner == threading.get_ident():
            return False  # a second connection of this thread: SQLite answers it, as before
        if not self._threads.acquire(timeout=timeout):
            return False
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, self.mode)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError:
            self._threads.release()
            return False
        except BaseException:  # the request's time limit, while waiting
            self._threads.release()
            raise
        self._owner = threading.get_ident()
        return True

    def release(self) -> None:
        self._owner = None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_LOCKS: dict[str, WriteLock] = {}


def for_database(path: str, mode: int) -> WriteLock:
    """The one WriteLock of this process for the database at `path` (however
    many apps use it: two would be two open files, and a thread would queue
    behind itself)."""
    path = os.path.abspath(path)
    return _LOCKS.setdefault(path, WriteLock(path, mode))


class Connection(sqlite3.Connection):
    """A sqlite3 connection that lets its write lock go as its transaction
    ends, after SQLite's own (the connection factory of the engine)."""

    held: WriteLock | None = None

    def lock_for_writing(self, lock: WriteLock, timeout: float) -> None:
        if self.held is None and lock.acquire(timeout):
            self.held = lock

    def unlock(self) -> None:
        held, self.held = self.held, None
        if held is not None:
            held.release()

    def commit(self):
        try:
            super().commit()
        finally:
            self.unlock()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self.unlock()

    def close(self):
        try:
            super().close()
        finally:
            self.unlock()
