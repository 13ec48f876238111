"""Themed error pages, as a full page or as the fragment htmx swaps in place."""

import logging
import re
import secrets

from flask import g, render_template, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
    UnprocessableEntity,
)

from .budget import InputTooSlow, RequestTimedOut, stop_request
from .extensions import db
from .htmx import is_partial, retarget
from .sanitize.htmlshape import TooComplex

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Forbidden", "You are not allowed to do that."),
    404: (
        "Page not found",
        "It looks like nothing was found at this location. Maybe try a search?",
    ),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    422: ("Check your input", "Some of what you entered needs another look."),
    429: ("Too many requests",
          "Too many requests from your address. Please wait a minute and try again."),
    500: (
        "Something went wrong",
        "The site hit an unexpected error. It has been logged; please try again later.",
    ),
    503: ("Try again in a moment",
          "This request took too long and was stopped. Please try again in a moment."),
}


# A proxy's X-Request-ID is kept when it looks like one, so its logs and ours
# name the same request; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id() -> str:
    """This request's id, made when first needed (only errors need one)."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
    return g.request_id


def render_error(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description))
    # A view's own words (abort(403, "...")); Flask-Limiter's description is
    # only the limit it applied ("10 per 1 minute"), which tells a reader nothing.
    if (error.description and error.description != type(error).description
            and not isinstance(error, RateLimitExceeded)):
        message = error.description
    partial = is_partial()
    template = "errors/_error.html" if partial else "errors/error.html"
    response = error.get_response()
    reference = request_id() if code >= 500 else None
    response.data = render_template(
        template, code=code, title=title, message=message, minimal_layout=code >= 500,
        fragment=partial, request_id=reference,
    )
    if reference:
        response.headers["X-Request-ID"] = reference
    response.content_type = "text/html; charset=utf-8"
    if partial and request.method not in ("GET", "HEAD"):
        # A failed htmx write shows its message in the form's status area and
        # leaves the form, and what was typed in it, in place.
        retarget(response, "find .form-status", "innerHTML")
    return response


def handle_http_error(error: HTTPException):
    # A redirect raised with abort(redirect(...)) passes through untouched.
    if error.code is None or error.code < 400:
        return error.get_response()
    if error.code >= 500:
        db.session.rollback()
        log.error("%s %s failed with %s [request %s]", request.method, request.path,
                  error.code, request_id())
    return render_error(error)


def handle_unexpected(error: Exception):
    """Any exception a view did not expect: the trace goes to the log under the
    request's id, the reader gets the themed 500 page with that id and nothing else."""
    db.session.rollback()
    log.error("%s %s raised an unexpected error [request %s]", request.method, request.path,
              request_id(), exc_info=error)
    return render_error(InternalServerError())


def refuse_input(error: Exception):
    """Text beyond its limits or its time budget, where no form took the
    message in: a 422 that says why."""
    db.session.rollback()
    return handle_http_error(UnprocessableEntity(str(error)))


def timed_out(error: RequestTimedOut):
    """The request budget ran out (budget.py): our 503, never a killed worker."""
    stop_request()
    response = handle_http_error(ServiceUnavailable())
    response.headers["Retry-After"] = "30"
    return response


def init_app(app):
    app.register_error_handler(TooComplex, refuse_input)
    app.register_error_handler(InputTooSlow, refuse_input)
    app.register_error_handler(RequestTimedOut, timed_out)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
