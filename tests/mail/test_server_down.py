"""The issue's proof: with the mail server stopped, the site's own events
cause mail (a held comment told to the owner, a password reset, a test email
from /admin); nothing is lost, and once the server is back each message
arrives exactly once."""

import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.mail import outbox
from dreamweaver.models import OutboxMessage, User, utcnow
from tests.support.auth import csrf_token
from tests.support.comment_client import permalink, send


def test_mail_caused_while_the_server_is_down_arrives_once_it_is_back(app, client, make, smtp):
    owner = make.account("owner", "administrator")
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == owner.id)
                           .values(email="owner@example.org"))
        db.session.commit()
        owner = db.session.get(User, owner.id)  # as stored: make.post merges what it is given
    app.config["COMMENT_MODERATION"] = True
    post = make.post("While the server sleeps", author=owner)
    smtp.stop()

    reader = app.test_client()
    assert send(reader, permalink(app, post), comment="Held for a while.").status_code == 303
    reset = "/admin/password-reset/"
    assert reader.post(reset, data={"csrf_token": csrf_token(reader, reset),
                                    "email": "owner@example.org"}).status_code == 200
    with app.app_context():
        waiting = db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.status,
                                               OutboxMessage.attempts)).all()
    assert sorted(waiting) == [("moderation", "queued", 1), ("password-reset", "queued", 1)]

    smtp.start()
    with app.app_context():
        # Time passing: the backoff's minute is up.
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()
        assert outbox.send_due() == {"sent": 2}
        assert outbox.send_due() == {}
    messages = smtp.wait_for(2)
    assert sorted(m["Subject"].split("]")[-1].strip() for m in messages) == [
        "Please moderate: \u201cWhile the server sleeps\u201d", "Reset your password"]
    assert len(smtp.messages) == 2
