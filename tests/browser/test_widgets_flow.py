"""The owner adds a Tag Cloud and a Text widget in /admin/widgets/ with htmx,
and readers see both on the home page; the screen passes axe."""

import re

import pytest

from dreamweaver import settings
from dreamweaver.extensions import db
from dreamweaver.widgets.kinds import GROUP_NAME, KEY, default_widgets
from tests.support.browser import WCAG, log_in, watch_console


@pytest.fixture
def default_sidebar(live_app):
    """The live site is shared by every browser test: its sidebar goes back
    to the default when this test is done."""
    yield
    with live_app.app_context():
        settings.save(GROUP_NAME, {KEY: default_widgets()})
        db.session.commit()


def test_owner_adds_a_tag_cloud_and_a_text_widget(page, live_server, owner, default_sidebar):
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/widgets/")
    page.evaluate("window.__marker = 'same page'")
    page.select_option("#type", "tag-cloud")
    page.click("form.widget-add button[type=submit]")
    page.locator(".notice", has_text="Tag Cloud widget added").wait_for()
    page.select_option("#type", "text")
    page.click("form.widget-add button[type=submit]")
    page.locator("#widget-6-heading", has_text="Text").wait_for()
    page.fill("#widget-6-title", "About this site")
    page.fill("#widget-6-text", "A **friendly** note.<script>alert('no')</script>")
    page.click("#widget-6 form.widget-options button[type=submit]")
    page.locator("#widget-6-heading", has_text="About this site").wait_for()
    assert page.evaluate("window.__marker") == "same page"  # swapped in place by htmx

    page.goto(live_server + "/")
    cloud = page.locator("#tag-cloud")
    assert cloud.locator("h2").text_content() == "Tags"
    assert cloud.locator("a.tag-cloud-link").count() > 1
    sizes = {re.search(r"tag-cloud-size-(\d)", link.get_attribute("class")).group(1)
             for link in cloud.locator("a.tag-cloud-link").all()}
    assert len(sizes) > 1  # the demo's tags are not all used alike
    text = page.locator("#text")
    assert text.locator("h2").text_content() == "About this site"
    assert text.locator("strong").inner_text() == "friendly"
    assert text.locator("script").count() == 0
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_widgets_screen_has_no_accessibility_violations(page, live_server, owner, axe_source):
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/widgets/")
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []
