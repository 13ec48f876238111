"""The page cache: what an anonymous reader gets, served again without a view.

A reader who sends none of our cookies sees exactly what every other such
reader sees (DESIGN's anonymous-page rule), so their GET responses are
stored whole: status, headers (security headers and Vary included, the body
already compressed) and body. A key holds the content generation
(freshness.py), so any write anyone makes anywhere moves every worker and
server past the old entries at once; an entry also ends at the next
scheduled publication it knew of, and after PAGE_CACHE_SECONDS at most, so
that the comment form's signed token on a cached page is never old.

Anything personal bypasses the cache both ways: a request with a session,
commenter or post-password cookie is never served from it, and a response
that sets a cookie or varies on one is never stored.

Every public page gets an ETag and `Cache-Control: no-cache`, so browsers and
shared caches revalidate and get a 304 when nothing changed.
"""

from __future__ import annotations

import hashlib

from flask import current_app, g, request, session
from flask_caching.backends import NullCache
from werkzeug.wrappers import Response

from . import commenter, postpass
from .extensions import cache
from .freshness import generation, next_due
from .htmx import VARY_ON
from .models import utcnow

KEPT_HEADERS = frozenset({"content-type", "content-encoding", "vary", "cache-control", "etag",
                          "last-modified", "content-language", "link"})


def personal_cookies() -> set[str]:
    return {current_app.config["SESSION_COOKIE_NAME"], commenter.AUTHOR_COOKIE,
            commenter.HELD_COOKIE, postpass.COOKIE}


def is_anonymous() -> bool:
    """A GET or HEAD from a reader who carries none of our cookies."""
    return request.method in ("GET", "HEAD") and personal_cookies().isdisjoint(request.cookies)


def _enabled() -> bool:
    return current_app.config["PAGE_CACHE"] and not isinstance(cache.cache, NullCache)


def _key() -> str:
    """This request's variant of its URL: the host (links are absolute in feeds
    and metadata), htmx headers and the accepted encoding change the response,
    so they are part of the key (as Vary says)."""
    variant = [request.url]
    variant += [request.headers.get(name, "") for name in (*VARY_ON, "Accept-Encoding")]
    digest = hashlib.sha256("\n".join(variant).encode("utf-8", "surrogateescape")).hexdigest()
    return f"dw:page:{generation()}:{digest}"


def serve_cached():
    """before_request: the stored response, if there is a fresh one."""
    if not (is_anonymous() and _enabled()):
        return None
    g.page_cache_key = _key()
    hit = cache.get(g.page_cache_key)
    if hit is None:
        return None
    status, headers, body, until = hit
    if until is not None and utcnow() >= until:
        return None
    g.page_cache_hit = True
    response = Response(body, status=status, headers=headers)
    response.headers["X-Cache"] = "hit"
    return response


def is_public(response) -> bool:
    """Nothing personal in it: a session the view filled (a form's CSRF token)
    would set its cookie only after every hook has run, so it is asked too."""
    return (is_anonymous() and response.status_code == 200 and not session.modified
            and "Set-Cookie" not in response.headers and "cookie" not in response.vary)


def revalidate(response):
    """after_request (runs after every other hook): ETag and 304 on every public
    response, and a miss stored for the next reader."""
    if not is_public(response):
        return response
    if "Cache-Control" not in response.headers:  # feeds say how long they keep
        response.cache_control.no_cache = True
    response.add_etag(overwrite=False)
    key = g.get("page_cache_key")
    if key and not g.get("page_cache_hit") and not response.is_streamed:
        response.headers["X-Cache"] = "miss"
        _store(key, response)
    return response.make_conditional(request)


def _store(key: str, response) -> None:
    now = utcnow()
    until = next_due(now)
    timeout = current_app.config["PAGE_CACHE_SECONDS"]
    if until is not None:
        timeout = min(timeout, max(1, int((until - now).total_seconds()) + 1))
    headers = [(k, v) for k, v in response.headers.items() if k.lower() in KEPT_HEADERS]
    cache.set(key, (response.status_code, headers, response.get_data(), until), timeout=timeout)


def init_app(app):
    """Register before every other hook: the lookup runs first, and since Flask
    runs after_request hooks in reverse, the store runs last, on the response
    as it leaves (security headers, Vary and compression included)."""
    app.before_request(serve_cached)
    app.after_request(revalidate)
