"""The owner runs the site from /admin: write and publish, moderate, with and
without JavaScript."""

import re

import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post
from tests.support.browser import log_in, watch_console


def held_comment(live_app, text):
    with live_app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.type == "post").limit(1))
        comment = Comment(post_id=post.id, author_name="Waiting Reader", status="pending",
                          author_email="wait@example.org", content_html=f"<p>{text}</p>",
                          held_reason="First comment from this email address")
        db.session.add(comment)
        db.session.commit()
        return comment.id


def test_owner_writes_previews_and_publishes(page, live_server, owner):
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.click("text=Posts")
    page.click("text=Add New")
    page.fill("#title", "Written in the Browser")
    page.fill("#source", "## A Heading\n\nFirst *paragraph*.")
    page.locator("#post-preview h2", has_text="A Heading").wait_for()
    page.fill("#category-filter", "neuroscience and")
    visible = page.locator("#categories li:visible")
    assert 0 < visible.count() < 10
    visible.first.locator("input").check()
    page.select_option("#status", "published")
    page.click("form.post-editor button[type=submit]")
    page.locator(".notice", has_text="Post saved.").wait_for()
    page.click(".notice a")
    page.wait_for_url(re.compile(r"/written-in-the-browser/$"))
    assert page.locator("h1.entry-title").inner_text() == "Written in the Browser"
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_owner_approves_inline(page, live_app, live_server, owner):
    comment_id = held_comment(live_app, "Please approve me inline.")
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/comments/?status=pending")
    row = page.locator(f"#comment-row-{comment_id}")
    assert "First comment from this email address" in row.inner_text()
    page.evaluate("window.__marker = 'same page'")
    row.get_by_role("button", name=re.compile("^Approve")).click()
    page.locator(f"#comment-row-{comment_id} button.action-approve").wait_for(state="detached")
    assert "Status: Approved" in row.inner_text()
    assert page.evaluate("window.__marker") == "same page"
    with live_app.app_context():
        assert db.session.get(Comment, comment_id).status == "approved"


def test_owner_moderates_without_javascript(browser, live_app, live_server, owner):
    comment_id = held_comment(live_app, "Approve me with JavaScript off.")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/comments/?status=pending")
    page.locator(f"#comment-row-{comment_id}").get_by_role(
        "button", name=re.compile("^Approve")).click()
    page.wait_for_url(re.compile(r"/admin/comments/"))
    with live_app.app_context():
        assert db.session.get(Comment, comment_id).status == "approved"
    context.close()


def test_editor_guards_unsaved_changes(page, live_server, owner):
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/posts/new")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.fill("#title", "Half-written thought")
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
