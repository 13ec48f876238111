"""The sidebar's widgets as readers see them: the seed's four by default,
each kind with its options, the dropdowns without JavaScript, the partials,
and a change seen on the next page view with every cache on."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from dreamweaver.caching import generation
from dreamweaver.extensions import db
from dreamweaver.models import SiteSetting
from dreamweaver.widgets.kinds import default_widgets
from tests.support.comment_client import permalink, send
from tests.support.responses import section, text
from tests.support.widgets import set_sidebar, stored

HX = {"HX-Request": "true"}


def sidebar(response) -> str:
    html = text(response)
    return html[html.index('<aside class="sidebar'):html.index("</aside>")]


def widget_ids(response) -> list[str]:
    return re.findall(r'<section class="widget widget-([\w-]+)"', sidebar(response))


def test_default_is_the_seeds_four_widgets_with_nothing_saved(app, client, make):
    make.post("Hello", categories=[make.category("News")])
    assert widget_ids(client.get("/")) == [
        "recent-posts", "recent-comments", "archives", "categories"]
    assert stored(app) == default_widgets() == [
        {"type": "recent-posts", "title": "Recent Posts", "number": 5},
        {"type": "recent-comments", "title": "Recent Comments", "number": 5},
        {"type": "archives", "title": "Archives", "dropdown": False, "count": False},
        {"type": "categories", "title": "Categories", "display": "top", "number": 10,
         "count": False}]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SiteSetting)) == 0


def test_saving_the_default_reproduces_todays_sidebar(app, client, make):
    make.post("Hello", categories=[make.category("News")], tags=[make.tag("calm")])
    before = sidebar(client.get("/category/news/"))
    set_sidebar(app, {"type": "recent-comments"})
    assert sidebar(client.get("/category/news/")) != before
    set_sidebar(app, *default_widgets())
    assert sidebar(client.get("/category/news/")) == before


def test_recent_posts_number_and_title(app, client, make):
    for n in range(4):
        make.post(f"Post number {n}", published_at=datetime(2024, 1, 1 + n, tzinfo=UTC))
    set_sidebar(app, {"type": "recent-posts", "title": "Latest & Greatest", "number": 2})
    widget = section(client.get("/"), "recent-posts")
    assert '<h2 class="widget-title" id="recent-posts-title">Latest &amp; Greatest</h2>' in widget
    assert re.findall(r">(Post number \d)</a>", widget) == ["Post number 3", "Post number 2"]


def test_recent_comments_number(app, client, make):
    post = make.post("Busy")
    for n in range(3):
        make.comment(post, author_name=f"Reader {n}",
                     created_at=datetime(2024, 2, 1 + n, tzinfo=UTC))
    set_sidebar(app, {"type": "recent-comments", "number": 1})
    widget = section(client.get("/"), "recent-comments")
    assert re.findall(r"(Reader \d)</span> on", widget) == ["Reader 2"]


def test_two_of_a_kind_have_their_own_ids_options_and_partials(app, client, make):
    for n in range(3):
        make.post(f"Post number {n}", published_at=datetime(2024, 1, 1 + n, tzinfo=UTC))
    set_sidebar(app, {"type": "recent-posts", "number": 1},
                {"type": "recent-posts", "title": "More", "number": 3})
    home = client.get("/")
    assert len(re.findall(r">(Post number \d)</a>", section(home, "recent-posts"))) == 1
    second = section(home, "recent-posts-2")
    assert 'aria-labelledby="recent-posts-2-title"' in second
    assert 'hx-get="/partials/recent-posts?n=2"' in second
    assert len(re.findall(r">(Post number \d)</a>", second)) == 3
    partial = client.get("/partials/recent-posts?n=2", headers=HX)
    assert partial.status_code == 200
    assert text(partial).startswith(
        '<section class="widget widget-recent-posts" id="recent-posts-2"')
    assert len(re.findall(r">(Post number \d)</a>", text(partial))) == 3


def test_partial_of_a_widget_taken_out_is_empty(app, client, make):
    make.post("Hello")
    set_sidebar(app, {"type": "search"})
    for url in ("/partials/recent-posts", "/partials/recent-comments?n=1"):
        response = client.get(url, headers=HX)
        assert response.status_code == 200 and text(response) == ""


def test_archives_with_counts(app, client, make):
    for day in (3, 9):
        make.post(f"January {day}", published_at=datetime(2024, 1, day, tzinfo=UTC))
    make.post("March", published_at=datetime(2024, 3, 1, tzinfo=UTC))
    set_sidebar(app, {"type": "archives", "count": True})
    widget = section(client.get("/"), "archives-title")
    assert re.findall(r">(\w+ \d{4} \(\d\))</a>", widget) == ["March 2024 (1)", "January 2024 (2)"]


def test_archives_dropdown_is_a_get_form_that_works_without_javascript(app, client, make):
    make.post("January", published_at=datetime(2024, 1, 3, tzinfo=UTC))
    make.post("March", published_at=datetime(2024, 3, 1, tzinfo=UTC))
    set_sidebar(app, {"type": "archives", "dropdown": True, "count": True})
    widget = section(client.get("/2024/03/"), "archives-title")
    form = re.search(r'<form [^>]*method="get" action="/"[^>]*>(.*?)</form>', widget, re.S)
    assert form and '<select id="archives-dropdown" name="m">' in form.group(1)
    assert '<option value="202403" selected>March 2024 (1)</option>' in form.group(1)
    assert '<option value="202401">January 2024 (1)</option>' in form.group(1)
    assert '<button type="submit">Show</button>' in form.group(1)
    assert '<label class="visually-hidden" for="archives-dropdown">Archives</label>' in widget
    # What the browser does with "Show" and no script: the month's own page.
    moved = client.get("/?m=202401")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/2024/01/")
    # With htmx, a choice swaps the listing in and pushes the month's address.
    swapped = client.get("/?m=202401", headers=HX)
    assert swapped.status_code == 200 and swapped.headers["HX-Push-Url"] == "/2024/01/"


def test_categories_list_with_counts(app, client, make):
    zen, art = make.category("Zen"), make.category("Art")
    make.post("One", categories=[zen, art])
    make.post("Two", categories=[zen])
    set_sidebar(app, {"type": "categories", "display": "list", "count": True})
    widget = section(client.get("/"), "categories-title")
    assert re.findall(r'">(\w+)</a> \((\d)\)', widget) == [("Art", "1"), ("Zen", "2")]
    assert "<details" not in widget and "<select" not in widget


def test_categories_dropdown_works_without_javascript(app, client, make):
    zen = make.category("Zen Garden")
    make.post("One", categories=[zen, make.category("Art")])
    set_sidebar(app, {"type": "categories", "display": "dropdown"})
    widget = section(client.get("/category/zen-garden/"), "categories-title")
    assert '<select id="categories-dropdown" name="cat">' in widget
    assert '<option value="zen-garden" selected>Zen Garden</option>' in widget
    assert '<option value="">Select Category</option>' in widget
    moved = client.get("/?cat=zen-garden")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/category/zen-garden/")


def test_categories_top_n(app, client, make):
    categories = [make.category(f"Cat {n}") for n in range(4)]
    make.post("All", categories=categories)
    make.post("Busy", categories=[categories[2]])
    set_sidebar(app, {"type": "categories", "number": 1})
    widget = section(client.get("/"), "categories-title")
    short, everything = widget.split("<details", 1)
    assert re.findall(r'">(Cat \d)</a> \((\d)\)', short) == [("Cat 2", "2")]
    assert "<summary>All categories (4)</summary>" in everything


def test_tag_cloud_sizes_tags_by_their_posts(app, client, make):
    calm, bold, rare, unused = (make.tag(name) for name in ("calm", "Bold", "rare", "unused"))
    for n in range(5):
        make.post(f"Post {n}", tags=[calm] + ([bold] if n < 3 else []) + ([rare] if n < 1 else []))
    make.post("Draft", tags=[unused], status="draft")
    set_sidebar(app, {"type": "tag-cloud"})
    widget = section(client.get("/"), "tag-cloud")
    assert '<h2 class="widget-title" id="tag-cloud-title">Tags</h2>' in widget
    links = re.findall(r'<a href="/tag/(\w+)/" hx-get="[^"]+" '
                       r'class="tag-cloud-link tag-cloud-size-(\d)" aria-label="([^"]+)">', widget)
    # By name; the least used smallest, the most used largest, linearly between.
    assert links == [("bold", "3", "Bold (3 posts)"), ("calm", "5", "calm (5 posts)"),
                     ("rare", "1", "rare (1 post)")]


def test_tag_cloud_number_and_counts(app, client, make):
    tags = [make.tag(f"tag{n}") for n in range(4)]
    for n in range(4):
        make.post(f"Post {n}", tags=tags[:n + 1])
    set_sidebar(app, {"type": "tag-cloud", "number": 2, "count": True, "title": ""})
    widget = section(client.get("/"), "tag-cloud")
    assert re.findall(r">(tag\d) <span class=\"tag-link-count\">\((\d)\)</span>", widget) == [
        ("tag0", "4"), ("tag1", "3")]
    assert "<h2" not in widget and 'aria-label="Tag Cloud"' in widget


def test_tag_cloud_is_one_cached_query(app, cached_app, database_uri, make):
    make.post("Tagged", tags=[make.tag("calm")], categories=[make.category("News")])
    set_sidebar(app, {"type": "tag-cloud", "number": 1}, {"type": "tag-cloud", "number": 5})
    statements = []

    def note(connection, cursor, statement, *args):
        statements.append(statement)

    with cached_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        client = cached_app.test_client()
        client.set_cookie("session", "not-a-session")  # past the page cache
        client.get("/")
        client.get("/category/news/")  # another sidebar (it marks News), the same tags
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert sum("post_tags" in s and "count(" in s.lower() for s in statements) == 1


def test_search_widget(app, client, make):
    set_sidebar(app, {"type": "search", "title": "Look around"})
    widget = section(client.get("/?s=mind"), "search")
    assert '<form role="search" class="search-form" method="get" action="/"' in widget
    assert '<label for="search-field">Search for:</label>' in widget
    # The sidebar is shared by every reader: it never echoes one reader's words.
    assert '<input type="search" id="search-field" name="s" maxlength="200">' in widget


def test_feed_links_widget(app, client):
    set_sidebar(app, {"type": "feed-links"})
    widget = section(client.get("/"), "feed-links")
    assert '<a href="/feed/">Entries feed</a>' in widget
    assert '<a href="/comments/feed/">Comments feed</a>' in widget


def test_unknown_kind_in_the_stored_list_is_left_out(app, client):
    with app.app_context():
        db.session.add(SiteSetting(name="widgets", value={"sidebar_widgets": [
            {"type": "calendar"}, {"type": "search"}]}))
        db.session.commit()
    assert widget_ids(client.get("/")) == ["search"]


def test_a_new_comment_refreshes_every_recent_comments_widget(app, client, make):
    post = make.post("Talk")
    set_sidebar(app, {"type": "recent-comments"}, {"type": "recent-comments", "number": 2})
    response = send(client, permalink(app, post), htmx=True, author="Zelda Newcomer")
    assert response.status_code == 200
    body = text(response)
    assert body.count('hx-swap-oob="true"') >= 2
    assert "Zelda Newcomer" in body.split('id="recent-comments-2"')[1]


def test_a_widget_change_shows_on_the_next_view_with_every_cache_on(app, cached_app, make):
    make.post("Hello")
    client = cached_app.test_client()
    first = client.get("/")
    assert 'id="recent-posts"' in text(first)
    assert "widget-feed-links" not in text(client.get("/"))  # served from the page cache
    with cached_app.app_context():
        before = generation()
    set_sidebar(app, {"type": "feed-links"})
    with cached_app.app_context():
        assert generation() > before  # what keys the cached sidebar fragment
    again = text(client.get("/"))
    assert "widget-feed-links" in again and 'id="recent-posts"' not in again
