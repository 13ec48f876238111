"""Time budgets: the guard of last resort against a request that runs too long.

The input limits (htmlshape.py) keep sanitizing and rendering fast; these
budgets are for the slow path nobody has found yet. Two clocks, each a stack
of deadlines with one interval timer armed for the earliest:

- `for_input()`: CPU time (ITIMER_PROF) spent sanitizing or rendering one
  person's text, INPUT_TIME_LIMIT seconds; past it, InputTooSlow (a 422:
  the text is refused). CPU, not wall time, so a busy machine does not
  refuse a text that is merely waiting its turn.
- the request as a whole: wall time (ITIMER_REAL), REQUEST_TIME_LIMIT
  seconds from the first before-request hook; past it, RequestTimedOut (our
  503 page), well before gunicorn's own timeout would kill the worker and
  leave the reader with an empty reply.

Signals reach only the main thread: gunicorn's sync workers (and the test
client) run requests there. In a threaded development server the budgets are
off, and the input limits alone bound the work.
"""

import gc
import signal
import threading
import time

from flask import current_app, g, has_app_context


class InputTooSlow(Exception):
    """Sanitizing or rendering someone's text took longer than its budget."""

    def __init__(self, message: str = "This text takes too long to process. Please "
                                      "shorten or simplify it."):
        super().__init__(message)


class RequestTimedOut(Exception):
    """The request as a whole ran past REQUEST_TIME_LIMIT."""


class _Clock:
    """Deadlines on one clock, and the interval timer that enforces them."""

    # Once a deadline has passed, the timer fires again this often until the
    # budget is stopped: an exception raised inside a __del__ or a garbage
    # collector callback is swallowed by the interpreter, so one shot might be
    # lost. A `with` block stops its budget as the exception leaves it; the
    # request's is stopped by its error handler.
    REPEAT = 0.01

    EARLY = 0.01

    def __init__(self, timer: int, signum: int, now):
        self.timer, self.signum, self.now = timer, signum, now
        self.deadlines: list[tuple[float, Exception]] = []

    def start(self, seconds: float, error: Exception) -> tuple[float, Exception] | None:
        if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return None
        if signal.getsignal(self.signum) != self._fire:
            signal.signal(self.signum, self._fire)
        entry = (self.now() + seconds, error)
        self.deadlines.append(entry)
        try:
            self._arm()
        except BaseException:
            # Expired while being armed: nothing is left behind to fire later.
            self.stop(entry)
            raise
        return entry

    def stop(self, entry) -> None:
        if entry is None:
            return
        if entry in self.deadlines:
            self.deadlines.remove(entry)
        self._arm()

    def _arm(self) -> None:
        if self.deadlines:
            left = min(deadline for deadline, _ in self.deadlines) - self.now()
            signal.setitimer(self.timer, max(left, 1e-6))
        else:
            signal.setitimer(self.timer, 0)

    def _fire(self, signum, frame):
        # The kernel samples CPU time by the tick, so a CPU timer can fire a
        # little before the clock we read says the deadline has come.
        now = self.now() + self.EARLY
        expired = [error for deadline, error in self.deadlines if deadline <= now]
        if not expired:
            self._arm()
            return
        signal.setitimer(self.timer, self.REPEAT)
        raise expired[-1]  # the innermost


_CPU = _Clock(signal.ITIMER_PROF, signal.SIGPROF, time.process_time)
_WALL = _Clock(signal.ITIMER_REAL, signal.SIGALRM, time.monotonic)


class _Budget:
    def __init__(self, clock: _Clock, seconds: float, error: Exception, pause_gc: bool = False):
        self.clock, self.seconds, self.error = clock, seconds, error
        self.pause_gc = pause_gc

    def __enter__(self):
        self.paused = self.pause_gc and gc.isenabled()
        if self.paused:
            gc.disable()
        self.entry = self.clock.start(self.seconds, self.error)
        return self

    def __exit__(self, *exc):
        self.clock.stop(self.entry)
        if self.paused:
            gc.enable()
        return False


def within(seconds: float, error: Exception, cpu: bool = False) -> _Budget:
    """A budget of `seconds` (wall time, or CPU time with cpu=True) after which
    the code running is interrupted with `error`.

    A CPU budget measures one text's work, so the cyclic garbage collector
    waits until it ends: a full collection that happened to start inside it
    walks every object of the process (0.7 s of CPU with 700,000 alive, as in
    a long test run with boto3 and moto loaded) and would refuse an ordinary
    text. What the text allocates meanwhile is bounded by the input limits."""
    return _Budget(_CPU if cpu else _WALL, seconds, error, pause_gc=cpu)


def for_input() -> _Budget:
    """The CPU budget for sanitizing or rendering one person's text."""
    seconds = current_app.config["INPUT_TIME_LIMIT"] if has_app_context() else 1.0
    return within(seconds, InputTooSlow(), cpu=True)


def init_app(app) -> None:
    """The whole-request budget, from the first before-request hook on."""

    @app.before_request
    def _start_request_budget():
        g.request_budget = _WALL.start(app.config["REQUEST_TIME_LIMIT"], RequestTimedOut())

    @app.teardown_request
    def _stop_request_budget(error=None):
        stop_request()


def stop_request() -> None:
    """End this request's budget (its error page must not be interrupted)."""
    _WALL.stop(g.pop("request_budget", None))
