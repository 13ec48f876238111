"""The owner on their own site in a real browser (issue 16, items 10 and 13):
Edit link, commenting as themselves with htmx, "Log out?" as a link that
posts, a draft's preview from the editor."""

import re

import sqlalchemy as sa

from dreamweaver import dates
from dreamweaver.extensions import db
from dreamweaver.markup import render
from dreamweaver.models import Post, User, utcnow
from tests.support.browser import log_in, watch_console


def owners_post(live_app, title: str, status: str = "published") -> tuple[str, int]:
    """A post by the owner: (its permalink path, its id)."""
    with live_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.login == "owner"))
        published = utcnow().replace(microsecond=0)
        post = Post(type="post", status=status, title=title,
                    slug=re.sub(r"\W+", "-", title.lower()), source="Said by the owner.",
                    content_html=render("Said by the owner.", "markdown"),
                    published_at=published, published_local=dates.to_local(published),
                    author_id=user.id, comments_open=True)
        db.session.add(post)
        db.session.commit()
        local = post.published_local
        return f"/{local:%Y/%m/%d}/{post.slug}/", post.id


def test_owner_comments_as_themselves_and_logs_out(page, live_app, live_server,
                                                   owner):
    problems = watch_console(page)
    path, post_id = owners_post(live_app, "Owner Speaks")
    log_in(page, live_server, owner)
    page.goto(live_server + path)
    edit = page.locator("a.post-edit-link")
    assert edit.get_attribute("href") == f"/admin/posts/{post_id}/edit"
    assert page.locator("#commentform #author").count() == 0
    with live_app.app_context():  # "owner" may come from another module's fixture first
        name = db.session.scalar(sa.select(User.display_name).where(User.login == "owner"))
    assert page.locator(".logged-in-as").inner_text().startswith(f"Logged in as {name}.")
    page.fill("#comment", "Thanks for reading, everyone.")
    page.click("#commentform #submit")
    mine = page.locator("li.comment.bypostauthor", has_text="Thanks for reading")
    mine.wait_for()
    assert mine.locator(".comment-awaiting-moderation").count() == 0
    # "Log out?" reads as a link (no button box) and posts the logout form.
    logout = page.locator(".logged-in-as button", has_text="Log out?")
    assert logout.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"
    logout.click()
    page.wait_for_url(re.compile(r"/admin/login$"))
    page.goto(live_server + path)
    assert page.locator("#commentform #author").count() == 1
    assert page.locator("a.post-edit-link").count() == 0
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_owner_previews_a_draft_from_the_editor(page, live_app, live_server,
                                                owner):
    problems = watch_console(page)
    _, post_id = owners_post(live_app, "Not Yet Out", status="draft")
    log_in(page, live_server, owner)
    page.goto(f"{live_server}/admin/posts/{post_id}/edit")
    with page.context.expect_page() as opened:
        page.click("a.preview-link")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1.entry-title").inner_text() == "Not Yet Out"
    assert "not shown to readers" in preview.locator(".preview-notice").inner_text()
    assert preview.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # A reader in another browser context gets nothing there.
    reader = page.context.browser.new_context()
    try:
        answer = reader.new_page().goto(preview.url)
        assert answer.status == 404
    finally:
        reader.close()
    assert problems == []
