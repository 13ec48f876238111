"""The admin at a phone's width and the details an owner sees (issue 16, item 14)."""

import re

import pytest
import sqlalchemy as sa

from dreamweaver import publishing
from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post, User
from tests.support.browser import watch_console

PASSWORD = "correct horse battery"


def account(live_app, login, role):
    with live_app.app_context():
        if db.session.scalar(sa.select(User).where(User.login == login)) is None:
            user = User(login=login, display_name=login.title(), slug=login, role=role)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
    return login


@pytest.fixture(scope="module")
def owner(live_app):
    return account(live_app, "owner", "administrator")


def log_in(page, live_server, login):
    page.goto(live_server + "/admin/login")
    page.fill("#username", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_admin_tables_stack_on_phones(page, live_server, owner):
    """Every admin page fits 320 to 1280 px (test_layout.py walks them all);
    here, how the posts table fits a phone."""
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server + "/admin/posts/")
    assert page.locator(".admin-table tbody tr").count() > 1
    # Stacked, each cell says what it is.
    status_cell = page.locator('.admin-table td[data-label="Status"]').first
    label = page.evaluate("e => getComputedStyle(e, '::before').content",
                          status_cell.element_handle())
    assert label == '"Status: "'
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_preview_heading_is_bigger_than_text(page, live_server, owner):
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/posts/new")
    page.fill("#source", "## A Heading\n\nA paragraph of body text.")
    heading = page.locator("#post-preview h2", has_text="A Heading")
    heading.wait_for()
    size = page.evaluate("e => parseFloat(getComputedStyle(e).fontSize)", heading.element_handle())
    body = page.evaluate("e => parseFloat(getComputedStyle(e).fontSize)",
                         page.locator("#post-preview p").element_handle())
    assert size > body * 1.2
    transform = page.evaluate("e => getComputedStyle(e).textTransform", heading.element_handle())
    assert transform == "none"


def test_selects_are_styled(page, live_server, owner):
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/posts/new")
    style = page.evaluate("""() => {
        const select = getComputedStyle(document.querySelector('#status'));
        const field = getComputedStyle(document.querySelector('#title'));
        return [select.fontFamily === field.fontFamily,
                select.borderTopColor === field.borderTopColor,
                select.backgroundColor === field.backgroundColor,
                document.querySelector('#status').getBoundingClientRect().height >= 44];
    }""")
    assert style == [True, True, True, True]


def test_pending_badge_hidden_at_zero_and_shown_with_count(page, live_app, live_server):
    login = account(live_app, "badgeauthor", "author")
    with live_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.login == login))
        post = publishing.save(
            Post(type="post", status="draft", sticky=False, password="", format="markdown"),
            author=user, title="An author's own post", slug="", source="Words.",
            fmt="markdown", excerpt="", categories=[], tags=[], status="published",
            published=None, comments_open=True, sticky=False, password="")
        db.session.commit()
        post_id = post.id
    log_in(page, live_server, login)
    badge = page.locator("#pending-count")
    assert badge.count() == 1 and not badge.is_visible()
    with live_app.app_context():
        db.session.add(Comment(post_id=post_id, author_name="Reader", status="pending",
                               author_email="r@example.org", content_html="<p>Hold me.</p>"))
        db.session.commit()
    page.reload()
    assert badge.is_visible() and badge.inner_text() == "1"
    assert page.get_by_role("link", name="1 comment awaiting moderation").is_visible()
