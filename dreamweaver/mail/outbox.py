"""The outbox: queue() writes a message in the caller's transaction; the task
queue delivers it once that commits, and the periodic send_due tries again,
with backoff, whatever a mail server did not take.

A message is sent at most once at a time: deliver() claims its row with one
conditional UPDATE (only a due, queued row is claimed, and claiming moves it
out of due for LEASE), so the task, the periodic sweep and a second worker
never hand the same message to the server twice.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from .. import public_url, tasks
from ..extensions import db
from ..models import OutboxMessage, User, utcnow
from . import compose, transport
from .addresses import normalized

log = logging.getLogger(__name__)

# Longer than a send can take (transport's timeout, a few round trips).
LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)
# 10 attempts, 1 min doubling to 6 h apart: about 14 hours of trying, then
# the message is marked failed for an administrator to send again or drop.
MAX_ATTEMPTS = 10
# A message that waited longer than this for a mail server to be configured
# is not sent late: its links (a password reset) have expired anyway.
MAX_AGE = timedelta(days=7)
BATCH = 100


def queue(to: str, subject: str, template: str, *, kind: str, user_id: int | None = None,
          headers: dict[str, str] | None = None, **context) -> OutboxMessage | None:
    """Write one message to `to`, rendered from mail/<template>, into the
    current transaction; it is sent once that commits and never if it rolls
    back. ValueError if `to` is not an address or a header is unsafe. None,
    and nothing written, when it is for a disabled account."""
    address = normalized(to)
    for name, value in (headers or {}).items():
        if name not in compose.EXTRA_HEADERS or "\r" in value or "\n" in value:
            raise ValueError(f"refused header {name!r}")
    if _disabled(address, user_id):
        return None
    with public_url.request_context():
        text, html = compose.render(template, **context)
    row = OutboxMessage(kind=kind, to_address=address, user_id=user_id,
                        subject=compose.one_line(subject), text_body=text, html_body=html,
                        headers=dict(headers or {}), message_id=compose.new_message_id(),
                        status="queued", attempts=0, next_attempt_at=utcnow(), last_error="")
    db.session.add(row)
    db.session.flush()
    tasks.enqueue(deliver, row.id)
    return row


def _disabled(address: str, user_id: int | None) -> bool:
    """Whether the message is for a disabled account, named by its id or by
    its address: a disabled person gets no mail from the site (People)."""
    whose = User.email == address
    if user_id is not None:
        whose = sa.or_(whose, User.id == user_id)
    return db.session.scalar(sa.select(sa.literal(True)).where(
        whose, User.disabled_at.is_not(None)).limit(1)) is not None


def _claim(message_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "queued",
               OutboxMessage.next_attempt_at <= now)
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


@tasks.task(retries=0, timeout=120)
def deliver(message_id: int) -> str:
    """Hand one queued message to the mail server; what happened, in a word."""
    with transport.Connection() as connection:
        return _deliver(message_id, connection)


def _deliver(message_id: int, connection: transport.Connection) -> str:
    if not transport.configured():
        return "waiting"  # kept queued and unclaimed until a server is configured
    if not _claim(message_id):
        return "skipped"
    row = db.session.get(OutboxMessage, message_id)
    db.session.refresh(row)
    try:
        connection.send(compose.build(row))
    except smtplib.SMTPRecipientsRefused as error:
        # The server will never take this address: trying again only annoys it.
        return _failed(row, f"Refused recipient: {_describe(error)}", permanent=True)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        return _failed(row, _describe(error), permanent=False)
    row.status, row.sent_at, row.last_error = "sent", utcnow(), ""
    db.session.commit()
    return "sent"


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _failed(row: OutboxMessage, error: str, permanent: bool) -> str:
    row.last_error = error
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
    else:
        row.next_attempt_at = utcnow() + backoff(row.attempts)
    db.session.commit()
    log.warning("mail %s to %s not sent (attempt %s): %s", row.id, row.to_address,
                row.attempts, error)
    return row.status if row.status == "failed" else "retrying"


def send_due() -> dict[str, int]:
    """Deliver every queued message whose time has come; {outcome: count}."""
    outcomes: dict[str, int] = {}
    if not transport.configured():
        return outcomes
    expire_old()
    ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id).limit(BATCH)
    ).all()
    db.session.rollback()  # end the read, so that each claim is its own transaction
    with transport.Connection() as connection:
        for message_id in ids:
            outcome = _deliver(message_id, connection)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def expire_old() -> int:
    """Mark failed what waited in the queue longer than MAX_AGE."""
    count = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == "queued", OutboxMessage.created_at < utcnow() - MAX_AGE)
        .values(status="failed", last_error="Not sent within 7 days; dropped as stale.")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count


@tasks.periodic(minute="*")
def send_due_periodically() -> None:
    outcomes = send_due()
    if outcomes:
        current_app.logger.info("mail outbox: %s", outcomes)


def send_again(row: OutboxMessage) -> None:
    """An administrator's "send again" for a failed message."""
    row.status, row.attempts, row.next_attempt_at = "queued", 0, utcnow()
    tasks.enqueue(deliver, row.id)


def counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all()
    return {"queued": 0, "sent": 0, "failed": 0, **dict(rows)}


def sent_recently(address: str, kind: str, within: timedelta) -> bool:
    """Whether `address` was written a message of `kind` within `within` (the
    throttles: one confirmation a day, one moderation mail per ten minutes)."""
    since = utcnow() - within
    return db.session.scalar(
        sa.select(sa.literal(True)).where(
            OutboxMessage.to_address == normalized(address), OutboxMessage.kind == kind,
            OutboxMessage.created_at >= since).limit(1)) is not None
