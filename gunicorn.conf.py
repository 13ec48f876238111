"""gunicorn settings for `make serve` and the benchmarks (`gunicorn -c gunicorn.conf.py app:app`).

Every value can be changed from the environment, so one file serves a laptop,
a small VPS and the benchmark alike.
"""

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
# A worker is replaced after this many requests (with jitter, so not all at once):
# it bounds any slow leak, in our code or a library's.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Behind a reverse proxy, set FLASK_PROXY_FIX_HOPS=1 so the app trusts its
# X-Forwarded-* headers (ProxyFix); gunicorn itself trusts only localhost.
forwarded_allow_ips = "127.0.0.1"
