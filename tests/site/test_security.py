"""Security headers on every response; anonymous pages set no cookie."""

from datetime import UTC, datetime

import pytest

from tests.support.responses import text


@pytest.fixture
def urls(make):
    post = make.post("Headers", published_at=datetime(2023, 8, 2, tzinfo=UTC),
                     categories=[make.category("Neuroscience")])
    make.post("About", kind="page")
    make.post("Vault", kind="page", password="pw")
    make.comment(post)
    return [
        "/", "/page/2/", "/2023/08/02/headers/", "/about/", "/vault/", "/category/neuroscience/",
        "/2023/08/", "/2023/", "/static/css/site.css", "/static/js/htmx-2.0.11.min.js",
        "/nowhere/", "/about",
    ]


def test_security_headers_on_every_response(client, urls):
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            csp = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp, url
            assert "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
            assert "camera=()" in response.headers["Permissions-Policy"]
            assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(client, urls):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_anonymous_pages_set_no_cookie_and_do_not_vary_on_it(client, urls):
    for url in urls:
        if url == "/vault/":
            continue  # a protected page depends on the post-password cookie
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url


def test_no_inline_script_or_style_in_pages(client, urls):
    body = text(client.get("/2023/08/02/headers/"))
    assert "<script>" not in body and " style=" not in body and "<style" not in body
    assert " onclick=" not in body and " onload=" not in body
