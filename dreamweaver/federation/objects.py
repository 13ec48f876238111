"""Our posts as the fediverse reads them: an Article (title, summary, the
whole text, link, featured image, tags as hashtags) and the Create, Update,
Delete and Announce activities that carry it."""

from __future__ import annotations

import re

from flask import url_for

from ..blog.meta import summary
from ..markup import smart_title
from ..media.featured import social_image
from ..models import Post
from ..permalinks import post_url
from ..public_url import absolute, public_url, request_context
from .actors import AS, CONTEXT, blog

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def federable(post: Post, now) -> bool:
    """What goes to the fediverse: a published post (not a page) readers can
    see, neither protected nor private, draft, trashed or not yet due."""
    return (post.type == "post" and post.status in ("published", "scheduled")
            and post.published_at is not None and post.published_at <= now
            and not post.password)


def object_id(post_id: int) -> str:
    return public_url("federation.post_object", post_id=post_id)


def author_actor_id(post: Post) -> str:
    """Who wrote it, as an actor: the author, or the blog for a post without one."""
    if post.author is not None:
        return public_url("federation.author_actor", slug=post.author.slug)
    return blog().id


def article(post: Post) -> dict:
    with request_context():
        link = absolute(post_url(post))
        tags = [{"type": "Hashtag", "name": "#" + "".join(tag.name.split()),
                 "href": absolute(url_for("blog.tag", slug=tag.slug))} for tag in post.tags]
        image = social_image(post)
        content = _absolute_addresses(post.content_html, absolute("/"))
    attributed = author_actor_id(post)
    document = {
        "@context": CONTEXT,
        "id": object_id(post.id),
        "type": "Article",
        "name": smart_title(post.title),
        "summary": summary(post, 500),
        "content": content,
        "url": link,
        "attributedTo": attributed,
        "published": _iso(post.published_at),
        "to": [PUBLIC],
        "cc": [attributed + "/followers"],
        "tag": tags,
        "sensitive": False,
    }
    if post.modified_at and post.modified_at > post.published_at:
        document["updated"] = _iso(post.modified_at)
    if image is not None:
        document["image"] = {"type": "Image", "url": image.url, "mediaType": image.type}
        document["attachment"] = [{"type": "Image", "url": image.url, "mediaType": image.type,
                                   "name": image.alt, "width": image.width,
                                   "height": image.height}]
    return document


# A site-relative address in the text (`/media/...`, `/2024/...`): read on
# another server, it must say which site.
_RELATIVE = re.compile(r'((?:src|href)=")/(?!/)')
_SRCSET = re.compile(r'(srcset=")([^"]*)(")')
_CANDIDATE = re.compile(r'(^|,\s*)/(?!/)')


def _absolute_addresses(html: str, site: str) -> str:
    html = _RELATIVE.sub(lambda match: match.group(1) + site, html)
    return _SRCSET.sub(lambda match: match.group(1) + _CANDIDATE.sub(
        lambda c: c.group(1) + site, match.group(2)) + match.group(3), html)


def _embedded(post: Post) -> dict:
    return {k: v for k, v in article(post).items() if k != "@context"}


def create(post: Post) -> dict:
    body = _embedded(post)
    return {"@context": AS, "id": body["id"] + "#create", "type": "Create",
            "actor": body["attributedTo"], "published": body["published"],
            "to": body["to"], "cc": body["cc"], "object": body}


def update(post: Post) -> dict:
    body = _embedded(post)
    stamp = body.get("updated") or body["published"]
    return {"@context": AS, "id": f"{body['id']}#update-{stamp}", "type": "Update",
            "actor": body["attributedTo"], "to": body["to"], "cc": body["cc"], "object": body}


def delete(post_id: int, actor_id: str) -> dict:
    gone = object_id(post_id)
    return {"@context": AS, "id": gone + "#delete", "type": "Delete", "actor": actor_id,
            "to": [PUBLIC], "object": {"id": gone, "type": "Tombstone"}}


def announce(post: Post) -> dict:
    """The blog passing an author's post on to the blog's own followers."""
    me = blog()
    return {"@context": AS, "id": object_id(post.id) + "#announce", "type": "Announce",
            "actor": me.id, "published": _iso(post.published_at), "to": [PUBLIC],
            "cc": [me.id + "/followers"], "object": object_id(post.id)}


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")
