"""Sending an activity to another server's inbox: through the task queue,
signed afresh on every try (a signature's Date is believed for an hour),
retried with backoff, and given up on after RETRIES tries (about four hours
in all: 1, 2, 4 ... 128 minutes apart)."""

from __future__ import annotations

import json
import logging

from .. import tasks
from ..extensions import db
from . import keys, outbound, signatures

RETRIES = 8
FIRST_RETRY_SECONDS = 60
SECONDS = 10.0

log = logging.getLogger(__name__)


class NotDelivered(Exception):
    """The inbox did not take it this time (a later try may)."""


def send(actor_key: str, inbox: str, activity: dict) -> None:
    """Deliver `activity` from our actor `actor_key` once the request commits."""
    tasks.enqueue(deliver, actor_key, inbox, json.dumps(activity, separators=(",", ":")))


@tasks.task(retries=RETRIES, retry_delay=FIRST_RETRY_SECONDS, retry_backoff=2.0, timeout=60)
def deliver(actor_key: str, inbox: str, payload: str) -> None:
    from .actors import of_key

    actor = of_key(actor_key)
    if actor is None:
        return  # an author with nothing published any more: nothing to sign as
    body = payload.encode()
    key = keys.private_key(actor_key)
    db.session.commit()  # a key made just now is kept
    signed = signatures.sign("POST", inbox, actor.id + "#main-key", key, body=body)
    try:
        answer = outbound.fetch(inbox, method="POST", headers=signed, body=body,
                                max_bytes=64 * 1024, timeout=SECONDS)
    except outbound.Refused as error:
        raise NotDelivered(f"{inbox}: {error}") from error
    if answer.status >= 500 or answer.status == 429:
        raise NotDelivered(f"{inbox} answered {answer.status}")
    if answer.status >= 300:
        # It will not take it, whatever we try: refused for good.
        log.warning("delivery to %s refused: %s", inbox, answer.status)
