"""gunicorn settings for `make serve` and the benchmarks (`gunicorn -c gunicorn.conf.py app:app`).

Every value can be changed from the environment, so one file serves a laptop,
a small VPS and the benchmark alike.
"""

import gc
import logging
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request is short (a page is a few ms, most from the page
# cache), so processes, not threads, use the cores; 2 per core plus one covers
# the moments a worker waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # a stuck worker is killed and replaced
# The app stops a request itself (our 503 page) at two thirds of that, so a
# reader never meets gunicorn's kill, which only closes the connection.
os.environ.setdefault("FLASK_REQUEST_TIME_LIMIT", str(round(timeout * 2 / 3, 1)))
graceful_timeout = 30
keepalive = 5
# Workers fork from the app the master built and warmed (when_ready): a new
# worker answers its first request as fast as its thousandth, where building
# the app, compiling the templates and filling the caches took a second. The
# master never serves; each worker forgets the master's database connections
# (database.py). Code changes need a restart, not a HUP.
preload_app = True
# A worker is replaced after this many requests (with jitter, so not all at
# once): it bounds any slow leak, in our code or a library's. Forked from the
# warmed master, a replacement costs a reader nothing; at a few thousand
# requests a second this is still a new worker every minute or so.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Behind a reverse proxy, set FLASK_PROXY_FIX_HOPS=1 so the app trusts its
# X-Forwarded-* headers (ProxyFix); gunicorn itself trusts only localhost.
forwarded_allow_ips = "127.0.0.1"


def when_ready(server):
    """Warm the app in the master, once, before the first worker is forked: every
    template compiled, the URL map built, and one home page rendered (the
    statements SQLAlchemy compiles and the fragments the page cache keeps are
    then the workers' from birth)."""
    app = server.app.wsgi()
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    app.url_map.update()
    try:
        app.test_client().get("/", headers={"Accept-Encoding": "gzip"})
    except Exception:  # noqa: BLE001 - a site not set up yet is warmed by its first reader
        logging.getLogger("gunicorn.error").info("warm-up request failed", exc_info=True)


def pre_fork(server, worker):
    # What the master built is never garbage: frozen, the collector skips it
    # (its passes stay short) and never writes to its pages (the workers'
    # copy-on-write memory stays shared).
    gc.freeze()
