"""The owner changes the site's settings in a browser: the form saves in place
with htmx, a mistake is shown beside its field, and readers see the change."""

import re

from tests.support.browser import WCAG, log_in, watch_console

POST = "/2023/10/05/psychedelic-assisted-therapy-what-happens-in-the-room/"


def test_owner_renames_the_site_and_readers_see_it(page, live_server, owner):
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.click("nav.admin-nav >> text=Settings")
    page.wait_for_url(re.compile(r"/admin/settings/$"))
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("Site title").fill("")
    page.get_by_role("button", name="Save Changes").click()
    page.locator("#site_title-error", has_text="Enter a title for the site.").wait_for()
    assert page.get_by_label("Site title").get_attribute("aria-invalid") == "true"
    page.get_by_label("Site title").fill("Gardens of the Mind")
    page.get_by_label("Tagline").fill("Slow notes on a fast subject")
    page.get_by_role("button", name="Save Changes").click()
    page.locator(".notice", has_text="Settings saved.").wait_for()
    assert page.evaluate("window.__marker") == "same page"
    page.goto(live_server + "/")
    assert page.inner_text(".site-title") == "Gardens of the Mind"
    assert page.inner_text(".site-description") == "Slow notes on a fast subject"
    assert page.title().startswith("Gardens of the Mind")
    assert page.evaluate("window.__csp") == []
    assert [p for p in problems if "422" not in p] == [], problems


def test_settings_pages_have_no_accessibility_violations(page, live_server, owner, axe_source):
    log_in(page, live_server, owner)
    for path in ("/admin/settings/", "/admin/settings/history/"):
        page.goto(live_server + path)
        page.evaluate(axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                      for v in result["violations"]]
        assert violations == [], path


def test_owner_sets_posts_per_page_and_a_moderation_word_and_readers_meet_both(
        page, browser, live_server, owner):
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/settings/")
    page.get_by_label("Posts per page").fill("3")
    page.get_by_label("Hold comments by the rules below").check()
    page.get_by_label("Comment author must have a previously approved comment").uncheck()
    page.get_by_label("Comment Moderation").fill("pineapple")
    page.get_by_role("button", name="Save Changes").click()
    page.locator(".notice", has_text="Settings saved.").wait_for()

    reader = browser.new_context().new_page()
    problems = watch_console(reader)
    reader.goto(live_server + "/")
    assert reader.locator("main article:not(.sticky)").count() == 3  # sticky ones come on top
    reader.goto(live_server + POST)
    for text, held in (("A plain word of thanks.", False),
                       ("A pineapple on the windowsill.", True)):
        reader.fill("#comment", text)
        reader.fill("#author", "Settings Reader")
        reader.fill("#email", "settings-reader@example.org")
        reader.click("#submit")
        mine = reader.locator("li.comment", has_text=text)
        mine.wait_for()
        assert mine.locator(".comment-awaiting-moderation").count() == (1 if held else 0)
    assert reader.evaluate("window.__csp") == []
    assert problems == []
