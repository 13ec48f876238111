"""Links sent by email that prove something: an invitation, a password reset,
a new address, a reader's subscription.

Each token is signed with SECRET_KEY for one purpose (a reset token is no
invitation) and says what it is about (a user id, an address) and a
fingerprint of the state it was issued for (the password hash for a reset).
Using it changes that state, so the same link never works twice, and
nothing is stored: the link expires on its own after `max_age`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# Tokens longer than this are not even parsed.
MAX_LENGTH = 1000


class Refused(Exception):
    """A link that does not work, with what to tell the person who followed it."""


EXPIRED = "This link has expired. Ask for a new one."
INVALID = "This link is not valid. Check that you copied all of it, or ask for a new one."
USED = "This link has already been used. Ask for a new one if you still need it."


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt=f"dreamweaver.tokens.{purpose}")


def fingerprint(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def issue(purpose: str, subject: int | str, state: str = "") -> str:
    """A token for `subject`, good while `state` stays what it is now."""
    return _serializer(purpose).dumps([subject, fingerprint(state)])


def redeem(purpose: str, token: str, max_age: int,
           state_of: Callable[[int | str], str | None]) -> int | str:
    """The subject of a valid token, or Refused. `state_of(subject)` is the
    subject's state now (None when the subject is gone)."""
    if not token or len(token) > MAX_LENGTH:
        raise Refused(INVALID)
    try:
        subject, printed = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise Refused(EXPIRED) from None
    except (BadSignature, ValueError, TypeError):
        raise Refused(INVALID) from None
    if not isinstance(subject, int | str) or not isinstance(printed, str):
        raise Refused(INVALID)
    state = state_of(subject)
    if state is None:
        raise Refused(INVALID)
    if not hmac.compare_digest(printed, fingerprint(state)):
        raise Refused(USED)
    return subject
