"""Static files: addressed by their content and kept by browsers for a year;
the favicon travels inside the page."""

import re

from tests.support.responses import text


def asset_urls(client) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', text(client.get("/")))


def test_pages_link_fingerprinted_files(client):
    urls = asset_urls(client)
    assert {u.split("?")[0] for u in urls} == {
        "/static/css/site.css", "/static/js/htmx-2.0.11.min.js", "/static/js/site.js"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_stale_or_missing_fingerprint_is_revalidated(client):
    for url in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_static_files_are_compressed(client):
    url = next(u for u in asset_urls(client) if "htmx" in u)
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] in ("zstd", "br", "deflate")
    assert len(response.data) < 25_000  # 52 KB as written


def test_favicon_inline(client):
    assert re.search(r'<link rel="icon" href="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"',
                     text(client.get("/")))
