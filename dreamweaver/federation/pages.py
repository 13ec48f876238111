"""What our HTML pages do for the fediverse: a post names its ActivityPub
object and its author's account in its <head> (so pasting its address into
Mastodon's search finds it, and a link preview credits the author), and the
addresses readers share answer a server asking for JSON-LD with the object
or actor itself (content negotiation: the home page is the blog, an author
archive the author, a permalink the post)."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import HTTPException

from ..blog import queries
from ..caching.pages import wants_json_ld
from ..models import utcnow
from ..permalinks import post_at
from . import actors, collections, discovery, objects
from .views import bp, enabled

# Whose addresses answer JSON-LD too, and who answers for them.
NEGOTIATED = ("blog.post", "blog.index", "blog.author")


@bp.app_template_global()
def fediverse_links(post) -> dict | None:
    """The object address and the author's handle a post's <head> names, or
    None when the fediverse is not sent this post."""
    if not enabled() or not objects.federable(post, utcnow()):
        return None
    actor = actors.of_user(post.author) if post.author is not None else actors.blog()
    return {"object": objects.object_id(post.id), "creator": "@" + actor.handle}


@bp.before_app_request
def negotiate():
    if (request.endpoint not in NEGOTIATED or request.method != "GET" or not enabled()
            or not wants_json_ld(request.headers.get("Accept", ""))):
        return None
    values = request.view_args or {}
    if request.endpoint == "blog.index":
        return discovery.blog_actor() if values.get("page", 1) == 1 else None
    if request.endpoint == "blog.author":
        return discovery.author_actor(values["slug"]) if values.get("page", 1) == 1 else None
    try:
        post = post_at(values["year"], values["month"], values["day"], values["slug"],
                       follow=False, lookup=queries.post_by_slug)
    except HTTPException:
        return None  # the page answers: its 404 or redirect
    return collections.post_object(post.id)


@bp.after_app_request
def vary_on_accept(response):
    """A shared cache must not hand a page to a server that asked for JSON-LD."""
    if request.endpoint in NEGOTIATED and enabled():
        response.vary.add("Accept")
    return response
