"""The page cache: what an anonymous reader gets, served again without a view.

A reader who sends none of our cookies sees exactly what every other such
reader sees (DESIGN's anonymous-page rule), so their GET responses are
stored whole: status, headers (security headers and Vary included, the body
already compressed) and body. A key holds the content generation
(caching/__init__.py), so any write anyone makes anywhere moves every worker and
server past the old entries at once; an entry also ends at the next
scheduled publication it knew of, and after PAGE_CACHE_SECONDS at most, so
that the comment form's signed token on a cached page is never old.

Anything personal bypasses the cache both ways: a request with a session,
commenter or post-password cookie is never served from it, and a response
that sets a cookie or varies on one is never stored.

Hits are served by a WSGI layer in front of Flask (`PageCache`): a hit costs
one small query (the generation) and a cache read, and no request context,
routing or hooks. Misses go through the app as usual and are stored by its
last after_request hook. Every public page gets an ETag and
`Cache-Control: no-cache`, so browsers and shared caches revalidate and get
a 304 when nothing changed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from http import HTTPStatus

import sqlalchemy as sa
from flask import current_app, request, session
from flask_caching.backends import NullCache
from werkzeug.http import parse_cookie, parse_etags

from ..extensions import cache, db
from ..htmx import VARY_ON
from ..models import utcnow
from . import KNOWN, READ_AT, expiry, personal_cookies, read_generations

ENVIRON_KEY = "dreamweaver.page_cache_key"
VARIANT_HEADERS = (*VARY_ON, "Accept-Encoding")
KEYED_ON = ("wsgi.url_scheme", "HTTP_HOST", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
            *("HTTP_" + name.upper().replace("-", "_") for name in VARIANT_HEADERS))
NOT_STORED = frozenset({"set-cookie", "content-length", "date", "x-cache"})


def _is_anonymous(environ, personal: frozenset[str]) -> bool:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    header = environ.get("HTTP_COOKIE")
    return not header or personal.isdisjoint(parse_cookie(header))


JSON_LD = ("application/activity+json", "application/ld+json")


def wants_json_ld(accept: str) -> bool:
    """Whether an Accept header asks for ActivityPub's JSON-LD, which the
    addresses of posts, authors and the home page answer instead of HTML
    (federation/pages.py): the one part of Accept a response depends on."""
    return any(kind in accept for kind in JSON_LD)


def _key(environ, generation: int) -> str:
    """This request's variant of its URL: the host (links are absolute in feeds
    and metadata), htmx headers, the accepted encoding and whether JSON-LD is
    asked for change the response, so they are part of the key (as Vary says)."""
    variant = [environ.get(name, "") for name in KEYED_ON]
    variant.append("json-ld" if wants_json_ld(environ.get("HTTP_ACCEPT", "")) else "")
    digest = hashlib.sha256("\n".join(variant).encode("utf-8", "surrogateescape")).hexdigest()
    return f"dw:page:{generation}:{digest}"


class PageCache:
    """WSGI middleware that answers anonymous GETs from the cache when it can."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self.personal = None
        self.backend = None
        self.engine = None

    def _bind(self) -> bool:
        """The app's cache backend, engine and personal cookies (the areas
        register theirs with their blueprints), looked up once per process."""
        if self.backend is None:
            with self.app.app_context():
                self.backend = cache.cache
                self.engine = db.engine
            self.personal = personal_cookies(self.app)
        return self.app.config["PAGE_CACHE"] and not isinstance(self.backend, NullCache)

    def __call__(self, environ, start_response):
        if not self._bind() or not _is_anonymous(environ, self.personal):
            return self.wsgi_app(environ, start_response)
        try:
            generations = read_generations(self.engine)
        except (sa.exc.SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error):
            # The database is away: the app answers (with its themed error page).
            return self.wsgi_app(environ, start_response)
        key = environ[ENVIRON_KEY] = _key(environ, generations.content)
        environ[KNOWN] = generations
        environ[READ_AT] = datetime.now(UTC)
        hit = self.backend.get(key)
        if hit is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body, until = hit
        if until is not None and environ[READ_AT] >= until:
            return self.wsgi_app(environ, start_response)
        headers = [*headers, ("X-Cache", "hit")]
        if "HTTP_IF_NONE_MATCH" in environ and _matches(environ["HTTP_IF_NONE_MATCH"], headers):
            start_response("304 Not Modified", [(k, v) for k, v in headers
                                                 if k.lower() not in ("content-type",
                                                                      "content-encoding")])
            return [b""]
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _matches(if_none_match: str, headers: list) -> bool:
    etag = next((value for name, value in headers if name == "ETag"), None)
    return bool(etag) and parse_etags(if_none_match).contains_raw(etag)


def is_public(response) -> bool:
    """Nothing personal in it: a session the view filled (a form's CSRF token)
    would set its cookie only after every hook has run, so it is asked too;
    a response that says no-store (a page whose URL is a key) is not kept."""
    return (_is_anonymous(request.environ, personal_cookies(current_app))
            and response.status_code == 200 and not session.modified
            and "Set-Cookie" not in response.headers and "cookie" not in response.vary
            and not response.cache_control.no_store)


def revalidate(response):
    """after_request (runs after every other hook): ETag and 304 on every public
    response, and a miss stored for the next reader."""
    if not is_public(response):
        return response
    if "Cache-Control" not in response.headers:  # feeds say how long they keep
        response.cache_control.no_cache = True
    response.add_etag(overwrite=False)
    key = request.environ.get(ENVIRON_KEY)
    if key and not response.is_streamed and current_app.config["PAGE_CACHE"] \
            and not isinstance(cache.cache, NullCache):
        response.headers["X-Cache"] = "miss"
        _store(key, response)
    return response.make_conditional(request)


def _store(key: str, response) -> None:
    # From when the request began, not now: a page whose rendering took long
    # enough for a scheduled post to come due meanwhile ends when it did.
    began = request.environ.get(READ_AT) or utcnow()
    until, timeout = expiry(began, cap=current_app.config["PAGE_CACHE_SECONDS"])
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in NOT_STORED]
    cache.set(key, (response.status_code, headers, response.get_data(), until), timeout=timeout)


