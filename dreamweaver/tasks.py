"""The one task queue for everything slow: image variants now, mail and
federation deliveries next.

huey, because it is the only candidate that runs embedded on one machine
with nothing else installed (its SQLite storage, a file in the instance
folder) and across machines through Redis with the same code; rq needs Redis
even on one machine and procrastinate needs PostgreSQL (docs/decisions.md).

Tasks are plain functions marked with @task; init_app binds them to the app's
queue, inside an app context. enqueue() sends one only once the current
transaction has committed, so a worker never looks for a row that is not
there yet, and a rolled-back request sends nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import current_app
from huey import RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db

PENDING = "dreamweaver.tasks"


@dataclass(frozen=True)
class Task:
    function: object
    retries: int
    retry_delay: int
    retry_backoff: float
    timeout: int | None


_TASKS: dict[str, Task] = {}
_PERIODIC: dict[str, tuple[object, dict]] = {}


def _name(function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def task(*, retries: int = 3, retry_delay: int = 10, retry_backoff: float = 2.0,
         timeout: int | None = 300):
    """Mark `function` as a task; it stays callable directly."""
    def register(function):
        _TASKS[_name(function)] = Task(function, retries, retry_delay, retry_backoff, timeout)
        return function
    return register


def periodic(**when):
    """Mark `function` to run on the worker at crontab `when` (minute=, hour=, ...)."""
    def register(function):
        _PERIODIC[_name(function)] = (function, when)
        return function
    return register


def enqueue(function, *args) -> None:
    """Run `function(*args)` in the background after the current transaction commits
    (at once when no transaction is open). Arguments are pickled: pass ids."""
    name = _name(function)
    if name not in _TASKS:
        raise LookupError(f"{name} is not a task")
    session = db.session()
    if session.in_transaction():
        session.info.setdefault(PENDING, []).append((name, args))
    else:
        _send(name, args)


def queue():
    return current_app.extensions["tasks"]


def _send(name: str, args: tuple) -> None:
    current_app.extensions["task_wrappers"][name](*args)


def _send_after_commit(session):
    for name, args in session.info.pop(PENDING, ()):
        _send(name, args)


def _drop_after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:  # the outermost, not a savepoint
        session.info.pop(PENDING, None)


def make_queue(app):
    """Redis when TASKS_REDIS_URL (or the cache's CACHE_REDIS_URL) is set, else a
    SQLite file (in the instance folder unless TASKS_SQLITE_PATH says where);
    TASKS_INLINE runs each task at once, in the process that sends it."""
    inline = bool(app.config["TASKS_INLINE"])
    url = app.config.get("TASKS_REDIS_URL") or app.config.get("CACHE_REDIS_URL")
    if url:
        return RedisHuey("dreamweaver", url=url, results=False, immediate=inline)
    filename = app.config.get("TASKS_SQLITE_PATH") or os.path.join(app.instance_path,
                                                                   "tasks.sqlite3")
    return SqliteHuey("dreamweaver", filename=filename, results=False, immediate=inline)


def _in_app(app, function):
    def run(*args):
        with app.app_context():
            return function(*args)
    # huey names a task after its function's module and name: the task's own.
    run.__module__, run.__name__ = function.__module__, function.__name__
    return run


def init_app(app):
    """Bind every task defined so far (create_app calls this once all areas
    are imported) to the app's queue."""
    huey = make_queue(app)
    wrappers = {}
    for name, spec in _TASKS.items():
        wrappers[name] = huey.task(
            retries=spec.retries, retry_delay=spec.retry_delay,
            retry_backoff=spec.retry_backoff, timeout=spec.timeout,
        )(_in_app(app, spec.function))
    for function, when in _PERIODIC.values():
        huey.periodic_task(crontab(**when))(_in_app(app, function))
    app.extensions["tasks"] = huey
    app.extensions["task_wrappers"] = wrappers
    for name, listener in (("after_commit", _send_after_commit),
                           ("after_soft_rollback", _drop_after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def run_worker(app, workers: int = 2) -> None:
    """The consumer `flask worker` runs: threads, and the periodic tasks."""
    # An idle consumer polls SQLite at most a second apart (huey's default backs
    # off to 10 s, which an uploader would wait through); Redis blocks instead.
    consumer = app.extensions["tasks"].create_consumer(
        workers=workers, worker_type="thread", periodic=True, check_worker_health=True,
        max_delay=1.0)
    consumer.run()
