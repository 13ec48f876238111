"""Browsing lists in a real browser: swaps in place, real URLs, history, no JS."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import WCAG, watch_console

CATEGORY = "Neuroscience"


@pytest.fixture
def home(page, live_server):
    problems = watch_console(page)
    page.goto(live_server + "/")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__marker = 'no reload'")
    yield page
    assert page.evaluate("window.__csp") == []
    assert problems == []


def category_link(page, name):
    """The Categories widget's link to `name`, opening "All categories" for it
    (the demo's Neuroscience is not among the most used)."""
    page.locator(".all-categories > summary").click()
    return page.locator(".all-categories").get_by_role("link", name=name, exact=True)


def swapped(page):
    """True while no full page load has happened since the fixture marked the page."""
    return page.evaluate("window.__marker") == "no reload"


def test_category_click_swaps_list_and_pushes_url(home, live_server):
    category_link(home, CATEGORY).click()
    home.wait_for_url(re.compile(r"/category/neuroscience/$"))
    home.locator("#post-list-title", has_text=f"Category: {CATEGORY}").wait_for()
    assert swapped(home)
    assert home.title().startswith(f"Category: {CATEGORY}")
    # htmx focuses [autofocus] when the swap settles, a moment after the text shows.
    expect(home.locator("#post-list-title")).to_be_focused()
    assert "Category: Neuroscience" in home.locator("#announcer").inner_text()
    assert home.locator("h1").count() == 1  # the swapped list's, not the home page's too
    current = home.locator(".widget-categories a[aria-current=page]")
    assert current.inner_text() == CATEGORY


def test_back_restores_previous_list_and_url(home, live_server):
    category_link(home, CATEGORY).click()
    home.wait_for_url(re.compile(r"/category/neuroscience/$"))
    home.go_back()
    home.wait_for_url(live_server + "/")
    home.locator("h1#post-list-title", has_text="Latest posts").wait_for(state="attached")
    assert home.locator(".filter-form").count() == 2
    home.go_forward()
    home.wait_for_url(re.compile(r"/category/neuroscience/$"))
    home.locator("#post-list-title", has_text=f"Category: {CATEGORY}").wait_for()
    assert home.locator("header.site-header").count() == 1  # a whole page, never a bare fragment


def test_reload_of_pushed_url_gives_full_page(home):
    home.locator(".widget-archives a").first.click()
    home.wait_for_url(re.compile(r"/\d{4}/\d{2}/$"))
    home.reload()
    assert home.locator("header.site-header").count() == 1
    assert home.locator("aside.sidebar").count() == 1
    assert home.locator("#post-list-title").inner_text().startswith("Month: ")


def test_month_select_swaps_list(home):
    home.select_option("#filter-month", value="202312")
    home.wait_for_url(re.compile(r"/2023/12/$"))
    home.locator("#post-list-title", has_text="Month: December 2023").wait_for()
    assert swapped(home)
    assert home.locator("#filter-month").input_value() == "202312"


def test_category_select_swaps_list(home):
    home.select_option("#filter-category", value="neuroscience")
    home.wait_for_url(re.compile(r"/category/neuroscience/$"))
    home.locator("#post-list-title", has_text=f"Category: {CATEGORY}").wait_for()
    assert swapped(home)


def test_pagination_swaps_list(home):
    first_titles = home.locator(".entry-title").all_inner_texts()
    home.locator(".posts-navigation .nav-previous").click()
    home.wait_for_url(re.compile(r"/page/2/$"))
    home.locator(".posts-navigation .nav-next").wait_for()
    assert swapped(home)
    assert home.locator(".entry-title").all_inner_texts() != first_titles
    assert "Page 2" in home.title()


def test_search_swaps_list(home):
    home.fill("#site-search", "ayahuasca")
    home.press("#site-search", "Enter")
    home.wait_for_url(re.compile(r"\?s=ayahuasca$"))
    home.locator("#post-list-title", has_text="Search Results for").wait_for()
    assert swapped(home)
    assert home.locator("mark").count() > 0


def test_missing_page_shows_message_in_place(page, live_server):
    problems = watch_console(page)
    page.goto(live_server + "/")
    page.evaluate("window.__marker = 'no reload'")
    page.evaluate("""htmx.ajax('GET', '/category/no-such-thing/',
                     {target: '#content', swap: 'innerHTML'})""")
    page.locator("#error-title", has_text="Page not found").wait_for()
    assert swapped(page)
    # The browser and htmx both report the 404; nothing else may go wrong.
    assert all("404" in p or "responseError" in p or "HTMLElement" in p for p in problems)


def test_listing_flows_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    category_link(page, CATEGORY).click()
    page.wait_for_url(re.compile(r"/category/neuroscience/$"))
    assert page.locator("#post-list-title").inner_text() == f"Category: {CATEGORY}"
    page.select_option("#filter-month", value="202312")
    page.locator("#filter-month ~ button").click()
    page.wait_for_url(re.compile(r"/2023/12/$"))
    page.select_option("#filter-category", value="neuroscience")
    page.locator("#filter-category ~ button").click()
    page.wait_for_url(re.compile(r"/category/neuroscience/$"))
    page.fill("#site-search", "mycelium OR ayahuasca")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r"\?s="))
    assert "Search Results for" in page.locator("#post-list-title").inner_text()
    page.goto(live_server + "/")
    page.locator(".posts-navigation .nav-previous").click()
    page.wait_for_url(re.compile(r"/page/2/$"))
    context.close()


def test_keyboard_menu_toggle_and_filters(page, live_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server + "/")
    summary = page.locator("details.menu-toggle summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.menu-toggle").get_attribute("open") is not None
    page.locator("#filter-category").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r"/category/"))
    # The home page has a #post-list-title too: wait for the category's.
    page.locator("#post-list-title", has_text="Category: ").wait_for()
    expect(page.locator("#post-list-title")).to_be_focused()


PAGES = {"home": "/", "category": "/category/neuroscience/", "404": "/no-such-page/"}


@pytest.mark.parametrize("name", [*PAGES, "post"])
def test_no_accessibility_violations(page, live_server, axe_source, name):
    url = PAGES.get(name)
    if url is None:
        page.goto(live_server + "/")
        url = page.locator("article.entry h2 a").first.get_attribute("href")
    page.goto(live_server + url)
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots(page, live_server, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    for name, url in (("home", "/"), ("category", "/category/neuroscience/")):
        page.goto(live_server + url)
        page.screenshot(path=artifacts / f"{name}-{width}.png", full_page=True)
    page.goto(live_server + "/")
    page.locator("article.entry h2 a").first.click()
    page.wait_for_load_state()
    page.screenshot(path=artifacts / f"post-{width}.png", full_page=True)
    assert (artifacts / f"post-{width}.png").stat().st_size > 10_000


def test_reopened_tab_shows_full_page(page, browser, live_server):
    page.goto(live_server + "/")
    category_link(page, CATEGORY).click()
    page.wait_for_url(re.compile(r"/category/neuroscience/$"))
    pushed = page.url
    page.close()
    context = browser.new_context()
    reopened = context.new_page()
    reopened.goto(pushed)
    assert reopened.locator("header.site-header").count() == 1
    assert reopened.locator("#post-list-title").inner_text() == f"Category: {CATEGORY}"
    context.close()


def test_recent_posts_refreshes_on_its_trigger(home):
    home.evaluate("document.querySelector('#recent-posts li').textContent = 'stale entry'")
    with home.expect_response(lambda r: "/partials/recent-posts" in r.url):
        home.evaluate("htmx.trigger('#recent-posts', 'dw:stale')")
    home.wait_for_function(
        "() => !document.querySelector('#recent-posts').textContent.includes('stale entry')"
    )
    assert home.locator("#recent-posts li").count() == 5
    assert swapped(home)
