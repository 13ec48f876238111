"""Reply notifications to commenters (issue 19, item 7): who asked, who
confirmed, and what they are sent.

Double opt-in per address: the first subscription of an address it has not
confirmed sends it a confirmation link, once its comment is approved (a held
or spam comment must not make the site mail a stranger) and at most once a
day; nothing else is ever sent to an unconfirmed address. A confirmed address
is sent one mail per approved reply to a comment it subscribed with, unless it
wrote the reply itself; each such mail carries RFC 8058 one-click unsubscribe
and a link to manage every subscription of the address.

The links are tokens (tokens.py) naming row ids, never the address, so no
address shows in a URL, a log or a Referer.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import sqlalchemy as sa

from .. import public_url, tokens
from ..extensions import db
from ..mail import outbox
from ..mail.addresses import normalized
from ..models import Comment, ReplyNotice, ReplySubscriber, ReplySubscription, utcnow
from . import events
from .discussion import comment_link, place_of

CONFIRM = "reply-confirm"
UNSUBSCRIBE = "reply-unsubscribe"
MANAGE = "reply-manage"
CONFIRM_MAX_AGE = int(timedelta(days=7).total_seconds())
# Links in reply mails keep working as long as people keep old mail around.
LINK_MAX_AGE = int(timedelta(days=365).total_seconds())
CONFIRMATION_INTERVAL = timedelta(days=1)


def subscribe(comment: Comment, email: str) -> ReplySubscription:
    """`email` wants to hear of replies to `comment` (just written by them).
    ValueError if it is not an address. Confirmation goes out now if the
    comment is already approved, else when a moderator approves it."""
    address = normalized(email)
    subscriber = db.session.scalar(
        sa.select(ReplySubscriber).where(ReplySubscriber.email == address))
    if subscriber is None:
        subscriber = ReplySubscriber(email=address)
        db.session.add(subscriber)
    subscription = ReplySubscription(subscriber=subscriber, comment_id=comment.id)
    db.session.add(subscription)
    db.session.flush()
    if comment.status == "approved":
        _ask_confirmation(subscriber)
    return subscription


def _ask_confirmation(subscriber: ReplySubscriber) -> None:
    if subscriber.confirmed_at is not None:
        return
    now = utcnow()
    sent = subscriber.confirmation_sent_at
    if sent is not None and now - sent < CONFIRMATION_INTERVAL:
        return
    subscriber.confirmation_sent_at = now
    outbox.queue(subscriber.email, "Confirm reply notifications", "subscription_confirm",
                 kind="subscription-confirm",
                 confirm_url=public_url.public_url("comments.confirm_subscription",
                                                   token=confirm_token(subscriber)))


def _approved(comment: Comment) -> None:
    """A comment readers now see: its writer's confirmation may go out, and
    the subscribers of the comment it answers hear of it."""
    for subscriber in db.session.scalars(
            sa.select(ReplySubscriber).join(ReplySubscription)
            .where(ReplySubscription.comment_id == comment.id,
                   ReplySubscription.stopped_at.is_(None),
                   ReplySubscriber.confirmed_at.is_(None))):
        _ask_confirmation(subscriber)
    if comment.parent_id is not None:
        _notify(comment)


def _notify(reply: Comment) -> None:
    parent = db.session.get(Comment, reply.parent_id)
    if parent is None or parent.status != "approved":
        return
    replier = _address_or_none(reply.author_email)
    subscriptions = db.session.scalars(
        sa.select(ReplySubscription).join(ReplySubscriber)
        .where(ReplySubscription.comment_id == parent.id,
               ReplySubscription.stopped_at.is_(None),
               ReplySubscriber.confirmed_at.is_not(None))
        .where(~sa.exists().where(ReplyNotice.subscription_id == ReplySubscription.id,
                                  ReplyNotice.reply_id == reply.id))
        .order_by(ReplySubscription.id)).all()
    for subscription in subscriptions:
        if subscription.subscriber.email == replier:
            continue  # no mail about one's own reply
        db.session.add(ReplyNotice(subscription_id=subscription.id, reply_id=reply.id))
        _send_reply(subscription, parent, reply)


def _send_reply(subscription: ReplySubscription, parent: Comment, reply: Comment) -> None:
    post = reply.post
    with public_url.request_context():
        reply_url = public_url.absolute(comment_link(post, reply.id, place_of(reply)))
    unsubscribe_url = public_url.public_url("comments.unsubscribe",
                                            token=unsubscribe_token(subscription))
    outbox.queue(
        subscription.subscriber.email,
        f"{reply.author_name} replied to your comment on {post.title}",
        "reply", kind="reply",
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        replier=reply.author_name, post_title=post.title, reply_url=reply_url,
        reply_text=plain_text(reply.content_html), parent_text=plain_text(parent.content_html),
        unsubscribe_url=unsubscribe_url,
        manage_url=public_url.public_url("comments.manage_subscriptions",
                                         token=manage_token(subscription.subscriber)),
    )


_BREAK = re.compile(r"</p>|<br\s*/?>|</li>|</blockquote>|</pre>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"[ \t]+")


def plain_text(content_html: str) -> str:
    """A cleaned comment as plain text for a mail: its paragraphs kept apart by
    a blank line, tags dropped, entities back to characters (the HTML part
    escapes it again). Each pattern is linear on the bounded comment."""
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", content_html)))
    lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line)


def _address_or_none(email: str) -> str | None:
    try:
        return normalized(email)
    except ValueError:
        return None


def _on_added(comment: Comment, **_):
    # A comment just written has no subscriptions of its own yet (subscribe()
    # comes after it, and a deleted comment's went with it): only those of
    # the comment it answers are asked for.
    if comment.status == "approved" and comment.parent_id is not None:
        _notify(comment)


def _on_status_changed(comment: Comment, old: str = "", **_):
    if comment.status == "approved" and old != "approved":
        _approved(comment)


events.comment_added.connect(_on_added)
events.status_changed.connect(_on_status_changed)


# --- the links ----------------------------------------------------------------
# Each token names a row id and is bound to the row's address, so a token can
# never be turned to another address's rows; confirming changes the
# confirmation token's state, so it works once.

def _confirm_state(subscriber: ReplySubscriber) -> str:
    return f"{subscriber.email}:{'confirmed' if subscriber.confirmed_at else 'waiting'}"


def confirm_token(subscriber: ReplySubscriber) -> str:
    return tokens.issue(CONFIRM, subscriber.id, _confirm_state(subscriber))


def unsubscribe_token(subscription: ReplySubscription) -> str:
    return tokens.issue(UNSUBSCRIBE, subscription.id, subscription.subscriber.email)


def manage_token(subscriber: ReplySubscriber) -> str:
    return tokens.issue(MANAGE, subscriber.id, subscriber.email)


def _subscriber(subject) -> ReplySubscriber | None:
    return db.session.get(ReplySubscriber, subject) if isinstance(subject, int) else None


def subscriber_to_confirm(token: str) -> ReplySubscriber:
    """The subscriber a confirmation link is for; tokens.Refused if it does not work."""
    def state_of(subject):
        subscriber = _subscriber(subject)
        return _confirm_state(subscriber) if subscriber else None
    return _subscriber(tokens.redeem(CONFIRM, token, CONFIRM_MAX_AGE, state_of))


def confirm(subscriber: ReplySubscriber) -> None:
    subscriber.confirmed_at = utcnow()


def subscription_to_stop(token: str) -> ReplySubscription:
    """The subscription an unsubscribe link is for (stopped or not)."""
    def state_of(subject):
        row = db.session.get(ReplySubscription, subject) if isinstance(subject, int) else None
        return row.subscriber.email if row else None
    subject = tokens.redeem(UNSUBSCRIBE, token, LINK_MAX_AGE, state_of)
    return db.session.get(ReplySubscription, subject)


def subscriber_to_manage(token: str) -> ReplySubscriber:
    def state_of(subject):
        subscriber = _subscriber(subject)
        return subscriber.email if subscriber else None
    return _subscriber(tokens.redeem(MANAGE, token, LINK_MAX_AGE, state_of))


def stop(subscription: ReplySubscription) -> None:
    if subscription.stopped_at is None:
        subscription.stopped_at = utcnow()


def active(subscriber: ReplySubscriber) -> list[ReplySubscription]:
    """The subscriber's subscriptions still on, newest first."""
    return list(db.session.scalars(
        sa.select(ReplySubscription)
        .where(ReplySubscription.subscriber_id == subscriber.id,
               ReplySubscription.stopped_at.is_(None))
        .order_by(ReplySubscription.created_at.desc(), ReplySubscription.id.desc())))


def stop_all(subscriber: ReplySubscriber) -> int:
    stopped = active(subscriber)
    for subscription in stopped:
        stop(subscription)
    return len(stopped)
