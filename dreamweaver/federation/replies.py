"""Replies from the fediverse: a public note answering one of our posts (or a
reply to it we already hold) becomes a comment in that post's thread, under
the same sanitizer and moderation rules as a reader's (comments/policy.py);
its author's Update and Delete apply to it. Notes that answer someone else,
and notes only their addressees may read (direct messages), are not ours to
show and are left.

What a comment from here keeps: source "fediverse", the note's id
(remote_id) and who wrote it (remote_actor: the signed identity the
moderation rule "a previously approved comment" goes by)."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from markupsafe import escape

from ..budget import InputTooSlow
from ..comments import events
from ..comments.closing import comments_open
from ..comments.moderation import delete_forever, recheck
from ..comments.policy import new_comment, verdict
from ..extensions import db
from ..models import Comment
from ..sanitize import TooComplex, clean_comment_html
from . import avatars
from .models import RemoteActor
from .objects import object_id
from .remote import id_of, type_of
from .targets import post_for

SOURCE = "fediverse"
NOTE_TYPES = frozenset({"Note", "Article"})
PUBLIC = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
# As the comment form's limit: a note past it is refused, not cut.
MAX_CONTENT = 65525
MAX_NAME = 245
MAX_ID_BYTES = 1000  # kept whole, and indexed


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def create(note, sender: RemoteActor) -> Comment | None:
    """The comment a new note makes, or None when it is not a public reply to us."""
    if type_of(note) not in NOTE_TYPES:
        return None
    note_id = _authored(note, sender)
    if not _public(note):
        return None
    place = _place(id_of(note.get("inReplyTo")))
    if place is None:
        return None
    post, parent = place
    if not comments_open(post) or _comment(note_id, sender) is not None:
        return None  # closed, or the same note again (delivered twice)
    content_html = _clean(note)
    name = (sender.name or sender.username or "Someone")[:MAX_NAME]
    author_url = sender.url or sender.uri
    status, reason = verdict(name, "", content_html, _parts(note, name, author_url),
                             remote_actor=sender.uri)
    try:
        with db.session.begin_nested():
            comment = new_comment(parent, post_id=post.id, status=status, held_reason=reason,
                                  author_name=name, author_email="",
                                  author_url=author_url[:500], content_html=content_html,
                                  source=SOURCE, remote_id=note_id, remote_actor=sender.uri)
    except sa.exc.IntegrityError:
        return None  # the same note, delivered twice at the same moment
    avatars.for_new_comment(comment, sender)
    events.comment_added.send(comment)
    return comment


def update(note, sender: RemoteActor) -> None:
    """The author edited their note: its comment says what it says now, and
    passes the moderation rules again (moderation.recheck)."""
    if type_of(note) not in NOTE_TYPES:
        return
    comment = _comment(_authored(note, sender), sender)
    if comment is None:
        return
    content_html = _clean(note)
    if content_html != comment.content_html:
        comment.content_html = content_html
        recheck(comment, _parts(note, comment.author_name, comment.author_url))


def delete(gone, sender: RemoteActor) -> None:
    """The author deleted their note."""
    comment = _comment(id_of(gone), sender)
    if comment is not None:
        delete_forever(comment)


def remove_by(whose) -> int:
    """Delete for good the comments of the remote actors `whose` (a WHERE clause
    on RemoteActor) selects: what blocking them does."""
    authors = sa.select(RemoteActor.uri).where(whose)
    comments = list(db.session.scalars(sa.select(Comment).where(
        Comment.source == SOURCE, Comment.remote_actor.in_(authors))))
    for comment in comments:
        delete_forever(comment)
    return len(comments)


def _authored(note: dict, sender: RemoteActor) -> str:
    """The note's id, when the sender wrote it and it lives on their server."""
    note_id = id_of(note.get("id"))
    if not note_id or len(note_id.encode("utf-8", "surrogateescape")) > MAX_ID_BYTES:
        raise Refused(400, "a note needs an id, of at most 1,000 bytes")
    if id_of(note.get("attributedTo")) != sender.uri or not _same_server(note_id, sender.uri):
        raise Refused(401, "the note is not the sender's")
    return note_id


def _same_server(one: str, other: str) -> bool:
    try:
        return urlsplit(one).netloc.lower() == urlsplit(other).netloc.lower()
    except ValueError:
        return False


def _public(note: dict) -> bool:
    audience = []
    for field in ("to", "cc"):
        value = note.get(field)
        audience += value if isinstance(value, list) else [value]
    return any(id_of(who) in PUBLIC for who in audience)


def _place(replying_to: str):
    """(post, parent comment or None) a reply to `replying_to` goes in, or None."""
    if not replying_to:
        return None
    post = post_for(replying_to)
    if post is not None:
        return post, None
    parent = db.session.scalar(sa.select(Comment).where(
        Comment.remote_id == replying_to[:1000], Comment.source == SOURCE).limit(1))
    if parent is None:
        return None
    post = post_for(object_id(parent.post_id))
    if post is None:
        return None
    # A reply to a comment still held waits beside it, at the top of the thread.
    return post, parent if parent.status == "approved" else None


def _comment(note_id: str, sender: RemoteActor) -> Comment | None:
    return db.session.scalar(sa.select(Comment).where(
        Comment.remote_id == note_id[:1000], Comment.source == SOURCE,
        Comment.remote_actor == sender.uri).limit(1))


def _content(note: dict) -> str:
    content = note.get("content")
    if not isinstance(content, str):
        languages = note.get("contentMap")
        content = next((value for value in languages.values() if isinstance(value, str)), "") \
            if isinstance(languages, dict) else ""
    return content


def _clean(note: dict) -> str:
    content = _warned(note) + _content(note)
    if len(content) > MAX_CONTENT:
        raise Refused(413, f"a reply is limited to {MAX_CONTENT:,} characters")
    try:
        cleaned = clean_comment_html(content)
    except (InputTooSlow, TooComplex) as error:
        raise Refused(422, str(error)) from None
    if not cleaned:
        raise Refused(422, "the reply says nothing")
    return cleaned


def _warned(note: dict) -> str:
    """A content warning (Mastodon's `summary`) kept in front of the text it
    warns of, as a paragraph of its own: readers here see it before the rest."""
    warning = note.get("summary")
    if not isinstance(warning, str) or not warning.strip():
        return ""
    return f"<p><strong>Content warning: {escape(' '.join(warning.split())[:500])}</strong></p>"


def _parts(note: dict, name: str, url: str) -> dict[str, str]:
    """What the word lists look in (comments/words.PARTS), as for a reader."""
    return {"comment": (_warned(note) + _content(note))[:MAX_CONTENT], "name": name,
            "email address": "",
            "website": url, "IP address": "", "browser’s user agent": ""}
