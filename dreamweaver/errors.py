"""Themed error pages, as a full page or as the fragment htmx swaps in place."""

import logging

from flask import render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .htmx import is_partial

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
    429: ("Too many requests", "You are going a little fast. Please wait a moment and try again."),
    500: (
        "Something went wrong",
        "The site hit an unexpected error. It has been logged; please try again later.",
    ),
}


def render_error(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description))
    template = "errors/_error.html" if is_partial() else "errors/error.html"
    response = error.get_response()
    response.data = render_template(
        template, code=code, title=title, message=message, minimal_layout=code >= 500
    )
    response.content_type = "text/html; charset=utf-8"
    return response


def handle_http_error(error: HTTPException):
    # A redirect raised with abort(redirect(...)) passes through untouched.
    if error.code is None or error.code < 400:
        return error.get_response()
    return render_error(error)


def handle_unexpected(error: Exception):
    db.session.rollback()
    log.exception("Unhandled error", exc_info=error)
    return render_error(InternalServerError())


def init_app(app):
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
