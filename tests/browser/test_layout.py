"""Every page type fits the screen it is read on: nothing wider than a phone,
filters that take little room, and a sidebar that does not run for metres."""

import re

import pytest
import sqlalchemy as sa

from dreamweaver.blog import queries
from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post, Tag, User, post_tags
from dreamweaver.permalinks import post_url
from tests.browser.test_admin_flow import log_in, owner  # noqa: F401 (a fixture)
from tests.browser.test_smoke import watch_console

WIDTHS = [320, 390, 768, 1280]


@pytest.fixture(scope="module")
def reader_urls(live_app):
    """One address of each page type readers see, taken from the demo site."""
    with live_app.test_request_context():
        visible = (Post.type == "post", Post.status == "published", Post.password == "")
        commented = db.session.scalars(
            sa.select(Post).join(Comment).where(*visible, Comment.status == "approved")
            .group_by(Post.id).order_by(sa.func.count(Comment.id).desc()).limit(1)).one()
        page = db.session.scalars(sa.select(Post).where(
            Post.type == "page", Post.status == "published")).first()
        tag = db.session.scalars(sa.select(Tag).join(post_tags)).first()
        author = db.session.get(User, commented.author_id)
        day = commented.published_local
        return {
            "home": "/",
            "post with comments": post_url(commented),
            "page": post_url(page),
            "category": "/category/neuroscience/",
            "tag": f"/tag/{tag.slug}/",
            "month": f"/{day:%Y/%m}/",
            "day": f"/{day:%Y/%m/%d}/",
            "author": f"/author/{author.slug}/",
            "search": "/?s=psilocybin",
            "404": "/no-such-page/",
        }


def overflow(page, url, width):
    """How many pixels the page is wider than a window `width` px wide."""
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status in (200, 404), url
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_reader_page_is_wider_than_the_screen(page, live_server, reader_urls, width):
    problems = watch_console(page)
    wider, csp = {}, {}
    for name, url in reader_urls.items():
        wider[name] = overflow(page, live_server + url, width)
        csp[name] = page.evaluate("window.__csp")
    assert {name: px for name, px in wider.items() if px > 0} == {}
    assert {name: errors for name, errors in csp.items() if errors} == {}
    assert [p for p in problems if "404" not in p] == []  # the 404 page's own status


@pytest.mark.parametrize("width", WIDTHS)
def test_no_admin_page_is_wider_than_the_screen(page, live_server, owner, width):  # noqa: F811
    wider = {"login": overflow(page, live_server + "/admin/login", width)}
    log_in(page, live_server, owner)
    pages = {"dashboard": "/admin/", "posts": "/admin/posts/", "editor": "/admin/posts/new",
             "comments": "/admin/comments/"}
    wider |= {name: overflow(page, live_server + url, width) for name, url in pages.items()}
    assert {name: px for name, px in wider.items() if px > 0} == {}


def test_filters_take_one_row_and_drop_their_buttons_with_htmx(page, live_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server + "/")
    page.wait_for_function("document.documentElement.classList.contains('has-htmx')")
    filters = page.locator(".list-filters").bounding_box()
    assert filters["height"] < 50  # one row: two selects, labels for screen readers
    assert page.locator(".filter-form button").evaluate_all(
        "buttons => buttons.map(b => b.checkVisibility())") == [False, False]
    # Only the banner is above the first post (it was 460 px down).
    first = page.locator("article.entry").first.bounding_box()
    assert first["y"] < 400


def test_filters_keep_their_buttons_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.locator(".filter-form button").evaluate_all(
        "buttons => buttons.map(b => b.checkVisibility())") == [True, True]
    assert page.locator(".list-filters").bounding_box()["height"] < 50
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.select_option("#filter-category", value="neuroscience")
    page.locator("#filter-category ~ button").click()
    page.wait_for_url(re.compile(r"/category/neuroscience/$"))
    context.close()


@pytest.mark.parametrize(("width", "tallest"), [(1280, 3000), (390, 5000)])
def test_categories_widget_keeps_pages_short(page, live_server, width, tallest):
    """Before the short form, every page was 7,720 px tall at 1280 px and
    13,100 px at 390 px, nearly all of it the 137 categories."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server + "/about/")
    assert page.evaluate("document.documentElement.scrollHeight") < tallest
    assert page.locator(".widget-categories").bounding_box()["height"] < 700
    assert page.locator(".top-categories li").count() == 10


def test_every_category_is_reachable_from_the_widget(page, live_app, live_server):
    with live_app.app_context():
        names = [name for name, _slug, _count in queries.category_counts()]
    page.goto(live_server + "/")
    everything = page.locator(".all-categories")
    assert everything.get_by_role("link").count() == 0  # closed
    page.locator(".all-categories > summary", has_text=f"All categories ({len(names)})").click()
    assert everything.get_by_role("link").all_inner_texts() == names
    everything.get_by_role("link", name=names[-1], exact=True).click()
    page.locator("#post-list-title", has_text=f"Category: {names[-1]}").wait_for()
    # The category shown joins the short list, marked as current.
    page.reload()
    current = page.locator(".top-categories a[aria-current=page]")
    assert current.inner_text() == names[-1]
