"""What the fediverse can read of us besides the actors: each actor's outbox
(its posts as Create activities, a page at a time), its followers (a count),
and each post as an Article at its own address (what an Announce names)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, request

from ..blog.queries import visible_posts
from ..caching import cached
from ..extensions import db
from ..models import Post, utcnow
from ..params import whole_number
from . import actors, objects
from .actors import Actor
from .models import Follower
from .views import bp, json_response

OUTBOX_PAGE = 20
MAX_PAGE = 10**6


@bp.get("/ap/posts/<int(max=2147483647):post_id>")
def post_object(post_id):
    def document():
        post = db.session.get(Post, post_id)
        return objects.article(post) if post is not None and objects.federable(
            post, utcnow()) else None

    found = cached(f"federation:object:{post_id}", document, keep_none=False)
    if found is None:
        abort(404)
    return json_response(found)


@bp.get("/ap/blog/outbox")
def blog_outbox():
    return _outbox(actors.blog(), None)


@bp.get("/ap/authors/<slug>/outbox")
def author_outbox(slug):
    actor = actors.author(slug) or abort(404)
    return _outbox(actor, int(actor.key.removeprefix("author:")))


@bp.get("/ap/blog/followers")
def blog_followers():
    return _followers(actors.blog())


@bp.get("/ap/authors/<slug>/followers")
def author_followers(slug):
    return _followers(actors.author(slug) or abort(404))


def _followers(actor: Actor):
    """How many, not who: a reader's follows are theirs to show (Mastodon's
    hidden list)."""
    total = db.session.scalar(sa.select(sa.func.count()).where(Follower.local == actor.key))
    return json_response({"@context": actors.AS, "id": actor.id + "/followers",
                  "type": "OrderedCollection", "totalItems": total})


def _outbox(actor: Actor, author_id: int | None):
    """The actor's posts as Create activities, newest first, a page at a time."""
    number = whole_number(request.args.get("page", "0"), MAX_PAGE)
    if number is None:
        abort(404)
    base = actor.id + "/outbox"
    query = visible_posts().where(Post.password == "")
    if author_id is not None:
        query = query.where(Post.author_id == author_id)

    def document():
        if not number:
            total = db.session.scalar(sa.select(sa.func.count()).select_from(
                query.with_only_columns(Post.id).subquery()))
            return {"@context": actors.AS, "id": base, "type": "OrderedCollection",
                    "totalItems": total, "first": base + "?page=1"}
        posts = list(db.session.scalars(query.order_by(Post.published_at.desc(), Post.id.desc())
                                        .limit(OUTBOX_PAGE + 1)
                                        .offset((number - 1) * OUTBOX_PAGE)))
        if not posts and number > 1:
            return None
        page = {"@context": actors.AS, "id": f"{base}?page={number}",
                "type": "OrderedCollectionPage", "partOf": base,
                "orderedItems": [objects.create(post) for post in posts[:OUTBOX_PAGE]]}
        if len(posts) > OUTBOX_PAGE:
            page["next"] = f"{base}?page={number + 1}"
        if number > 1:
            page["prev"] = f"{base}?page={number - 1}"
        return page

    found = cached(f"federation:outbox:{base}:{number}", document, keep_none=False)
    if found is None:
        abort(404)
    return json_response(found)
