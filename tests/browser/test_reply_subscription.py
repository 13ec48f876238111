"""A reader asks to hear of replies in a real browser, confirms from the mail
(a real SMTP server on loopback), the owner replies in /admin, the reply mail
arrives, and one click on its link stops them."""

import secrets

import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, ReplySubscription
from tests.support.browser import log_in, watch_console
from tests.support.smtp import links, text_of

POST = "/2023/10/05/psychedelic-assisted-therapy-what-happens-in-the-room/"



def test_subscribe_confirm_hear_of_a_reply_and_unsubscribe(browser, live_app, live_server,
                                                           owner, mail_server):
    email = f"reader-{secrets.token_hex(4)}@example.org"
    reader = browser.new_context()
    page = reader.new_page()
    problems = watch_console(page)
    page.goto(live_server + POST)
    page.wait_for_load_state("networkidle")
    page.fill("#comment", "Tell me when someone answers.")
    page.fill("#author", "Curious Reader")
    page.fill("#email", email)
    page.check("#comment-subscribe")
    page.click("#submit")
    page.locator(".comment-content", has_text="Tell me when someone answers.").wait_for()

    [confirmation] = mail_server.wait_for(1)
    assert confirmation["To"] == email
    [confirm_url] = [url for url in links(confirmation) if "/confirm/" in url]
    page.goto(confirm_url)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Reply notifications confirmed").wait_for()

    with live_app.app_context():
        mine = db.session.scalar(sa.select(Comment).where(Comment.author_email == email))
    admin = browser.new_context()
    owner_page = admin.new_page()
    log_in(owner_page, live_server, owner)
    owner_page.goto(f"{live_server}/admin/comments/{mine.id}/reply/")
    owner_page.fill("textarea[name=comment]", "Someone answers: thank you for asking.")
    owner_page.get_by_role("button", name="Publish reply").click()
    owner_page.wait_for_url(lambda url: "/reply/" not in url)
    admin.close()

    [_, notice] = mail_server.wait_for(2)
    assert notice["To"] == email
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Someone answers: thank you for asking." in text_of(notice)
    [reply_url] = [url for url in links(notice) if "#comment-" in url]
    page.goto(reply_url)
    page.locator(".comment-content", has_text="thank you for asking").wait_for()

    [unsubscribe_url] = [url for url in links(notice) if "/unsubscribe/" in url]
    assert notice["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    page.goto(unsubscribe_url)
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="Unsubscribed").wait_for()
    with live_app.app_context():
        stopped = db.session.scalar(sa.select(ReplySubscription.stopped_at).where(
            ReplySubscription.comment_id == mine.id))
    assert stopped is not None
    assert page.evaluate("window.__csp") == [] and problems == []
    reader.close()
