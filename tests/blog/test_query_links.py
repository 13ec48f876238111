"""WordPress's query-string links (`/?cat=5`, `/?tag=x`, `/?author=2`,
`/?feed=rss2`, `/?m=202402`, ...) move permanently to their pretty URLs, or 404."""

from datetime import UTC, datetime

import pytest

from tests.support.responses import text, titles


@pytest.fixture
def site(make):
    maya = make.user("maya", "Maya Lindqvist")
    idle = make.user("idle", "Nobody Yet")
    drafter = make.user("drafter", "Only Drafts")
    art = make.category("Art & Culture")
    numeric = make.category("2024")
    colour = make.tag("Colour")
    post = make.post("Painted", categories=[art], tags=[colour], author=maya,
                     published_at=datetime(2024, 2, 14, 9, tzinfo=UTC))
    make.post("Drafted", status="draft", author=drafter, categories=[art])
    page = make.post("About", kind="page")
    return {"maya": maya, "idle": idle, "drafter": drafter, "art": art, "numeric": numeric,
            "colour": colour, "post": post, "page": page}


def moved(client, query: str) -> str:
    response = client.get(f"/?{query}")
    assert response.status_code == 301, (query, response.status_code)
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()
    return response.headers["Location"]


def test_category_by_id(client, site):
    assert moved(client, f"cat={site['art'].id}") == "/category/art-culture/"


def test_category_by_slug_as_the_filter_form_sends_it(client, site):
    assert moved(client, "cat=art-culture") == "/category/art-culture/"


def test_category_slug_wins_over_an_id(client, site):
    """A category named "2024" is found by its slug, not taken for id 2024."""
    assert moved(client, "cat=2024") == "/category/2024/"


def test_tag(client, site):
    assert moved(client, "tag=colour") == "/tag/colour/"


def test_author_by_id_and_by_name(client, site):
    assert moved(client, f"author={site['maya'].id}") == "/author/maya/"
    assert moved(client, "author_name=maya") == "/author/maya/"


@pytest.mark.parametrize("who", ["idle", "drafter"])
def test_author_without_a_visible_post_is_404(client, site, who):
    """As the author archive: an account readers have seen nothing from is not shown."""
    assert client.get(f"/?author={site[who].id}").status_code == 404
    assert client.get(f"/?author_name={site[who].slug}").status_code == 404
    assert client.get(f"/author/{site[who].slug}/").status_code == 404


@pytest.mark.parametrize(("query", "where"), [
    ("feed=rss2", "/feed/"), ("feed=rss", "/feed/"), ("feed=rdf", "/feed/"),
    ("feed=atom", "/feed/atom/"), ("feed=comments-rss2", "/comments/feed/"),
    ("cat=art-culture&feed=rss2", "/category/art-culture/feed/"),
    ("tag=colour&feed=rss2", "/tag/colour/feed/"),
    ("tag=colour&feed=atom", "/tag/colour/feed/"),
    ("author_name=maya&feed=rss2", "/author/maya/feed/"),
])
def test_feeds(client, site, query, where):
    assert moved(client, query) == where
    assert client.get(where).status_code == 200


def test_feed_of_a_post_is_its_comment_feed(client, site):
    assert moved(client, f"p={site['post'].id}&feed=rss2") == "/2024/02/14/painted/feed/"
    assert moved(client, f"page_id={site['page'].id}&feed=rss2") == "/about/feed/"


@pytest.mark.parametrize(("query", "where"), [
    ("m=2024", "/2024/"), ("m=202402", "/2024/02/"), ("m=20240214", "/2024/02/14/"),
    ("year=2024", "/2024/"), ("year=2024&monthnum=2", "/2024/02/"),
    ("year=2024&monthnum=02&day=14", "/2024/02/14/"),
])
def test_dates(client, site, query, where):
    assert moved(client, query) == where
    assert "Painted" in titles(client.get(where))


@pytest.mark.parametrize(("query", "where"), [
    ("paged=2", "/page/2/"), ("paged=1", "/"), ("paged=0", "/"),
    ("cat=art-culture&paged=3", "/category/art-culture/page/3/"),
    ("m=202402&paged=2", "/2024/02/page/2/"),
])
def test_paged(client, site, query, where):
    assert moved(client, query) == where


def test_paged_path_with_query_keeps_its_page(client, site):
    response = client.get(f"/page/2/?cat={site['art'].id}")
    assert response.status_code == 301
    assert response.headers["Location"] == "/category/art-culture/page/2/"


def test_empty_values_are_ignored_as_wordpress_does(client, site):
    assert moved(client, "tag=") == "/"
    assert moved(client, "tag=&cat=art-culture") == "/category/art-culture/"


def test_htmx_filter_choice_renders_in_place(client, site):
    response = client.get(f"/?cat={site['art'].id}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == "/category/art-culture/"
    assert titles(response) == ["Painted"]


def test_post_and_page_ids_still_move(client, site):
    assert moved(client, f"p={site['post'].id}") == "/2024/02/14/painted/"
    assert moved(client, f"page_id={site['page'].id}") == "/about/"


BAD_QUERIES = [
    "cat=999999", "cat=nope", "cat=-5", "cat=5,6", "cat=%00", "cat=1%00",
    "cat=99999999999999999999999999", "tag=nope", "tag=%00", "tag=colour%00",
    "author=999999", "author=abc", "author=-1", "author=%00", "author=" + "9" * 40,
    "author_name=nobody", "author_name=%00",
    "feed=rss3", "feed=%00", "feed=comments-atom", "cat=art-culture&feed=comments-rss2",
    "m=2024%00", "m=202413", "m=202400", "m=20240230", "m=20230229", "m=2024021",
    "m=0000", "m=99990101", "m=abcd", "m=²²²²", "m=" + "2" * 40,
    "year=2024&monthnum=13", "year=2024&monthnum=2&day=30", "monthnum=2", "year=2024&day=3",
    "year=abc", "year=" + "9" * 40, "year=2024&monthnum=%00",
    "paged=abc", "paged=-1", "paged=%00", "paged=" + "9" * 40,
    "p=999999", "p=abc", "p=%00", "page_id=" + "9" * 40, "p=1&feed=bogus",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_names_nothing_is_404(client, site, query):
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(f"/?{query}", headers=headers)
        assert response.status_code == 404, (query, headers)
        assert "Page not found" in text(response) or headers


def test_plain_home_and_search_are_untouched(client, site):
    assert client.get("/").status_code == 200
    assert client.get("/?utm_source=x").status_code == 200
    assert titles(client.get("/?s=painted")) == ["Painted"]
