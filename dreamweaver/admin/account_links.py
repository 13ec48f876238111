"""The links mailed about a person's own account: a new email address,
confirmed from that address, and a password reset.

Both are tokens (tokens.py) bound to the state they change: the email change
to the current address, the reset to the password hash, so each link works
once. A disabled account follows no link at all.

The reset mail is queued by a task, not by the request that asks for it: the
request does the same work whether or not an account has the address (it
looks nothing up), so neither its answer nor its timing tells.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from .. import tasks, tokens
from ..extensions import db
from ..mail import outbox
from ..mail.addresses import is_valid, normalized
from ..models import OutboxMessage, User, utcnow
from ..public_url import public_url

EMAIL_CHANGE = "email-change"
PASSWORD_RESET = "password-reset"  # noqa: S105 - a purpose and a mail kind, no secret
EMAIL_CHANGE_AGE = 24 * 3600
PASSWORD_RESET_AGE = 3600
# Beyond this many reset mails to one address in an hour, asking again sends
# nothing (and answers the same): a mailbox is not flooded through our form.
RESETS_PER_HOUR = 3


def with_email(address: str):
    """Accounts whose address is `address` (the domain's case never matters,
    and people do not remember which letters of the rest they capitalised)."""
    return sa.select(User).where(sa.func.lower(User.email) == address.lower())


def email_taken(address: str, other_than: int) -> bool:
    return db.session.scalar(
        with_email(address).where(User.id != other_than).with_only_columns(sa.literal(True))
        .limit(1)) is not None


def _active(user_id) -> User | None:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return user if user is not None and user.disabled_at is None else None


# The email change ------------------------------------------------------------

def request_email_change(user: User, address: str) -> None:
    """Mail a confirmation link to `address` and a notice to the current one;
    nothing changes until the link is followed."""
    token = tokens.issue(EMAIL_CHANGE, f"{user.id}:{address}", state=user.email)
    outbox.queue(address, "Confirm your new email address", "email_change",
                 kind=EMAIL_CHANGE, user_id=user.id, name=user.display_name,
                 login=user.login, new_address=address,
                 confirm_url=public_url("admin.email_change_confirm", token=token),
                 hours=EMAIL_CHANGE_AGE // 3600)
    if user.email and is_valid(user.email):
        outbox.queue(user.email, "A change of your email address was requested",
                     "email_change_notice", kind="email-change-notice", user_id=user.id,
                     name=user.display_name, login=user.login, new_address=address,
                     old_address=user.email)


def _email_change_state(subject) -> str | None:
    user_id, _, address = str(subject).partition(":")
    user = _active(int(user_id)) if user_id.isascii() and user_id.isdigit() else None
    return user.email if user is not None and address else None


def email_change_of(token: str) -> tuple[User, str]:
    """The account and the new address a confirmation link is for, or Refused."""
    subject = tokens.redeem(EMAIL_CHANGE, token, EMAIL_CHANGE_AGE, _email_change_state)
    user_id, _, address = str(subject).partition(":")
    return db.session.get(User, int(user_id)), address


# The password reset ----------------------------------------------------------

def ask_for_reset(address: str) -> None:
    """What the reset form does for any valid address: hand it to the queue."""
    tasks.enqueue(send_reset_link, address)


def resets_sent(address: str) -> int:
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.to_address == address, OutboxMessage.kind == PASSWORD_RESET,
            OutboxMessage.created_at >= since)) or 0


@tasks.task(retries=0, timeout=60)
def send_reset_link(address: str) -> str:
    """Queue a reset mail for each enabled account with `address`; what was
    done, in a word (for the worker's log; nobody else is told)."""
    users = db.session.scalars(
        with_email(address).where(User.disabled_at.is_(None)).order_by(User.id).limit(5)).all()
    outcome = "no account"
    for user in users:
        if not is_valid(user.email):
            continue
        to = normalized(user.email)
        if resets_sent(to) >= RESETS_PER_HOUR:
            outcome = "throttled"
            continue
        token = tokens.issue(PASSWORD_RESET, user.id, state=user.password_hash)
        outbox.queue(to, "Reset your password", "password_reset", kind=PASSWORD_RESET,
                     user_id=user.id, name=user.display_name, login=user.login,
                     reset_url=public_url("admin.password_reset_choose", token=token),
                     minutes=PASSWORD_RESET_AGE // 60)
        # One by one, so that the next account's throttle counts this mail.
        db.session.commit()
        outcome = "queued"
    db.session.rollback()
    return outcome


def _reset_state(subject) -> str | None:
    user = _active(subject)
    return user.password_hash if user is not None else None


def reset_user(token: str) -> User:
    """The account a reset link is for, or Refused."""
    return _active(tokens.redeem(PASSWORD_RESET, token, PASSWORD_RESET_AGE, _reset_state))
