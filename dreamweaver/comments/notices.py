"""Mail to the people who look after comments, as WordPress's notify_moderator
and notify_postauthor: each comment held for moderation is told to those who
can moderate it, and a post's author who asked for it hears of every approved
comment on their posts.

Held comments come in bursts (a spammer, a busy thread), so a moderator gets
at most one moderation email per WINDOW: the first held comment is told at
once, and those held within the next ten minutes wait as ModerationNotice rows
until the periodic send_digests writes them in one email. A comment that
someone moderated meanwhile is left out of it; with none left, nothing is sent.

The mails link into /admin, where the moderator signs in and decides: there is
no link that approves or deletes by itself. A commenter's email address and
IP address are shown to administrators only (issue 19: commenter emails are
never shown to anyone but admins).
"""

from __future__ import annotations

from datetime import timedelta
from email.headerregistry import Address

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .. import public_url, settings, tasks
from ..extensions import db
from ..mail import compose, outbox
from ..mail.addresses import normalized
from ..markup import text_of
from ..models import EDITING_ROLES, Comment, ModerationNotice, Post, User
from ..permalinks import post_url
from . import events
from .discussion import comment_links

MODERATION = "moderation"
APPROVED = "comment_approved"
WINDOW = timedelta(minutes=10)
EXCERPT_LENGTH = 300
# A digest lists this many comments and counts the rest: the queue in /admin has them all.
DIGEST_SHOWN = 25

# Who can be told by mail: an address, an account in use that can sign in (an
# invitation not yet taken, or an imported author, has no password).
REACHABLE = sa.and_(User.email != "", User.disabled_at.is_(None), User.password_hash != "")


def moderators(post: Post) -> sa.Select:
    """The people who moderate comments on `post` and can be told by mail:
    administrators, editors and the post's author."""
    return (sa.select(User).where(REACHABLE,
                                  sa.or_(User.role.in_(EDITING_ROLES), User.id == post.author_id))
            .order_by(User.id))


def excerpt(content_html: str, limit: int = EXCERPT_LENGTH) -> str:
    """The comment's words as plain text, cut at a word near `limit` characters
    (the templates escape it: no markup a commenter wrote reaches a mail)."""
    text = text_of(content_html)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:") + " …"


def _post_link(post: Post) -> str:
    with public_url.request_context():
        return public_url.absolute(post_url(post)) if post.has_permalink else ""


def held_item(comment: Comment, private: bool) -> dict:
    """What a moderation mail says of one held comment; `private` (for an
    administrator) adds the commenter's email and IP addresses."""
    return {
        "id": comment.id,
        "author": comment.author_name,
        "email": comment.author_email if private else "",
        "ip": comment.ip if private else "",
        "website": comment.author_url,
        "post_title": comment.post.title,
        "post_url": _post_link(comment.post),
        "reason": comment.held_reason or "Held for moderation",
        "excerpt": excerpt(comment.content_html),
        "moderate_url": public_url.public_url("admin.comment", comment_id=comment.id),
    }


# --- Held comments ----------------------------------------------------------

def comment_held(comment: Comment) -> None:
    """Note the held comment for each of its moderators, and mail those not
    written to in the last WINDOW at once; the others get it in a digest."""
    people = db.session.scalars(moderators(comment.post)).all()
    for person in people:
        db.session.add(ModerationNotice(user_id=person.id, comment_id=comment.id))
    db.session.flush()
    for person in people:
        if not _written_lately(person):
            tell(person)


def _written_lately(person: User) -> bool:
    try:
        return outbox.sent_recently(person.email, MODERATION, WINDOW)
    except ValueError:  # not an address any more: tell() logs it and drops the notes
        return False


def tell(person: User) -> bool:
    """Write `person` one email of every held comment noted for them that is
    still pending and theirs to moderate; the notes go either way. Whether
    an email was written."""
    notes = db.session.execute(
        sa.select(ModerationNotice.id, Comment)
        .join(Comment, Comment.id == ModerationNotice.comment_id)
        .where(ModerationNotice.user_id == person.id)
        .options(joinedload(Comment.post))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    if not notes:
        return False
    db.session.execute(sa.delete(ModerationNotice)
                       .where(ModerationNotice.id.in_([note_id for note_id, _ in notes]))
                       .execution_options(synchronize_session=False))
    held = [comment for _, comment in notes
            if comment.status == "pending" and person.can_edit(comment.post)]
    if not held:
        return False
    items = [held_item(comment, person.is_admin) for comment in held[:DIGEST_SHOWN]]
    site = settings.current().site_title
    if len(held) == 1:
        subject = f"[{site}] Please moderate: \u201c{held[0].post.title}\u201d"
    else:
        subject = f"[{site}] {len(held)} comments await moderation"
    return _queue(person.email, subject, "moderation", kind=MODERATION, user_id=person.id,
                  headers=reply_to(held[0]) if len(held) == 1 and person.is_admin else None,
                  name=person.display_name, items=items, total=len(held),
                  pending_url=public_url.public_url("admin.comments", status="pending"),
                  private=person.is_admin)


def send_digests() -> int:
    """Mail everyone whose noted comments have waited out their WINDOW; the
    notes of people who can no longer be told go. How many emails were written."""
    if db.session.scalar(sa.select(ModerationNotice.id).limit(1)) is None:
        db.session.rollback()
        return 0  # the usual minute: nothing written, no write transaction
    db.session.execute(
        sa.delete(ModerationNotice)
        .where(ModerationNotice.user_id.not_in(sa.select(User.id).where(REACHABLE)))
        .execution_options(synchronize_session=False))
    db.session.commit()
    waiting = db.session.scalars(
        sa.select(User).where(User.id.in_(sa.select(ModerationNotice.user_id))).order_by(User.id)
    ).all()
    written = 0
    for person in waiting:
        if not _written_lately(person):
            written += tell(person)
            db.session.commit()  # each person's email on its own: one failing spares the rest
    db.session.rollback()
    return written


@tasks.periodic(minute="*")
def send_digests_periodically() -> None:
    written = send_digests()
    if written:
        current_app.logger.info("moderation digests written: %s", written)


# --- Approved comments --------------------------------------------------------

def comment_approved(comment: Comment, moderator_id: int | None = None) -> None:
    """Tell the post's author of a newly approved comment, if they asked for it
    (User.notify_approved), as WordPress's notify_postauthor: not of their own
    comment, nor of one they approved themselves (`moderator_id`)."""
    post = comment.post
    if post.author_id is None or post.author_id in (comment.user_id, moderator_id):
        return
    author = db.session.scalar(
        sa.select(User).where(User.id == post.author_id, REACHABLE, User.notify_approved))
    if author is None:
        return
    with public_url.request_context():
        [link] = comment_links([(comment.id, post)])
        comment_url = public_url.absolute(link)
    site = settings.current().site_title
    _queue(author.email, f"[{site}] New comment on \u201c{post.title}\u201d",
                 "comment_approved", kind=APPROVED, user_id=author.id,
                 headers=reply_to(comment) if author.is_admin else None,
                 name=author.display_name, item=held_item(comment, author.is_admin),
                 comment_url=comment_url, settings_url=_settings_url())


def reply_to(comment: Comment) -> dict[str, str] | None:
    """Answering a mail about one comment writes to its author, as WordPress's
    notices do; only administrators' mail carries it (it holds the address)."""
    try:
        address = normalized(comment.author_email)
    except ValueError:
        return None
    name = compose.one_line(comment.author_name, 100)
    return {"Reply-To": str(Address(display_name=name, addr_spec=address))}


def _queue(to: str, subject: str, template: str, **context) -> bool:
    """outbox.queue, except that an address stored long ago that no longer
    passes (an imported account's) is logged, not raised: it must not cost a
    reader their comment or a moderator their action."""
    try:
        outbox.queue(to, subject, template, **context)
    except ValueError as error:
        current_app.logger.warning("comment notice to %r not written: %s", to, error)
        return False
    return True


def _settings_url() -> str:
    """Where the author turns these emails off: their profile."""
    return public_url.public_url("admin.profile")


# --- Signals ------------------------------------------------------------------

def on_comment_added(comment: Comment, **_) -> None:
    if comment.status == "pending":
        comment_held(comment)
    elif comment.status == "approved":
        comment_approved(comment)


def on_status_changed(comment: Comment, old: str, **_) -> None:
    # Only a moderator in /admin changes a status: the request's signed-in user.
    if comment.status == "approved":
        moderator = current_user if has_request_context() else None
        comment_approved(comment, moderator.id if moderator and moderator.is_authenticated
                         else None)


events.comment_added.connect(on_comment_added)
events.status_changed.connect(on_status_changed)
