"""Themed error pages for 400, 403, 404, 405, 413, 429 and 500: full page and fragment."""

import logging
import re

import pytest
from flask import abort

from dreamweaver import create_app
from dreamweaver.extensions import db
from tests.support.responses import text
from tests.support.settings import TEST_SETTINGS

HX = {"HX-Request": "true"}


@pytest.fixture
def failing_app(app):
    """The app with one route per error the site can answer."""

    def fail(code):
        if code == 500:
            raise RuntimeError("boom: /secret/path SELECT password FROM users")
        abort(code)

    app.add_url_rule("/_fail/<int:code>/", "fail", fail)
    return app


CODES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Page not found",
    405: "Method not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
}


@pytest.mark.parametrize("code", CODES)
def test_error_full_page(failing_app, code):
    response = failing_app.test_client().get(f"/_fail/{code}/")
    assert response.status_code == code
    body = text(response)
    assert body.startswith("<!doctype html>")
    assert f'<h1 class="page-title" id="error-title" tabindex="-1">{CODES[code]}</h1>' in body
    assert "<footer" in body


@pytest.mark.parametrize("code", CODES)
def test_error_fragment(failing_app, code):
    response = failing_app.test_client().get(f"/_fail/{code}/", headers=HX)
    assert response.status_code == code
    body = text(response).lstrip()
    assert body.startswith(f"<title>{CODES[code]} \u2013 ") and '<section id="error"' in body
    assert "<!doctype" not in body and "<footer" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_error_500_leaks_nothing(failing_app):
    body = text(failing_app.test_client().get("/_fail/500/"))
    assert "boom" not in body and "SELECT" not in body and "/secret/path" not in body
    assert "Traceback" not in body


@pytest.mark.parametrize("headers", [{}, HX])
def test_error_500_logged_with_the_id_the_page_shows(failing_app, caplog, headers):
    response = failing_app.test_client().get("/_fail/500/", headers=headers)
    reference = re.search(r'Reference: <code>([0-9a-f]{16})</code>', text(response))[1]
    assert response.headers["X-Request-ID"] == reference
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"[request {reference}]" in record.getMessage()
    assert "boom: /secret/path" in str(record.exc_info[1])  # the trace is in the log only


def test_error_5xx_raised_by_abort_is_logged_too(failing_app, caplog):
    failing_app.add_url_rule("/_fail_503/", "fail_503", lambda: abort(503))
    response = failing_app.test_client().get("/_fail_503/",
                                             headers={"X-Request-ID": "proxy-id-12345"})
    assert response.status_code == 503
    assert "proxy-id-12345" in text(response)
    assert any("[request proxy-id-12345]" in r.getMessage() for r in caplog.records)


def test_error_pages_below_500_carry_no_reference(client):
    response = client.get("/no-such-page/")
    assert "Reference:" not in text(response) and "X-Request-ID" not in response.headers


def test_error_404_has_search_box(client):
    body = text(client.get("/no/such/thing/"))
    assert 'role="search"' in body and 'name="s"' in body


def test_error_405_real_route(client):
    assert client.put("/").status_code == 405
    assert client.delete("/").status_code == 405


def test_error_413_body_too_big(app, client, make):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    make.post("About", kind="page", password="x")
    response = client.post("/about/", data={"post_password": "y" * 5000},
                           headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 413
    assert "Too large" in text(response)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_error_429_rate_limit_says_so_in_words(database_uri, _migrated, headers):
    limited = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                          "RATELIMIT_ENABLED": True})
    try:
        client = limited.test_client()
        attempt = {"username": "nobody", "password": "wrong"}
        for _ in range(10):  # the login form allows 10 per minute per address
            assert client.post("/admin/login", data=attempt).status_code != 429
        response = client.post("/admin/login", data=attempt, headers=headers)
        body = text(response)
        assert response.status_code == 429
        assert ("Too many requests from your address. Please wait a minute and try again."
                in body)
        assert "per 1 minute" not in body
    finally:
        with limited.app_context():
            db.engine.dispose()
