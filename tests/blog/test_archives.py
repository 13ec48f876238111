"""Category, tag, month, year and author archives, with paging and bad input."""

from datetime import UTC, datetime

import pytest

from tests.support.responses import has_link, text, titles


@pytest.fixture
def site(app, make):
    app.config["POSTS_PER_PAGE"] = 2
    maya = make.user("maya", "Maya Lindqvist")
    tomas = make.user("tomas", "Tomás Okafor")
    science = make.category("Neuroscience")
    art = make.category("Art & Culture")
    tag = make.tag("research")
    specs = [
        ("Jan A", datetime(2024, 1, 5, tzinfo=UTC), maya, [science], [tag]),
        ("Jan B", datetime(2024, 1, 20, tzinfo=UTC), tomas, [science, art], []),
        ("Feb A", datetime(2024, 2, 2, tzinfo=UTC), maya, [art], [tag]),
        ("Dec A", datetime(2023, 12, 31, 23, tzinfo=UTC), maya, [science], [tag]),
        ("Mar A", datetime(2024, 3, 1, tzinfo=UTC), maya, [science], [tag]),
    ]
    for title, moment, author, categories, tags in specs:
        make.post(title, published_at=moment, author=author, categories=categories, tags=tags)
    make.post("Jan Draft", status="draft", published_at=datetime(2024, 1, 6, tzinfo=UTC),
              author=maya, categories=[science], tags=[tag])


def all_titles(client, base):
    """Every title of an archive, following its "Older posts" pages."""
    seen, page = [], 1
    while True:
        url = base if page == 1 else f"{base}page/{page}/"
        response = client.get(url)
        if response.status_code == 404:
            return seen
        seen.extend(titles(response))
        page += 1


def test_category_archive(client, site):
    response = client.get("/category/neuroscience/")
    assert "Category: Neuroscience" in text(response)
    assert all_titles(client, "/category/neuroscience/") == ["Mar A", "Jan B", "Jan A", "Dec A"]
    assert all_titles(client, "/category/art-culture/") == ["Feb A", "Jan B"]


def test_tag_archive(client, site):
    assert "Tag: research" in text(client.get("/tag/research/"))
    assert all_titles(client, "/tag/research/") == ["Mar A", "Feb A", "Jan A", "Dec A"]


def test_month_archive(client, site):
    assert "Month: January 2024" in text(client.get("/2024/01/"))
    assert all_titles(client, "/2024/01/") == ["Jan B", "Jan A"]
    assert all_titles(client, "/2023/12/") == ["Dec A"]
    assert titles(client.get("/2024/04/")) == []


def test_year_archive(client, site):
    assert "Year: 2024" in text(client.get("/2024/"))
    assert all_titles(client, "/2024/") == ["Mar A", "Feb A", "Jan B", "Jan A"]
    assert all_titles(client, "/2023/") == ["Dec A"]


def test_day_archive(client, site, make):
    make.post("Feb A later", published_at=datetime(2024, 2, 2, 18, tzinfo=UTC))
    make.post("Feb A after", published_at=datetime(2024, 2, 2, 20, tzinfo=UTC))
    make.post("Feb 3", published_at=datetime(2024, 2, 3, tzinfo=UTC))
    response = client.get("/2024/02/02/")
    assert response.status_code == 200
    assert 'id="post-list-title" tabindex="-1">Day: February 2, 2024</h1>' in text(response)
    assert "<title>Day: February 2, 2024 \u2013 Psychedelic Dreamweaver</title>" in text(response)
    assert all_titles(client, "/2024/02/02/") == ["Feb A after", "Feb A later", "Feb A"]
    assert 'href="/2024/02/02/page/2/"' in text(response)
    assert titles(client.get("/2024/02/04/")) == []
    assert client.get("/2024/02/02/page/3/").status_code == 404


def test_day_archive_uses_local_dates(app, client, site):
    app.config["SITE_TIMEZONE"] = "UTC"
    assert titles(client.get("/2023/12/31/")) == ["Dec A"]
    assert titles(client.get("/2024/01/01/")) == []


def test_day_archive_does_not_shadow_posts(client, site, make):
    post = make.post("Page", published_at=datetime(2024, 2, 2, 8, tzinfo=UTC))
    assert post.slug == "page"
    response = client.get("/2024/02/02/page/")
    assert response.status_code == 200
    assert '<article id="post-' in text(response) and "Body of Page." in text(response)
    assert titles(client.get("/2024/02/02/page/2/")) == []  # the day's second page


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Boosted": "true"},
                                     {"HX-Request": "true", "HX-History-Restore-Request": "true"}])
def test_day_archive_full_page(client, site, headers):
    response = client.get("/2024/01/20/", headers=headers)
    assert text(response).startswith("<!doctype html>")
    assert titles(response) == ["Jan B"]
    assert "HX-Request" in response.headers["Vary"]


def test_day_archive_partial(client, site):
    response = client.get("/2024/01/20/", headers={"HX-Request": "true"})
    body = text(response).lstrip()
    assert not body.startswith("<!doctype") and "<aside" not in body
    assert "<title>Day: January 20, 2024 \u2013 Psychedelic Dreamweaver</title>" in body
    assert titles(response) == ["Jan B"]


def test_day_archive_is_cacheable(client, site):
    response = client.get("/2024/01/20/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()


def test_author_archive(client, site):
    assert "Author: Maya Lindqvist" in text(client.get("/author/maya/"))
    assert all_titles(client, "/author/maya/") == ["Mar A", "Feb A", "Jan A", "Dec A"]
    assert all_titles(client, "/author/tomas/") == ["Jan B"]


def test_archive_paging_links(client, site):
    first = text(client.get("/category/neuroscience/"))
    second = text(client.get("/category/neuroscience/page/2/"))
    assert 'href="/category/neuroscience/page/2/"' in first and "Newer posts" not in first
    assert "Older posts" not in second
    assert 'href="/category/neuroscience/"' in second and "Newer posts" in second
    assert client.get("/category/neuroscience/page/3/").status_code == 404


def test_archive_local_dates(app, client, site):
    app.config["SITE_TIMEZONE"] = "UTC"
    assert "Dec A" in titles(client.get("/2023/12/"))


def test_sidebar_links_lead_to_archives(client, site):
    body = text(client.get("/"))
    assert has_link(body, "/2024/01/", "January 2024")
    assert has_link(body, "/category/art-culture/", "Art &amp; Culture")


BAD_URLS = [
    "/category/unknown/", "/tag/unknown/", "/author/unknown/",
    "/2024/00/", "/2024/13/", "/2024/1/", "/2024/01/32/x/", "/0000/", "/0000/01/",
    "/99999999999/", "/99999999999/01/", "/2024/01/page/0/", "/2024/01/page/-1/",
    "/2024/01/page/999999/", "/2024/01/page/abc/", "/page/0/", "/page/-1/",
    "/page/999999/", "/page/abc/", "/category/neuroscience/page/0/",
    "/category/neuroscience/page/99999999999999999999999/", "/author/maya/page/abc/",
    "/tag/research/page/-1/", "/9999/12/",
    "/2024/02/30/", "/2023/02/29/", "/2024/13/01/", "/2024/00/10/", "/2024/01/00/",
    "/2024/01/32/", "/0000/01/01/", "/9999/01/01/", "/2024/01/20/page/0/",
    "/2024/01/20/page/99999999999999999999999/", "/2024/1/20/", "/2024/01/5/",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_archive_bad_input_is_404(client, site, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in text(response)


@pytest.mark.parametrize("url", ["/0001/", "/0001/01/", "/0001/01/page/2/", "/?m=0001",
                                 "/?m=000101", "/9998/", "/9998/12/", "/0001/01/01/",
                                 "/9998/12/31/", "/9998/12/31/page/2/", "/?m=99981231"])
def test_archives_at_the_ends_of_the_calendar_are_pages(client, site, url):
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, headers=headers)
        assert response.status_code in (200, 301, 404), (url, headers)


def test_archive_without_trailing_slash_redirects(client, site):
    for url in ("/category/neuroscience", "/2024/01", "/2024", "/author/maya", "/page/2"):
        response = client.get(url)
        assert response.status_code in (301, 308), url
        assert response.headers["Location"].endswith(url + "/")


def test_month_archive_uses_local_month_across_the_date_line(app, client, make):
    app.config["SITE_TIMEZONE"] = "Pacific/Kiritimati"  # UTC+14
    make.post("Kiribati New Year", published_at=datetime(2023, 12, 31, 11, tzinfo=UTC))
    app.config["SITE_TIMEZONE"] = "Pacific/Pago_Pago"  # UTC-11: local dates stay as published
    assert titles(client.get("/2024/01/")) == ["Kiribati New Year"]
    assert titles(client.get("/2023/12/")) == []
    assert titles(client.get("/2024/")) == ["Kiribati New Year"]


@pytest.mark.parametrize("url", ["/category/%00/", "/tag/a%00b/", "/author/%01/", "/%00/",
                                 "/2024/01/02/a%00b/", "/about%7f/", "/?cat=%00"])
def test_control_characters_in_urls_are_404(client, site, url):
    assert client.get(url).status_code == 404
