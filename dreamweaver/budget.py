"""Time budgets: the guard of last resort against a request that runs too long.

The input limits (htmlshape.py) keep sanitizing and rendering fast; these
budgets are for the slow path nobody has found yet. A budget is a deadline on
a stack; one SIGALRM timer is armed for the earliest, and when it fires the
code running is interrupted with that deadline's exception: InputTooSlow
(422, the text is refused) inside `for_input`, RequestTimedOut (503) for the
request as a whole, well before gunicorn's own timeout would kill the worker
and leave the reader with an empty reply.

Signals reach only the main thread: gunicorn's sync workers (and the test
client) run requests there. In a threaded development server the budgets are
off, and the input limits alone bound the work.
"""

import signal
import threading
import time
from contextlib import contextmanager

from flask import current_app, g, has_app_context


class InputTooSlow(Exception):
    """Sanitizing or rendering someone's text took longer than its budget."""

    def __init__(self, message: str = "This text takes too long to process. Please "
                                      "shorten or simplify it."):
        super().__init__(message)


class RequestTimedOut(Exception):
    """The request as a whole ran past REQUEST_TIME_LIMIT."""


_deadlines: list[tuple[float, Exception]] = []


def _armed() -> bool:
    return threading.current_thread() is threading.main_thread()


def _arm() -> None:
    if _deadlines:
        left = min(deadline for deadline, _ in _deadlines) - time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6))
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _on_alarm(signum, frame):
    now = time.monotonic()
    expired = [error for deadline, error in _deadlines if deadline <= now]
    if expired:
        # The innermost: an input's budget says more than the request's.
        raise expired[-1]
    _arm()


def start(seconds: float, error: Exception) -> object | None:
    """Begin a budget; returns a handle for stop(), or None where none can run."""
    if not seconds or seconds <= 0 or not _armed():
        return None
    if signal.getsignal(signal.SIGALRM) is not _on_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
    entry = (time.monotonic() + seconds, error)
    _deadlines.append(entry)
    _arm()
    return entry


def stop(handle: object | None) -> None:
    if handle is None:
        return
    if handle in _deadlines:
        _deadlines.remove(handle)
    _arm()


@contextmanager
def within(seconds: float, error: Exception):
    handle = start(seconds, error)
    try:
        yield
    finally:
        stop(handle)


def for_input():
    """The budget for sanitizing or rendering one person's text (INPUT_TIME_LIMIT)."""
    seconds = current_app.config["INPUT_TIME_LIMIT"] if has_app_context() else 1.0
    return within(seconds, InputTooSlow())


def init_app(app) -> None:
    """The whole-request budget, from the first before-request hook on."""

    @app.before_request
    def _start_request_budget():
        g.request_budget = start(app.config["REQUEST_TIME_LIMIT"], RequestTimedOut())

    @app.teardown_request
    def _stop_request_budget(error=None):
        stop(g.pop("request_budget", None))
