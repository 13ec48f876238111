"""The fediverse's ways in: WebFinger and NodeInfo (how a server finds us),
our actors' documents, and the inbox (blueprint "federation").

Everything here answers 404 while federation is off (`enabled`)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, request

from .. import settings
from ..blog.queries import visible_posts
from ..caching import cached
from ..extensions import csrf, db, limiter
from ..models import Post
from ..public_url import public_url
from . import activities, actors, followers, remote, signatures
from .actors import Actor

bp = Blueprint("federation", __name__)

ACTIVITY_JSON = "application/activity+json"
NODEINFO = "http://nodeinfo.diaspora.software/ns/schema/2.1"
# Mastodon's own cap on what its inbox reads; ours is the request cap too.
MAX_ACTIVITY_BYTES = 256 * 1024


def enabled() -> bool:
    """FEDERATION_ENABLED as set; unset, off until the inbox takes replies
    (docs/decisions.md: then a public https SITE_URL turns it on)."""
    return bool(current_app.config.get("FEDERATION_ENABLED"))


@bp.before_request
def only_when_enabled():
    if not enabled():
        abort(404)


def _json(document: dict, content_type: str = ACTIVITY_JSON) -> Response:
    response = Response(json.dumps(document, separators=(",", ":")), content_type=content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/webfinger")
def webfinger():
    resource = request.args.get("resource", "")
    if not resource or len(resource) > 500:
        abort(400, "resource= names who to find")
    actor = _resource_actor(resource)
    if actor is None:
        abort(404)
    return _json({
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
    return _json({"links": [{"rel": NODEINFO, "href": public_url("federation.nodeinfo")}]},
                 "application/json")


@bp.get("/nodeinfo/2.1")
def nodeinfo():
    document = cached("federation:nodeinfo", _nodeinfo)
    return _json(document, f'application/json; profile="{NODEINFO}#"')


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
    return _json(cached("federation:actor:blog", lambda: actors.document(actors.blog())))


@bp.get("/ap/authors/<slug>")
def author_actor(slug):
    def document():
        actor = actors.author(slug)
        return actors.document(actor) if actor is not None else None

    found = cached(f"federation:actor:author:{slug}", document, keep_none=False)
    if found is None:
        abort(404)
    return _json(found)


def _sender_host() -> str:
    try:
        return urlsplit(signatures.key_id(request.headers)).netloc or request.remote_addr
    except (signatures.BadSignature, ValueError):  # no key id, or not a URL
        return request.remote_addr or ""


@bp.post("/ap/inbox")
@csrf.exempt  # a server's signature is what is checked, not a form's token
@limiter.limit(lambda: current_app.config["FEDERATION_INBOX_RATE_LIMIT"], key_func=_sender_host)
def inbox():
    if (request.content_length or 0) > MAX_ACTIVITY_BYTES:
        abort(413)
    body = request.get_data(cache=False)
    if len(body) > MAX_ACTIVITY_BYTES:
        abort(413)
    try:
        if followers.is_blocked(signatures.key_id(request.headers)):
            return Response("", 202)  # dropped unread: nothing of theirs is kept
        sender = _signed_by(body)
    except (signatures.BadSignature, remote.Unknown) as error:
        return _refusal(401, str(error))
    if followers.is_blocked(sender.uri):
        db.session.rollback()  # not even the key fetched for them
        return Response("", 202)
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):
        return _refusal(400, "the body is not JSON")
    if not isinstance(activity, dict):
        return _refusal(400, "the body is not a JSON object")
    try:
        activities.take(activity, sender)
    except activities.Refused as refused:
        db.session.rollback()
        return _refusal(refused.status, str(refused))
    db.session.commit()
    return Response("", 202)


def _signed_by(body: bytes):
    """The remote actor whose key signed this request (fetched again once if
    the key we kept no longer verifies: they rotated it)."""
    key_id = signatures.key_id(request.headers)
    sender, fresh = remote.for_key(key_id)
    target = request.script_root + request.path
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    try:
        signatures.verify("POST", target, request.headers, body, sender.public_pem)
    except signatures.BadSignature:
        if fresh:
            raise
        sender, _ = remote.for_key(key_id, refresh=True)
        signatures.verify("POST", target, request.headers, body, sender.public_pem)
    return sender


def _refusal(status: int, message: str) -> Response:
    return Response(message + "\n", status, content_type="text/plain; charset=utf-8")
