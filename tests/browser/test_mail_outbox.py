"""The owner reads the mail outbox in a browser while no mail server is set:
the banner, a message's text, the tabs and "Send again" swapped in place."""

import re

from dreamweaver.extensions import db
from dreamweaver.mail import outbox
from dreamweaver.models import OutboxMessage
from tests.support.browser import log_in, watch_console


def failed_message(live_app, to):
    with live_app.app_context():
        row = outbox.queue(to, "An invitation", "test_message", kind="invitation",
                           sender_name="The Owner")
        row.status, row.attempts, row.last_error = "failed", 10, "SMTPServerDisconnected: gone"
        db.session.commit()
        return row.id


def test_owner_reads_the_outbox_and_sends_again(page, live_app, live_server, owner, artifacts):
    message_id = failed_message(live_app, "invitee@example.org")
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.click("nav.admin-nav >> text=Mail")
    page.wait_for_url(re.compile(r"/admin/mail/$"))
    assert "mail is kept here until a mail server is configured" in page.inner_text(
        ".mail-unconfigured")
    page.evaluate("window.__marker = 'same page'")
    page.click("#mail-list .status-tabs >> text=Failed")
    page.wait_for_url(re.compile(r"/admin/mail/\?status=failed$"))
    row = page.locator(f"#mail-{message_id}")
    assert "SMTPServerDisconnected: gone" in row.inner_text()
    page.screenshot(path=str(artifacts / "mail-outbox.png"), full_page=True)
    row.get_by_role("button", name=re.compile("^Send again")).click()
    page.locator(".notice", has_text="is queued: no mail server is configured").wait_for()
    assert page.evaluate("window.__marker") == "same page"
    assert page.url.endswith("/admin/mail/?status=queued")
    with live_app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "queued"
    page.click(f"#mail-{message_id} a")
    page.wait_for_url(re.compile(rf"/admin/mail/{message_id}/$"))
    assert "sent from /admin by The Owner" in page.inner_text("pre.mail-text")
    assert page.evaluate("window.__csp") == []
    assert problems == []
