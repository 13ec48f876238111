"""One URL, two renderings: the full page, or the fragment for an htmx request."""

import re

import pytest

from tests.support.responses import text

HX = {"HX-Request": "true"}


@pytest.fixture
def site(make):
    category = make.category("Neuroscience")
    post = make.post("Dual View", categories=[category])
    make.post("About", kind="page")
    return post


def urls(post):
    local = post.published_local
    return {
        "/": "post-list",
        "/category/neuroscience/": "post-list",
        f"/{local:%Y/%m}/": "post-list",
        f"/{local:%Y/%m/%d}/": "post-list",
        f"/{local:%Y/%m/%d}/{post.slug}/": "post",
        "/about/": "page",
    }


def test_full_page_without_htmx(client, site):
    for url, fragment_id in urls(site).items():
        response = client.get(url)
        assert text(response).startswith("<!doctype html>"), url
        assert f'id="{fragment_id}"' in text(response)
        assert "HX-Request" in response.headers["Vary"]


def test_fragment_for_htmx_request(client, site):
    for url, fragment_id in urls(site).items():
        response = client.get(url, headers=HX)
        body = text(response).lstrip()
        assert not body.startswith("<!doctype"), url
        assert f'<section id="{fragment_id}"' in body or f'<div id="{fragment_id}"' in body, url
        assert "<aside" not in body and "<footer class=\"site-footer\"" not in body
        assert "HX-Request" in response.headers["Vary"]


def test_full_page_on_history_restore(client, site):
    for url in urls(site):
        response = client.get(url, headers={**HX, "HX-History-Restore-Request": "true"})
        assert text(response).startswith("<!doctype html>"), url


def test_full_page_on_boosted_request(client, site):
    for url in urls(site):
        response = client.get(url, headers={**HX, "HX-Boosted": "true"})
        assert text(response).startswith("<!doctype html>"), url


def test_htmx_config_meta(client, site):
    body = text(client.get("/"))
    assert '<meta name="htmx-config"' in body
    for setting in ('"historyRestoreAsHxRequest":false', '"includeIndicatorStyles":false',
                    '"allowEval":false', '"selfRequestsOnly":true',
                    '"attributesToSettle":["class","width","height"]'):
        assert setting in body
    pinned = r'<script src="/static/js/htmx-2.0.11.min.js\?v=[0-9a-f]{12}" defer></script>'
    assert re.search(pinned, body)


def test_fragments_set_the_document_title(client, site):
    local = site.published_local
    for url, title in ((f"/{local:%Y/%m/%d}/{site.slug}/", "Dual View"), ("/about/", "About"),
                       ("/no-such-page/", "Page not found")):
        body = text(client.get(url, headers=HX))
        assert f"<title>{title} \u2013 Psychedelic Dreamweaver</title>" in body, url


def test_write_error_fragment_keeps_the_title(client, site):
    response = client.post("/about/comments/", headers={**HX, "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "<title>" not in text(response)
    assert response.headers["HX-Retarget"] == "find .form-status"
