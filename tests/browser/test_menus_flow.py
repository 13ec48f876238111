"""The owner builds the header menu in a real browser (issue 20, Menus):
the screen passes axe; without JavaScript the Up and In buttons reorder and
nest; with it, drag and drop reorders through htmx; a custom link added in
/admin shows in the 390 px Menu toggle with and without JavaScript."""

import re
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.models import Post, User
from tests.support.browser import PASSWORD, WCAG, log_in, serving, watch_console
from tests.support.settings import TEST_SETTINGS

PAGES = ("About", "Contact", "Reading")


@pytest.fixture(scope="module")
def menu_site(tmp_path_factory):
    """A small site of its own (the shared demo's menu stays as other tests know
    it): three pages and an administrator."""
    database = tmp_path_factory.mktemp("menus") / "site.sqlite"
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        upgrade()
        moment = datetime(2024, 1, 1, tzinfo=UTC)
        for title in PAGES:
            db.session.add(Post(type="page", status="published", title=title,
                                slug=title.lower(), content_html=f"<p>{title}.</p>",
                                published_at=moment, published_local=moment.replace(tzinfo=None)))
        owner = User(login="owner", display_name="The Owner", slug="owner",
                     role="administrator")
        owner.set_password(PASSWORD)
        db.session.add(owner)
        db.session.commit()
    with serving(app) as url:
        yield url


def menu_titles(page) -> list[str]:
    """As written (the theme shows the menu in capitals)."""
    return page.locator("#primary-menu > li > a").evaluate_all(
        "links => links.map(a => a.textContent)")


def item(page, name):
    return page.locator(".menu-editor-item", has=page.locator(
        ".menu-item-name", has_text=re.compile(rf"^\w[\w ]*: {name}$"))).first


def test_the_menu_screen_has_no_accessibility_violations(page, menu_site, axe_source):
    problems = watch_console(page)
    log_in(page, menu_site, "owner")
    page.goto(menu_site + "/admin/menus/")
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]] == []
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_buttons_reorder_and_nest_without_javascript(browser, menu_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, menu_site, "owner")
        page.goto(menu_site + "/admin/menus/")
        item(page, "Reading").get_by_role("button", name="Up “Reading”").click()
        page.wait_for_url(re.compile(r"/admin/menus/$"))
        assert page.get_by_role("status").first.inner_text() == "Menu saved."
        item(page, "Reading").get_by_role("button", name=re.compile("^In “Reading”")).click()
        page.wait_for_url(re.compile(r"/admin/menus/$"))
        page.goto(menu_site + "/")
        assert menu_titles(page) == ["Home", "About", "Contact"]
        assert page.locator('#primary-menu .sub-menu a[href="/reading/"]').count() == 1
    finally:
        context.close()


def test_drag_and_drop_reorders_with_htmx(page, menu_site):
    problems = watch_console(page)
    page.set_viewport_size({"width": 1280, "height": 2000})  # both ends of the drag on screen
    log_in(page, menu_site, "owner")
    page.goto(menu_site + "/admin/menus/")
    before = page.locator(".menu-editor-list > li > .menu-editor-line .menu-item-name")
    first = before.all_inner_texts()
    last_name = first[-1].split(": ", 1)[1]
    top = page.locator(".menu-editor-list > li").first
    moved = item(page, last_name).locator(".menu-editor-line").first
    with page.expect_response(lambda r: r.url.endswith("/admin/menus/")
                              and r.request.method == "POST"):
        # From the line's left edge: a drag cannot start in its label field.
        moved.drag_to(top.locator(".menu-editor-line").first, source_position={"x": 4, "y": 4},
                      target_position={"x": 10, "y": 2})
    page.locator(".form-status .notice", has_text="Menu saved.").wait_for()
    after = page.locator(".menu-editor-list > li > .menu-editor-line .menu-item-name")
    assert after.first.inner_text().endswith(last_name)
    page.goto(menu_site + "/")
    assert menu_titles(page)[0] == last_name
    assert page.evaluate("window.__csp") == []
    assert problems == []


@pytest.mark.parametrize("javascript", [True, False])
def test_a_saved_link_shows_in_the_menu_toggle_at_390(browser, menu_site, javascript):
    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        log_in(page, menu_site, "owner")
        page.goto(menu_site + "/admin/menus/")
        label = f"Shop {'with' if javascript else 'without'} JS"
        form = page.locator("form.menu-add", has=page.get_by_role("group", name="Custom link"))
        form.get_by_label("Address (URL)").fill("https://shop.example.org/")
        form.get_by_label("Label").fill(label)
        form.get_by_role("button", name="Add custom link").click()
        page.locator(".notice", has_text="Added to the menu.").first.wait_for()
        page.goto(menu_site + "/")
        link = page.locator("#primary-menu a", has_text=label)
        assert not link.is_visible()
        page.locator(".menu-toggle > summary").click()
        assert link.is_visible()
        assert link.get_attribute("href") == "https://shop.example.org/"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        context.close()
