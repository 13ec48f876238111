"""Reading settings: posts per page on every listing, a static front page with
a posts page, what feeds carry, and discouraging search engines; each checked
where readers see it, with bad input refused in place."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from defusedxml import ElementTree as ET

from dreamweaver import settings
from dreamweaver.extensions import db
from dreamweaver.models import Post, SettingsChange, SiteSetting
from tests.support.auth import csrf_token
from tests.support.responses import section, text, titles
from tests.support.site_settings import SETTINGS, form_fields, save_settings

HX = {"HX-Request": "true"}
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"
NOINDEX = '<meta name="robots" content="noindex, nofollow">'


def nothing_saved(app):
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SiteSetting)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SettingsChange)) == 0


@pytest.fixture
def blog(make):
    """Five posts a day apart in one category and tag, by one author."""
    author = make.user("ines", "Ines Duarte")
    art = make.category("Art")
    tag = make.tag("colour")
    start = datetime(2024, 5, 1, tzinfo=UTC)
    for n in range(5):
        make.post(f"Post {n}", source=f"Full body {n} about ochre.", excerpt=f"Short {n}",
                  published_at=start - timedelta(days=n), categories=[art], tags=[tag],
                  author=author)


@pytest.fixture
def pages(make):
    """A page for the front, one for the posts, and a draft."""
    return (make.post("Welcome Home", kind="page", source="Hello, reader."),
            make.post("Journal", kind="page"),
            make.post("Unfinished", kind="page", status="draft"))


def test_the_form_shows_reading_with_todays_values(client, auth):
    auth.login()
    page = text(client.get(SETTINGS))
    assert "<legend>Reading</legend>" in page
    for label in ("Posts per page", "Homepage", "Posts page",
                  "Syndication feeds show the most recent",
                  "Discourage search engines from indexing this site"):
        assert f">{label}</label>" in page
    for legend in ("Your homepage displays", "For each post in a feed, include"):
        assert f"<legend>{legend}</legend>" in page
    fields = form_fields(page)
    assert fields["posts_per_page"] == "10" and fields["posts_per_rss"] == "10"
    assert fields["show_on_front"] == "posts" and fields["feed_full_text"] == "y"
    assert fields["page_on_front"] == "" and fields["discourage_search"] == ""  # unticked


def test_saved_defaults_reproduce_todays_pages(app, client, auth, blog, make):
    """The reading group stored with every default serves what the site served
    before it was ever saved."""
    make.comment(make.post("Talked About", published_at=datetime(2024, 6, 1, tzinfo=UTC)))
    urls = ("/", "/page/2/", "/category/art/", "/?s=ochre", "/feed/", "/feed/atom/",
            "/comments/feed/", "/robots.txt")
    before = {url: client.get(url).data for url in urls}
    auth.login()
    save_settings(client, posts_per_page=3)
    save_settings(client, posts_per_page=10)
    with app.app_context():
        assert db.session.get(SiteSetting, "reading").value["posts_per_page"] == 10
    client.get("/admin/logout")
    anonymous = app.test_client()
    assert {url: anonymous.get(url).data for url in urls} == before
    assert "noindex" not in text(anonymous.get("/"))


def test_posts_per_page_sets_every_listing(client, auth, blog):
    auth.login()
    assert save_settings(client, posts_per_page=2).status_code == 303
    for url in ("/", "/category/art/", "/tag/colour/", "/author/ines/", "/2024/", "/2024/04/",
                "/?s=ochre"):
        assert len(titles(client.get(url))) == 2, url
    assert titles(client.get("/page/3/")) == ["Post 4"]
    assert titles(client.get("/category/art/page/2/")) == ["Post 2", "Post 3"]
    assert len(titles(client.get("/page/2/?s=ochre"))) == 2
    fragment = client.get("/tag/colour/page/2/", headers=HX)
    assert "<html" not in text(fragment) and len(titles(fragment)) == 2
    assert client.get("/page/4/").status_code == 404


@pytest.mark.parametrize("field", ["posts_per_page", "posts_per_rss"])
@pytest.mark.parametrize("value", ["0", "101", "-3", "ten", "2.5", "", "9" * 400])
def test_a_number_out_of_range_is_refused_in_place(app, client, auth, field, value):
    auth.login()
    response = save_settings(client, site_tagline="Changed too", **{field: value})
    assert response.status_code == 422
    page = text(response)
    error = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert error and error.group(1) == "Enter a whole number from 1 to 100."
    assert "Nothing was saved" in page
    nothing_saved(app)


def front_and_posts(client, pages, **changes):
    front, posts, _ = pages
    return save_settings(client, show_on_front="page", page_on_front=front.id,
                         page_for_posts=posts.id, **changes)


def test_a_static_front_page_and_a_posts_page(app, client, auth, blog, pages, make):
    front, posts, _ = pages
    make.comment(front, "Ana", "<p>Lovely welcome.</p>")
    auth.login()
    assert front_and_posts(client, pages, posts_per_page=2).status_code == 303
    client.get("/admin/logout")
    reader = app.test_client()
    home = reader.get("/")
    assert home.status_code == 200
    body = text(home)
    assert '<h1 class="entry-title">Welcome Home</h1>' in body and "Hello, reader." in body
    assert "Lovely welcome." in body and 'id="respond"' in body
    assert titles(home) == []
    assert re.search(r'<a href="/" aria-current="page">Home</a>', body)
    journal = reader.get("/journal/")
    assert titles(journal) == ["Post 0", "Post 1"]
    assert '<h1 class="page-title" id="post-list-title"' in text(journal)
    assert "<title>Journal \u2013 Psychedelic Dreamweaver</title>" in text(journal)
    assert 'href="/journal/page/2/"' in text(journal)
    assert re.search(r'<a href="/journal/" aria-current="page">Journal</a>', text(journal))
    assert titles(reader.get("/journal/page/3/")) == ["Post 4"]
    assert 'href="/journal/page/2/"' in section(reader.get("/journal/page/3/"), "post-list")
    assert reader.get("/journal/page/4/").status_code == 404
    # Their other addresses: WordPress's redirects.
    moved = reader.get("/welcome-home/?replytocom=5")
    assert moved.status_code == 301 and moved.headers["Location"] == "/?replytocom=5"
    assert reader.get("/page/2/").headers["Location"] == "/journal/page/2/"
    assert reader.get("/journal/page/1/").headers["Location"].endswith("/journal/")
    # The menu links the front page where it is shown.
    assert '<a href="/">Welcome Home</a>' in text(journal)


def test_the_front_and_posts_pages_keep_one_url_two_renderings(client, auth, blog, pages):
    auth.login()
    front_and_posts(client, pages)
    for url, marker in (("/", "Welcome Home"), ("/journal/", "Post 0")):
        full, fragment = client.get(url), client.get(url, headers=HX)
        assert text(full).startswith("<!doctype html>") and marker in text(full)
        assert "<html" not in text(fragment) and marker in text(fragment)
        assert "HX-Request" in fragment.headers["Vary"]


def test_search_stays_at_the_root_with_a_static_front_page(client, auth, blog, pages):
    auth.login()
    front_and_posts(client, pages, posts_per_page=2)
    assert len(titles(client.get("/?s=ochre"))) == 2
    assert len(titles(client.get("/page/2/?s=ochre"))) == 2
    assert "Search Results for" in text(client.get("/?s=ochre", headers=HX))


def test_a_front_page_without_a_posts_page(client, auth, blog, pages):
    front, _, _ = pages
    auth.login()
    save_settings(client, show_on_front="page", page_on_front=front.id)
    assert "Hello, reader." in text(client.get("/"))
    assert client.get("/page/2/").status_code == 404
    assert titles(client.get("/journal/")) == []  # an ordinary page again


@pytest.mark.parametrize("gone", ["draft", "trash", "deleted"])
def test_a_front_page_readers_cannot_see_gives_back_the_latest_posts(app, client, auth, blog,
                                                                   pages, gone):
    front, _, _ = pages
    auth.login()
    front_and_posts(client, pages)
    client.get("/admin/logout")
    with app.app_context():
        row = db.session.get(Post, front.id)
        if gone == "deleted":
            db.session.delete(row)
        else:
            row.status = gone
        db.session.commit()
    home = client.get("/")
    assert home.status_code == 200 and titles(home)[:2] == ["Post 0", "Post 1"]
    assert titles(client.get("/journal/")) == []  # no posts page without its front page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"show_on_front": "page"}, "page_on_front", "Choose the page your homepage displays."),
    ({"page_on_front": "999999"}, "page_on_front", "Choose a published page from the list."),
    ({"page_on_front": "abc"}, "page_on_front", "Choose a published page from the list."),
    ({"page_for_posts": "9" * 300}, "page_for_posts", "Choose a published page from the list."),
    ({"show_on_front": "sideways"}, "show_on_front", "Choose your latest posts or a static page."),
    ({"feed_full_text": "maybe"}, "feed_full_text", "Choose full text or excerpt."),
])
def test_bad_choices_are_refused_in_place(app, client, auth, pages, changes, field, message):
    auth.login()
    response = save_settings(client, **changes)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">([^<]*)<', text(response)).group(1) == message
    nothing_saved(app)


def test_a_draft_or_the_same_page_twice_is_refused(app, client, auth, pages):
    front, _, draft = pages
    auth.login()
    response = save_settings(client, show_on_front="page", page_on_front=draft.id)
    assert response.status_code == 422
    assert 'id="page_on_front-error">Choose a published page from the list.<' in text(response)
    assert f'<option value="{draft.id}"' not in text(response)
    response = save_settings(client, show_on_front="page", page_on_front=front.id,
                             page_for_posts=front.id, headers=HX)
    assert response.status_code == 422
    assert "The posts page cannot also be the homepage" in text(response)
    assert text(response).lstrip().startswith("<form")
    nothing_saved(app)


def test_feeds_carry_the_excerpt_and_as_many_items_as_set(client, auth, blog, make):
    first = make.post("Newest", source="Whole text of the newest.", excerpt="Its excerpt.",
                      published_at=datetime(2024, 6, 1, tzinfo=UTC))
    for n in range(3):
        make.comment(first, f"Reader {n}")
    rss = ET.fromstring(client.get("/feed/").data)
    assert len(rss.findall("channel/item")) == 6
    assert rss.find("channel/item").findtext(CONTENT) == first.content_html
    auth.login()
    assert save_settings(client, feed_full_text="", posts_per_rss=2).status_code == 303
    rss = ET.fromstring(client.get("/feed/").data)
    items = rss.findall("channel/item")
    assert len(items) == 2
    assert items[0].findtext("description") == "Its excerpt."
    assert all(item.find(CONTENT) is None for item in items)
    atom = ET.fromstring(client.get("/feed/atom/").data)
    entries = atom.findall(f"{ATOM}entry")
    assert len(entries) == 2 and entries[0].findtext(f"{ATOM}summary") == "Its excerpt."
    assert all(entry.find(f"{ATOM}content") is None for entry in entries)
    assert len(ET.fromstring(client.get("/category/art/feed/").data).findall("channel/item")) == 2
    assert len(ET.fromstring(client.get("/comments/feed/").data).findall("channel/item")) == 2
    # Listings keep their own number.
    assert len(titles(client.get("/"))) == 6


def test_discouraging_search_engines_marks_every_reader_page(app, client, auth, blog, make):
    make.post("About", kind="page")
    auth.login()
    assert save_settings(client, discourage_search="y").status_code == 303
    client.get("/admin/logout")
    for url in ("/", "/about/", "/category/art/", "/2024/05/01/post-0/", "/?s=ochre",
                "/no-such-page/"):
        page = text(client.get(url))
        assert page.count('<meta name="robots"') == 1, url
        assert NOINDEX in page, url
    robots = client.get("/robots.txt")
    assert text(robots) == "User-agent: *\nDisallow: /\n"
    auth.login()
    save_settings(client, discourage_search=None)
    client.get("/admin/logout")
    assert "robots" not in text(client.get("/"))
    assert '<meta name="robots" content="noindex, follow">' in text(client.get("/?s=ochre"))
    assert "Sitemap: http://localhost/sitemap.xml" in text(client.get("/robots.txt"))


def test_no_cached_page_outlives_a_reading_change(app, cached_app, client, auth, blog):
    """A worker with the page cache keeps serving / from it until the owner
    saves: then the next anonymous reader gets the page made with the new values."""
    reader = cached_app.test_client()
    assert reader.get("/").headers["X-Cache"] == "miss"
    again = reader.get("/")
    assert again.headers["X-Cache"] == "hit" and NOINDEX not in text(again)
    assert reader.get("/robots.txt").headers["X-Cache"] == "miss"
    auth.login()
    assert save_settings(client, discourage_search="y", posts_per_page=2).status_code == 303
    after = reader.get("/")
    assert after.headers["X-Cache"] == "miss"
    assert NOINDEX in text(after) and len(titles(after)) == 2
    assert text(reader.get("/robots.txt")) == "User-agent: *\nDisallow: /\n"
    assert reader.get("/").headers["X-Cache"] == "hit"


def test_history_names_the_chosen_pages(client, auth, pages):
    auth.login()
    front_and_posts(client, pages, feed_full_text="")
    history = text(client.get("/admin/settings/history/"))
    front, posts, _ = pages
    assert f"Welcome Home (#{front.id})" in history and f"Journal (#{posts.id})" in history
    assert "A static page" in history and "Excerpt" in history


def test_a_post_of_one_field_keeps_the_rest_of_reading(app, client, auth, pages):
    front, posts, _ = pages
    auth.login()
    front_and_posts(client, pages, feed_full_text="", discourage_search="y")
    token = csrf_token(client, SETTINGS)
    assert client.post(SETTINGS, data={"csrf_token": token,
                                       "posts_per_page": "4"}).status_code == 303
    with app.app_context():
        assert settings.current().group("reading") == {
            "posts_per_page": 4, "show_on_front": "page", "page_on_front": front.id,
            "page_for_posts": posts.id, "posts_per_rss": 10, "feed_full_text": False,
            "discourage_search": True}
