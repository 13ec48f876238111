"""Which post of ours an address from elsewhere names: a reply's inReplyTo, a
like's object, a Webmention's target. Read with the app's own URL map, so
every form readers and servers use is known (the object id /ap/posts/<id>, the
permalink, a comment page of it, with or without a #fragment), and nothing
but a visible, unprotected post is ever found."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ..blog import queries
from ..extensions import db
from ..models import Post, utcnow
from ..permalinks import post_at
from ..public_url import public_url
from .objects import federable


def post_for(address: str) -> Post | None:
    try:
        parts = urlsplit(address)
        ours = urlsplit(public_url("blog.index"))
    except ValueError:  # not an address ("https://[::1")
        return None
    root = ours.path.rstrip("/")
    if (parts.scheme not in ("http", "https") or parts.netloc.lower() != ours.netloc.lower()
            or not parts.path.startswith(root + "/")):
        return None
    adapter = current_app.url_map.bind(ours.netloc, script_name=root or "/",
                                       url_scheme=ours.scheme)
    try:
        endpoint, values = adapter.match(parts.path[len(root):], method="GET")
        if endpoint == "federation.post_object":
            post = db.session.get(Post, values["post_id"])
        elif endpoint == "blog.post":
            post = post_at(values["year"], values["month"], values["day"], values["slug"],
                           follow=False, lookup=queries.post_by_slug)
        else:
            return None
    except (HTTPException, RequestRedirect):  # no such page, or not one of ours
        return None
    return post if post is not None and federable(post, utcnow()) else None
