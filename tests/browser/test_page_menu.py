"""The header menu with child pages: nested under their parent, reachable
without JavaScript (the Menu toggle at 390 px, a hover or keyboard-focus
dropdown at 1280 px), and never wider than the screen."""

import threading
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from dreamweaver import create_app
from dreamweaver.demo import load_demo
from dreamweaver.extensions import db
from dreamweaver.models import Post
from tests.support.browser import watch_console
from tests.support.settings import TEST_SETTINGS

CHILD = "/guides/first-trip/"
GRANDCHILD = "/guides/first-trip/set-and-setting/"


@pytest.fixture(scope="module")
def nested_site(tmp_path_factory):
    """The demo site plus Guides > First Trip > Set and Setting, on its own server
    (the shared demo's menu stays as other tests know it)."""
    database = tmp_path_factory.mktemp("nested") / "site.sqlite"
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        upgrade()
        load_demo()
        parent = None
        for title, slug in (("Guides", "guides"), ("First Trip, a Longer Title Than Most",
                                                    "first-trip"),
                            ("Set and Setting", "set-and-setting")):
            moment = datetime(2024, 1, 1, tzinfo=UTC)
            page = Post(type="page", status="published", title=title, slug=slug,
                        content_html=f"<p>{title}.</p>", published_at=moment,
                        published_local=moment.replace(tzinfo=None),
                        parent_id=parent.id if parent else None)
            db.session.add(page)
            db.session.flush()
            parent = page
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def open_at(page, url, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url)
    page.wait_for_load_state("networkidle")


def wider_than_screen(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_menu_toggle_shows_children_nested_at_390(page, nested_site):
    problems = watch_console(page)
    open_at(page, nested_site + "/", 390)
    child = page.locator(f'#primary-menu .sub-menu a[href="{CHILD}"]')
    assert not child.is_visible()
    page.locator(".menu-toggle > summary").click()
    assert child.is_visible()
    grandchild = page.locator(f'#primary-menu .sub-menu a[href="{GRANDCHILD}"]')
    assert grandchild.is_visible()
    parent_box = page.locator('#primary-menu a[href="/guides/"]').bounding_box()
    child_box = child.bounding_box()
    assert child_box["y"] > parent_box["y"]  # below its parent,
    assert child_box["x"] > parent_box["x"]  # and indented
    assert wider_than_screen(page) <= 0
    with page.expect_navigation():
        child.click()
    assert page.url == nested_site + CHILD
    assert page.locator("h1").first.inner_text().startswith("First Trip")
    assert wider_than_screen(page) <= 0
    assert problems == []


def test_dropdown_opens_on_hover_and_keyboard_at_1280(page, nested_site):
    problems = watch_console(page)
    open_at(page, nested_site + "/", 1280)
    child = page.locator(f'#primary-menu .sub-menu a[href="{CHILD}"]')
    assert not child.is_visible()
    parent = page.locator('#primary-menu a[href="/guides/"]')
    parent.hover()
    assert child.is_visible()
    assert wider_than_screen(page) <= 0
    page.mouse.move(0, 700)
    assert not child.is_visible()
    parent.focus()
    assert child.is_visible()  # focus inside the item opens it
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == CHILD
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == GRANDCHILD
    assert wider_than_screen(page) <= 0
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == nested_site + GRANDCHILD
    assert problems == []


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_child_pages_fit_the_screen(page, nested_site, width):
    for url in (CHILD, GRANDCHILD):
        open_at(page, nested_site + url, width)
        assert wider_than_screen(page) <= 0, (url, width)
