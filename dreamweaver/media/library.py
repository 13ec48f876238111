"""The media library's rules: adding an image (a stored file and its row, or
neither), deleting one (row and every file), and where each is used.

A file is written before its row is committed; if the transaction then rolls
back, the file is removed with it, and a file is deleted only once the
deletion of its row has committed. What a killed process leaves behind (a
file with no row) is removed by sweep(), which the worker runs every few hours.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from .. import tasks
from ..extensions import db
from ..inputs import one_line
from ..models import Media, Post, post_media, utcnow
from . import pictures, storage, variants
from .images import Accepted, Refused, accept
from .keys import new_key

log = logging.getLogger(__name__)

WRITTEN = "dreamweaver.media.written"
DOOMED = "dreamweaver.media.doomed"
# A file without a row is left alone this long (an upload may be between its
# write and its commit), then swept.
ORPHAN_AGE = 24 * 3600
NAME_MAX = 255
UNAVAILABLE = ("The media store could not take this file (it is not answering, or "
               "full), so nothing was stored. Try again in a few minutes.")
_STEM = re.compile(r"/media/([0-9]{4}/[0-9]{2}/[0-9a-f]{16})")


def upload(file: FileStorage, *, owner, alt: str = "", post_id: int | None = None) -> Media:
    """Add the uploaded `file`; Refused (with its message) if it is not one we take."""
    limit = current_app.config["MEDIA_MAX_BYTES"]
    stream = file.stream
    stream.seek(0, 2)
    if stream.tell() > limit:
        raise Refused(f"This file is larger than {limit / 1024 / 1024:.0f} MB.", status=413)
    stream.seek(0)
    accepted = accept(stream, current_app.config["MEDIA_MAX_PIXELS"])
    name = display_name(file.filename or "")
    return add(accepted, original_name=name, owner=owner, alt=alt, post_id=post_id,
               title=name.rsplit(".", 1)[0])


def display_name(filename: str) -> str:
    """The uploader's file name as data: its last path part, one line, bounded."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return one_line(base)[:NAME_MAX]


def add(accepted: Accepted, *, original_name: str, owner=None, alt: str = "",
        caption: str = "", title: str = "", post_id: int | None = None,
        source_path: str | None = None, created_at: datetime | None = None) -> Media:
    """Store `accepted` and add its row to the session (the caller commits);
    its variants are made once that commit is done."""
    when = created_at or utcnow()
    key = new_key(when, accepted.extension)
    store = storage.current()
    try:
        store.save(key, accepted.data, accepted.mime)
    except OSError as error:
        # A full disk or a store that is down: no row, and no object either,
        # should the store have kept it after all (else sweep() removes it).
        log.warning("media %s not stored: %s", key, error)
        _forget(store, [key])
        raise Refused(UNAVAILABLE, status=503) from error
    db.session.info.setdefault(WRITTEN, []).append(key)
    media = Media(
        key=key, original_name=original_name, mime=accepted.mime, width=accepted.width,
        height=accepted.height, size=len(accepted.data), animated=accepted.animated,
        alt=alt, caption=caption, title=title, variants=[], state="processing",
        owner=owner, post_id=post_id, source_path=source_path, created_at=when,
    )
    db.session.add(media)
    db.session.flush()
    tasks.enqueue(variants.make_variants, media.id)
    return media


def visible_to(user):
    """Which media `user` may see, manage and put in posts: an author their own
    uploads, an administrator or editor all of them (a SQL condition)."""
    if user.can_edit_others:
        return sa.true()
    return Media.owner_id == user.id


def may_use(user, media: Media) -> bool:
    """visible_to, for one image already loaded."""
    return user.can_edit_others or media.owner_id == user.id


def files_of(media: Media) -> list[str]:
    return [media.key, *(variant["key"] for variant in media.variants or ())]


def delete(media: Media) -> None:
    """Delete `media`'s row (the caller commits); its files go once that commit is done.
    Posts showing it keep their markup, which now names a missing file: ask first
    (used_in). Posts featuring it are left without a featured image: the foreign
    key says so too (SET NULL), this also keeps the session's posts in step."""
    db.session.info.setdefault(DOOMED, []).extend(files_of(media))
    db.session.execute(sa.update(Post).where(Post.featured_media_id == media.id)
                       .values(featured_media_id=None))
    db.session.delete(media)


def used_in(media_id: int) -> list[Post]:
    """The posts and pages whose content or featured image is this media."""
    in_content = sa.select(post_media.c.post_id).where(post_media.c.media_id == media_id)
    return list(db.session.scalars(
        sa.select(Post).where(sa.or_(Post.id.in_(in_content), Post.featured_media_id == media_id))
        .order_by(Post.id)))


def stem_of(url_or_key: str) -> str | None:
    """The stem ("2026/12/5f3a9c0e1b2d4a68") of a media key, or of a /media/ URL."""
    found = _STEM.search(url_or_key if url_or_key.startswith("/") else "/media/" + url_or_key)
    return found.group(1) if found else None


def media_in(html: str) -> list[Media]:
    """The media that HTML shows or links to (by the stem its variants share,
    at any address: pictures.media_for), in id order."""
    return sorted(pictures.media_for(html).values(), key=lambda media: media.id)


_KEEPERS = []


def keeps(function):
    """Register `function` (returning stored keys) as naming files that are not
    Media rows but must stay (another area's, such as avatars)."""
    _KEEPERS.append(function)
    return function


@tasks.periodic(minute="17", hour="*/6")
def sweep(now: float | None = None) -> int:
    """Remove stored files that no row names and are older than ORPHAN_AGE
    (what a process killed between writing a file and committing left)."""
    now = time.time() if now is None else now
    store = storage.current()
    known = {key for keeper in _KEEPERS for key in keeper()}
    for key, kept in db.session.execute(sa.select(Media.key, Media.variants)):
        known.add(key)
        known.update(variant["key"] for variant in kept or ())
    removed = 0
    for key, modified in list(store.keys()):
        if key not in known and now - modified > ORPHAN_AGE:
            store.remove(key)
            removed += 1
    return removed


def _forget(store, keys) -> None:
    """Delete files no row names; one the store fails to delete is left to sweep()."""
    for key in keys:
        try:
            store.delete(key)
        except OSError as error:
            log.warning("media %s left for the sweep: %s", key, error)


def _after_commit(session) -> None:
    session.info.pop(WRITTEN, None)
    doomed = session.info.pop(DOOMED, None)
    if doomed:
        _forget(storage.current(), doomed)


def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return
    session.info.pop(DOOMED, None)
    written = session.info.pop(WRITTEN, None)
    if written:
        _forget(storage.current(), written)


def init_app(app) -> None:
    storage.init_app(app)
    for name, listener in (("after_commit", _after_commit),
                           ("after_soft_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


__all__ = ["Refused", "add", "delete", "keeps", "media_in", "stem_of", "sweep", "upload", "used_in",
           "may_use", "visible_to"]
