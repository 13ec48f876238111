"""The home page in a real browser: it loads, styles apply, and nothing breaks the CSP."""

from tests.support.browser import watch_console


def test_home_loads_without_console_errors_or_csp_violations(page, live_server):
    problems = watch_console(page)
    page.goto(live_server + "/")
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Psychedelic Dreamweaver")
    assert page.locator("p.site-title").inner_text() == "Psychedelic Dreamweaver"
    assert page.locator("h1").count() == 1
    assert page.locator("#recent-posts li").count() == 5
    # htmx loaded from our own host, with its configuration from the meta tag.
    assert page.evaluate("window.htmx && htmx.version") == "2.0.11"
    assert page.evaluate("htmx.config.historyRestoreAsHxRequest") is False
    # Our stylesheet applied: the visually-hidden heading takes no room.
    hidden = page.locator("#post-list-title")
    assert hidden.evaluate("el => getComputedStyle(el).position") == "absolute"
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_single_post_and_menu_work_without_errors(page, live_server):
    problems = watch_console(page)
    page.goto(live_server + "/")
    page.locator("article.entry h2 a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1.entry-title").count() == 1
    assert page.locator(".entry-meta").text_content().strip().startswith("Posted on ")
    page.set_viewport_size({"width": 390, "height": 800})
    menu = page.locator("details.menu-toggle")
    page.locator("details.menu-toggle summary").click()
    assert menu.get_attribute("open") is not None
    assert page.locator("#primary-menu a", has_text="About").is_visible()
    assert page.evaluate("window.__csp") == []
    assert problems == []
