"""How a server finds us: WebFinger (the blog and each author with a
published post), NodeInfo 2.1, and our actors' documents."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, request

from .. import settings
from ..blog.queries import visible_posts
from ..caching import cached
from ..extensions import db
from ..inputs import has_control_characters
from ..models import Post
from ..public_url import public_url
from . import actors
from .actors import Actor
from .views import ACTIVITY_JSON, bp, json_response

NODEINFO = "http://nodeinfo.diaspora.software/ns/schema/2.1"


@bp.get("/.well-known/webfinger")
def webfinger():
    resource = request.args.get("resource", "")
    if not resource or len(resource) > 500 or has_control_characters(resource):
        abort(400, "resource= names who to find")
    actor = _resource_actor(resource)
    if actor is None:
        abort(404)
    return json_response({
        "subject": f"acct:{actor.handle}",
        "aliases": [actor.id, actor.profile_url],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": actor.id},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
             "href": actor.profile_url},
        ],
    }, "application/jrd+json")


def _resource_actor(resource: str) -> Actor | None:
    """acct:name@our-host, or one of our actors' addresses."""
    if resource.startswith("acct:"):
        name, _, host = resource[5:].lstrip("@").rpartition("@")
        if host.lower() != actors.host().lower() or not name:
            return None
        return actors.by_username(name)
    if resource.startswith(("http://", "https://")):
        return actors.from_id(resource) or _profile_owner(resource)
    return None


def _profile_owner(url: str) -> Actor | None:
    if url.rstrip("/") == public_url("blog.index").rstrip("/"):
        return actors.blog()
    prefix = public_url("blog.author", slug="-").removesuffix("-/")
    if url.startswith(prefix):
        return actors.author(url[len(prefix):].strip("/"))
    return None


@bp.get("/.well-known/nodeinfo")
def nodeinfo_links():
    return json_response({"links": [{"rel": NODEINFO, "href": public_url("federation.nodeinfo")}]},
                 "application/json")


@bp.get("/nodeinfo/2.1")
def nodeinfo():
    document = cached("federation:nodeinfo", _nodeinfo)
    return json_response(document, f'application/json; profile="{NODEINFO}#"')


def _nodeinfo() -> dict:
    visible = visible_posts().with_only_columns(Post.id, Post.author_id).subquery()
    posts, authors = db.session.execute(sa.select(
        sa.func.count(), sa.func.count(sa.distinct(visible.c.author_id)))).one()
    return {
        "version": "2.1",
        "software": {"name": "dreamweaver", "version": "0.1.0"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["rss2.0", "atom1.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": authors or 0}, "localPosts": posts or 0},
        "metadata": {"nodeName": settings.current().site_title},
    }


@bp.get("/ap/blog")
def blog_actor():
    return json_response(cached("federation:actor:blog", lambda: actors.document(actors.blog())))


@bp.get("/ap/authors/<slug>")
def author_actor(slug):
    def document():
        actor = actors.author(slug)
        return actors.document(actor) if actor is not None else None

    found = cached(f"federation:actor:author:{slug}", document, keep_none=False)
    if found is None:
        abort(404)
    return json_response(found)
