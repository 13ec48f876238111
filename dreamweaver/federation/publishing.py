"""Sending our posts to the fediverse: Create when a post comes out, Update
when it is edited, Delete when readers can no longer see it (trashed, made
private, draft or protected, moved back to the future).

One periodic task compares the posts with what the fediverse was sent
(`FederatedPost`), so every way a post changes (the editor, a bulk action, a
scheduled post coming due with no request at all, an import) is seen the
same way, within a minute. Posts published before federation first ran are
never sent: turning it on does not flood followers with the archive.

A post goes from its author to the author's followers, and the blog
announces it (Announce) to the blog's; each inbox once per activity, a
server's shared inbox standing for all its people. A post that comes out
also tells the sites it links to (Webmention: webmention_send.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from .. import tasks
from ..blog.queries import is_visible
from ..extensions import db
from ..models import Post, SiteState, utcnow
from . import delivery, objects, webmention_send
from .actors import BLOG, of_key
from .models import FederatedPost, Follower, RemoteActor

BATCH = 50  # posts per run: a run stays short, the next takes the rest
SINCE = "federation_since"


@tasks.periodic(minute="*")
def sync_now() -> None:
    from .views import enabled

    if enabled():
        sync()
        db.session.commit()


def sync(now: datetime | None = None) -> int:
    """Send what changed since the last run; the number of posts it concerned."""
    now = now or utcnow()
    since = _since(now)
    done = 0
    for post in db.session.scalars(
            sa.select(Post).where(Post.type == "post", is_visible(now), Post.password == "",
                                  Post.published_at > since,
                                  ~sa.exists().where(FederatedPost.post_id == Post.id))
            .order_by(Post.published_at, Post.id).limit(BATCH)):
        _created(post)
        done += 1
    changed = sa.or_(Post.id.is_(None), Post.modified_at != FederatedPost.modified_at,
                     Post.type != "post", Post.password != "", ~is_visible(now))
    for row, post in db.session.execute(
            sa.select(FederatedPost, Post).outerjoin(Post, Post.id == FederatedPost.post_id)
            .where(changed).order_by(FederatedPost.post_id).limit(BATCH)).all():
        if post is None or not objects.federable(post, now):
            _send(row.actor_key, _keys(row.actor_key),
                  objects.delete(row.post_id, _actor_id(row.actor_key)))
            db.session.delete(row)
        else:
            _send(row.actor_key, _keys(row.actor_key), objects.update(post))
            row.modified_at = post.modified_at
        done += 1
    return done


def _since(now: datetime) -> datetime:
    """When federation first ran (recorded by that run)."""
    state = db.session.get(SiteState, SINCE)
    if state is None:
        state = SiteState(key=SINCE, value=int(now.timestamp()))
        db.session.add(state)
        db.session.flush()
    return datetime.fromtimestamp(state.value, UTC)


def _author_key(post: Post) -> str:
    return f"author:{post.author_id}" if post.author_id is not None else BLOG


def _keys(author_key: str) -> tuple[str, ...]:
    return (author_key,) if author_key == BLOG else (author_key, BLOG)


def _actor_id(key: str) -> str:
    actor = of_key(key)
    return actor.id if actor is not None else ""


def _created(post: Post) -> None:
    key = _author_key(post)
    _send(key, (key,), objects.create(post))
    if key != BLOG:
        _send(BLOG, (BLOG,), objects.announce(post))
    db.session.add(FederatedPost(post_id=post.id, actor_key=key, modified_at=post.modified_at))
    tasks.enqueue(webmention_send.send_for, post.id)


def _send(actor_key: str, followed: tuple[str, ...], activity: dict) -> None:
    """`activity` from `actor_key` to every inbox of the followers of `followed`."""
    inboxes = db.session.scalars(
        sa.select(sa.func.coalesce(sa.func.nullif(RemoteActor.shared_inbox, ""),
                                   RemoteActor.inbox))
        .join(Follower, Follower.actor_id == RemoteActor.id)
        .where(Follower.local.in_(followed)).distinct())
    for inbox in inboxes:
        delivery.send(actor_key, inbox, activity)
