"""What a phone does before it can show and use a page (issue 16, item 9): no
script or stylesheet holds up the first paint, and htmx is not handed the long
category list to set up at load (tests/browser/test_page_load.py counts it)."""

import re
from datetime import UTC, datetime

import pytest

from tests.support.paths import ROOT
from tests.support.responses import text


@pytest.fixture
def site(make):
    """One of each page type, with more categories than the widget's short list."""
    author = make.user("maya", "Maya Lindqvist")
    categories = [make.category(f"Cat {n:02d}") for n in range(12)]
    tag = make.tag("Awe")
    post = make.post("Loaded", author=author, categories=categories, tags=[tag],
                     published_at=datetime(2024, 2, 3, tzinfo=UTC))
    make.comment(post)
    make.post("About", kind="page")
    return ["/", "/2024/02/03/loaded/", "/about/", "/category/cat-00/",
            "/tag/awe/", "/author/maya/", "/2024/02/", "/2024/02/03/", "/?s=loaded",
            "/no-such-page/", "/admin/login"]


def tags(body: str, name: str) -> list[str]:
    return re.findall(rf"<{name}\b[^>]*>", body)


def test_no_script_blocks_parsing_or_first_paint(client, site):
    for url in site:
        body = text(client.get(url))
        scripts = tags(body, "script")
        assert scripts, url
        for script in scripts:
            if 'type="application/ld+json"' in script:  # data, never run
                continue
            assert " src=" in script, (url, script)  # no inline script (CSP too)
            assert re.search(r"\sdefer[\s>]", script) or 'type="module"' in script, (url, script)


def test_only_the_site_stylesheet_blocks_rendering(client, site):
    for url in site:
        body = text(client.get(url))
        sheets = [re.search(r'href="/static/([^"?]+)', link).group(1)
                  for link in tags(body, "link") if 'rel="stylesheet"' in link]
        admin = ["css/admin.css"] if url.startswith("/admin") else []
        assert sheets == ["css/site.css", *admin], url
        assert "<style" not in body, url
    for sheet in ("site.css", "admin.css"):
        assert "@import" not in (ROOT / "static/css" / sheet).read_text(), sheet


def test_closed_category_list_has_plain_links(client, site):
    """htmx set up every hx-get element at load, and the whole category list was
    most of a phone's script time: site.js adds its hx-get when it is opened."""
    widget = text(client.get("/"))
    widget = widget[widget.index('id="categories-title"'):]
    short, everything = widget.split("<details", 1)
    everything = everything[:everything.index("</details>")]
    assert re.findall(r"<a [^>]*hx-get=", short)  # the most used still swap at once
    assert everything.startswith(' class="all-categories" data-swap-links-on-open>')
    links = tags(everything, "a")
    assert len(links) == 12 and not [a for a in links if "hx-get" in a]
