"""Likes and boosts of our posts, from the fediverse or a Webmention: one of
each kind per actor and post, counted on the post the way comments are (the
count moves only here, in the database, so two at once both count)."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Post
from .models import Reaction

KINDS = {"like": Post.like_count, "boost": Post.boost_count}


def add(post: Post, kind: str, *, source: str, remote_id: str, actor: str, name: str = "",
        url: str = "") -> bool:
    """Keep a reaction; False when this actor's is there already."""
    exists = sa.select(Reaction.id).where(Reaction.post_id == post.id, Reaction.kind == kind,
                                          Reaction.source == source, Reaction.actor == actor)
    if db.session.scalar(exists) is not None:
        return False
    try:
        with db.session.begin_nested():  # the same one, sent twice at once
            db.session.add(Reaction(post_id=post.id, kind=kind, source=source,
                                    remote_id=remote_id[:1000], actor=actor[:1000],
                                    name=name[:255], url=url[:1000]))
    except sa.exc.IntegrityError:
        return False
    _count(post.id, kind, 1)
    return True


def remove(reactions) -> int:
    """Remove the reactions `reactions` (a WHERE clause on Reaction) selects,
    in one statement, and take them off their posts' counts."""
    counted = list(db.session.execute(
        sa.select(Reaction.post_id, Reaction.kind, sa.func.count()).where(reactions)
        .group_by(Reaction.post_id, Reaction.kind)))
    if not counted:
        return 0
    db.session.execute(sa.delete(Reaction).where(reactions))
    for post_id, kind, number in counted:
        _count(post_id, kind, -number)
    return sum(number for *_, number in counted)


def _count(post_id: int, kind: str, delta: int) -> None:
    column = KINDS[kind]
    db.session.execute(sa.update(Post).where(Post.id == post_id)
                       .values({column: column + delta})
                       .execution_options(synchronize_session=False))
