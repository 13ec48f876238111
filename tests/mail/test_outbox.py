"""The outbox: every message a row written with the event that causes it, sent
to a real SMTP server on loopback, kept (never dropped) while no server takes
it, and sent once when one does."""

import os
import signal
import subprocess
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.mail import outbox
from dreamweaver.models import OutboxMessage, utcnow
from tests.support.paths import ROOT
from tests.support.servers import BIN
from tests.support.settings import TEST_SETTINGS
from tests.support.smtp import SmtpServer, html_of, text_of


def queue_test_message(app, to="reader@example.org", subject="Hello there", **extra):
    with app.app_context():
        row = outbox.queue(to, subject, "test_message", kind="test", sender_name="Owner",
                           **extra)
        db.session.commit()
        return row.id


def rows(app):
    with app.app_context():
        return [(row.status, row.attempts, row.to_address)
                for row in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def make_due(app):
    """Skip the backoff wait, as time passing would."""
    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()


def test_a_committed_message_reaches_the_server_with_both_parts(app, smtp):
    app.config["SITE_URL"] = "https://dreams.example"
    message_id = queue_test_message(app)
    [message] = smtp.wait_for(1)
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "Hello there"
    assert message["From"] == "Psychedelic Dreamweaver <noreply@dreams.example>"
    assert message["Message-ID"].endswith("@dreams.example>")
    assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
    assert "sent from /admin by Owner" in text_of(message)
    assert "https://dreams.example/" in text_of(message)
    html = html_of(message)
    assert '<a href="https://dreams.example/"' in html and "<img" not in html
    with app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
        assert row.message_id == message["Message-ID"]


def test_a_rolled_back_event_sends_nothing_and_keeps_nothing(app, smtp):
    with app.app_context():
        outbox.queue("reader@example.org", "Never", "test_message", kind="test",
                     sender_name="Owner")
        db.session.rollback()
    time.sleep(0.3)
    assert smtp.messages == [] and rows(app) == []


def test_without_a_mail_server_mail_waits_in_the_outbox_until_one_is_set(app, runner):
    queue_test_message(app)
    assert rows(app) == [("queued", 0, "reader@example.org")]
    result = runner.invoke(args=["mail-outbox"])
    assert result.exit_code == 0
    assert "1 queued, 0 failed, 0 sent (no MAIL_SERVER configured" in result.output
    assert "reader@example.org  Hello there" in result.output
    server = SmtpServer().start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        with app.app_context():
            assert outbox.send_due() == {"sent": 1}
        server.wait_for(1)
    finally:
        server.stop()
    assert rows(app) == [("sent", 1, "reader@example.org")]
    assert "0 queued, 0 failed, 1 sent" in runner.invoke(args=["mail-outbox"]).output


def test_mail_caused_while_the_server_is_down_arrives_once_it_is_back(app, smtp):
    smtp.stop()
    for n in range(3):
        queue_test_message(app, subject=f"Message {n}")
    assert [status for status, attempts, _ in rows(app)] == ["queued"] * 3
    with app.app_context():
        assert all(row.attempts == 1 and "Connection refused" in row.last_error
                   and row.next_attempt_at > utcnow() + timedelta(seconds=50)
                   for row in db.session.scalars(sa.select(OutboxMessage)))
        assert outbox.send_due() == {}  # not due yet: the backoff holds
    smtp.start()
    make_due(app)
    with app.app_context():
        assert outbox.send_due() == {"sent": 3}
        assert outbox.send_due() == {}
    messages = smtp.wait_for(3)
    time.sleep(0.3)
    assert sorted(m["Subject"] for m in smtp.messages) == ["Message 0", "Message 1", "Message 2"]
    assert len({m["Message-ID"] for m in messages}) == 3
    assert [status for status, attempts, _ in rows(app)] == ["sent"] * 3


def test_a_message_is_claimed_once_however_often_delivery_is_asked(app, smtp):
    message_id = queue_test_message(app)
    smtp.wait_for(1)
    with app.app_context():
        assert outbox.deliver(message_id) == "skipped"
        assert outbox.send_due() == {}
    assert len(smtp.messages) == 1


def test_a_recipient_the_server_refuses_fails_at_once(app, smtp):
    smtp.inbox.refuse.add("gone@example.org")
    queue_test_message(app, to="gone@example.org")
    assert rows(app) == [("failed", 1, "gone@example.org")]
    with app.app_context():
        assert "Refused recipient" in db.session.scalar(sa.select(OutboxMessage.last_error))


def test_after_the_last_attempt_a_message_is_marked_failed_and_can_be_sent_again(app, smtp):
    smtp.stop()
    message_id = queue_test_message(app)
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        make_due(app)
        with app.app_context():
            outbox.send_due()
    assert rows(app) == [("failed", outbox.MAX_ATTEMPTS, "reader@example.org")]
    smtp.start()
    with app.app_context():
        outbox.send_again(db.session.get(OutboxMessage, message_id))
        db.session.commit()
    smtp.wait_for(1)
    assert rows(app) == [("sent", 1, "reader@example.org")]


def test_backoff_doubles_from_a_minute_up_to_six_hours():
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert outbox.backoff(20) == timedelta(hours=6)


def test_stale_queued_mail_is_not_sent_late(app, smtp):
    message_id = queue_test_message(app)
    smtp.wait_for(1)
    smtp.stop()
    old = queue_test_message(app, subject="Old")
    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == old)
                           .values(created_at=utcnow() - timedelta(days=8),
                                   next_attempt_at=utcnow()))
        db.session.commit()
        assert outbox.send_due() == {}
        assert db.session.get(OutboxMessage, old).status == "failed"
        assert db.session.get(OutboxMessage, message_id).status == "sent"


@pytest.mark.parametrize("address", ["not an address", "a@b@c", "x" * 250 + "@example.org",
                                     "reader@example.org\r\nBcc: all@example.org", ""])
def test_a_malformed_address_is_refused_before_anything_is_stored(app, address):
    with app.app_context(), pytest.raises(ValueError):
        outbox.queue(address, "Hi", "test_message", kind="test", sender_name="Owner")
    assert rows(app) == []


def test_text_that_reaches_a_header_cannot_start_another(app, smtp):
    queue_test_message(app, subject="Hi\r\nBcc: everyone@example.org\nX-Evil: 1")
    [message] = smtp.wait_for(1)
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"] == "Hi Bcc: everyone@example.org X-Evil: 1"
    assert smtp.inbox.envelopes == [(smtp.inbox.envelopes[0][0], ["reader@example.org"])]
    with app.app_context(), pytest.raises(ValueError):
        outbox.queue("reader@example.org", "Hi", "test_message", kind="test",
                     sender_name="Owner", headers={"Reply-To": "a@example.org\r\nBcc: b@x.org"})
    with app.app_context(), pytest.raises(ValueError):
        outbox.queue("reader@example.org", "Hi", "test_message", kind="test",
                     sender_name="Owner", headers={"Bcc": "b@example.org"})


def test_a_long_subject_is_cut_on_one_line(app, smtp):
    queue_test_message(app, subject="word " * 100)
    [message] = smtp.wait_for(1)
    assert len(message["Subject"]) <= 200 and message["Subject"].endswith("…")


def test_the_worker_process_sends_the_queued_mail(app, smtp, database_uri, tmp_path):
    """The real queue: the request only writes the row; `flask worker` sends it."""
    path = str(tmp_path / "tasks.sqlite3")
    queued = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                         "TASKS_INLINE": False, "TASKS_SQLITE_PATH": path,
                         "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port})
    queue_test_message(queued, subject="Through the worker")
    time.sleep(0.3)
    assert smtp.messages == []
    env = {**os.environ, "FLASK_SECRET_KEY": "test-secret-key",
           "FLASK_SQLALCHEMY_DATABASE_URI": database_uri, "FLASK_TASKS_INLINE": "false",
           "FLASK_TASKS_SQLITE_PATH": path, "FLASK_MAIL_SERVER": "127.0.0.1",
           "FLASK_MAIL_PORT": str(smtp.port)}
    process = subprocess.Popen([str(BIN / "flask"), "--app", "app", "worker", "--threads", "1"],
                               cwd=ROOT, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        [message] = smtp.wait_for(1, seconds=60)
        deadline = time.monotonic() + 10  # the server has it; the worker records it next
        while rows(queued)[0][0] != "sent" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    assert message["Subject"] == "Through the worker"
    assert rows(queued) == [("sent", 1, "reader@example.org")]
