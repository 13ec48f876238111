"""Script work at load on the demo site (issue 16, item 9): htmx sets up every
hx-get element in one task before the page is usable, about 0.2 ms each on a
fast machine and four times that on Lighthouse's phone, so the pages hand it
few. Before the fix the single post handed it 174 (Lighthouse: 240-295 ms of
Total Blocking Time); bench/lighthouse.py measures the pages themselves."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import watch_console

COUNT_SETUPS = ("window.__setups = 0; document.addEventListener("
                "'htmx:beforeProcessNode', function () { window.__setups++; }, true);")


def demo_pages(page, live_server) -> dict[str, str]:
    page.goto(live_server + "/")
    post = page.locator("h2.entry-title a").first.get_attribute("href")
    page.goto(live_server + post)
    category = page.locator(".entry-footer a[href^='/category/']").first.get_attribute("href")
    return {"home": "/", "single post": post, "category": category}


# The home page lists ten posts, each with its author, categories and tags.
BUDGET = {"home": 100, "single post": 50, "category": 50}


@pytest.mark.parametrize("name", BUDGET)
def test_htmx_sets_up_few_elements_at_load(page, live_server, name):
    url = demo_pages(page, live_server)[name]
    page.add_init_script(COUNT_SETUPS)
    page.goto(live_server + url)
    page.wait_for_load_state("load")
    assert 0 < page.evaluate("window.__setups") <= BUDGET[name]


def test_all_categories_swap_once_opened(page, live_server):
    problems = watch_console(page)
    page.goto(live_server + "/")
    page.wait_for_load_state("load")
    everything = page.locator(".all-categories")
    assert everything.locator("a[hx-get]").count() == 0
    page.evaluate("window.__marker = 'no reload'")
    everything.locator("summary").press("Enter")  # opened from the keyboard too
    link = everything.get_by_role("link", name="Neuroscience", exact=True)
    expect(everything.locator("a:not([hx-get])")).to_have_count(0)
    link.click()
    page.wait_for_url(re.compile(r"/category/neuroscience/$"))
    page.locator("#post-list-title", has_text="Category: Neuroscience").wait_for()
    assert page.evaluate("window.__marker") == "no reload"
    assert problems == [] and page.evaluate("window.__csp") == []
