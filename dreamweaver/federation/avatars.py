"""The avatars of people who reply from the fediverse: fetched once through
`outbound` (their server names the address), checked and re-encoded as our
uploads are (media/images.py: an accepted format, a pixel cap, nothing
passed through as sent), made AVATAR pixels square as WebP, and kept in the
media store, so a reader's browser never loads anything from their server.
A comment names its avatar by key; the media sweep keeps every key named."""

from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import ImageOps

from .. import tasks
from ..extensions import db
from ..media import images, library, storage
from ..media.keys import new_key
from ..models import Comment, utcnow
from . import outbound
from .models import RemoteActor

AVATAR = 96
MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000
SECONDS = 10.0


def for_new_comment(comment: Comment, actor: RemoteActor) -> None:
    """Give the comment its author's avatar: the one kept already, or fetch it."""
    kept = db.session.scalar(sa.select(Comment.avatar_key).where(
        Comment.remote_actor == actor.uri, Comment.avatar_key != "").limit(1))
    if kept:
        comment.avatar_key = kept
    elif actor.icon_url.startswith(("http://", "https://")):
        tasks.enqueue(fetch, actor.uri)


@tasks.task(retries=1, retry_delay=300, timeout=60)
def fetch(actor_uri: str) -> None:
    actor = db.session.scalar(sa.select(RemoteActor).where(RemoteActor.uri == actor_uri))
    if actor is None or not actor.icon_url:
        return
    kept = db.session.scalar(sa.select(Comment.avatar_key).where(
        Comment.remote_actor == actor_uri, Comment.avatar_key != "").limit(1))
    if kept:  # fetched already, for a comment of theirs made before that fetch ended
        _name(actor_uri, kept)
        return
    try:
        answer = outbound.fetch(actor.icon_url, headers={"Accept": "image/*"},
                                max_bytes=MAX_BYTES, timeout=SECONDS)
    except outbound.Refused:
        return
    if answer.status != 200:
        return
    try:
        data = _square(answer.body)
    except images.Refused:
        return  # not an image we take: they show without one
    key = new_key(utcnow(), "webp")
    storage.current().save(key, data, "image/webp")
    _name(actor_uri, key)


def _name(actor_uri: str, key: str) -> None:
    db.session.execute(sa.update(Comment).where(Comment.remote_actor == actor_uri,
                                                Comment.avatar_key == "")
                       .values(avatar_key=key))
    db.session.commit()


def _square(data: bytes) -> bytes:
    image = images.open_image(io.BytesIO(data), MAX_PIXELS)
    try:
        image.seek(0)  # an animated avatar: its first frame
        square = ImageOps.fit(image.convert("RGBA"), (AVATAR, AVATAR))
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise images.Refused("unreadable") from error
    finally:
        image.close()
    out = io.BytesIO()
    square.save(out, "WEBP", quality=80)
    return out.getvalue()


@library.keeps
def kept_keys() -> set[str]:
    return set(db.session.scalars(sa.select(Comment.avatar_key).where(
        Comment.avatar_key != "").distinct()))
