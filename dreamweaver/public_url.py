"""The site's public address, for links made to be followed from elsewhere
(emails now, federation next): SITE_URL when it is set, else the address of
the request being served (DESIGN.md, "SITE_URL").

Work done outside a request (the worker's tasks) gets a request context on
SITE_URL, or on http://localhost when it is unset, so url_for works the same.
"""

from __future__ import annotations

import contextlib

from flask import current_app, has_request_context, url_for


def configured() -> str | None:
    site = current_app.config.get("SITE_URL")
    return site.rstrip("/") if site else None


def public_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint`, on SITE_URL when it is set (in a
    request or not)."""
    site = configured()
    with request_context():
        if site:
            return site + url_for(endpoint, **values)
        return url_for(endpoint, _external=True, **values)


def absolute(path: str) -> str:
    """`path` (starting with /) made absolute the same way."""
    return public_url("blog.index").rstrip("/") + path


def host() -> str:
    """The site's host name: for Message-IDs and default sender addresses."""
    from urllib.parse import urlsplit

    return urlsplit(public_url("blog.index")).hostname or "localhost"


@contextlib.contextmanager
def request_context():
    """A request context to build URLs and render templates in: the current
    one inside a request, else one on the site's public address."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=configured() or "http://localhost/"):
        yield
