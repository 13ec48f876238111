"""Static files addressed by their content, so browsers may keep them for a year.

`static_url("css/site.css")` is the file's URL with `?v=<hash of its bytes>`;
a request that names the current hash gets `Cache-Control: public,
max-age=31536000, immutable`, any other the usual revalidation. A deploy
that changes a file changes its URL, so no reader ever runs old CSS or JS.
The favicon is small enough to travel inside the page as a data: URI (the
CSP's img-src allows data:), which saves every first visit a request.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import cache

from flask import current_app, request, url_for

YEAR = 365 * 24 * 3600
FAVICON = "images/favicon.svg"


@cache
def _fingerprint(path: str, _mtime: float) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def fingerprint(filename: str) -> str | None:
    """The file's content hash; files change only with a deploy (a restart), so
    outside debug the first answer stands, and no page pays a stat() per link."""
    path = os.path.join(current_app.static_folder, filename)
    try:
        return _fingerprint(path, os.path.getmtime(path) if current_app.debug else 0.0)
    except OSError:
        return None


def static_url(filename: str) -> str:
    return url_for("static", filename=filename, v=fingerprint(filename))


@cache
def _data_uri(path: str, _mtime: float) -> str:
    with open(path, "rb") as f:
        return "data:image/svg+xml;base64," + base64.b64encode(f.read()).decode("ascii")


def favicon_uri() -> str:
    path = os.path.join(current_app.static_folder, FAVICON)
    return _data_uri(path, os.path.getmtime(path) if current_app.debug else 0.0)


def cache_forever(response):
    """after_request: a fingerprinted static file that matches is immutable."""
    if request.endpoint == "static" and response.status_code in (200, 304):
        version = request.args.get("v")
        if version and version == fingerprint(request.view_args.get("filename", "")):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
    return response


def init_app(app):
    app.after_request(cache_forever)
    app.jinja_env.globals.update(static_url=static_url, favicon_uri=favicon_uri)
