"""Featured images as readers and link previews see them: over the post, as a
thumbnail in listings, and as the picture a shared link shows (og:image,
twitter:image, JSON-LD image).

Chosen in the editor (Post.featured_media_id); a protected post shows none,
as WordPress's themes hide it until the password is given, and shares none.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urljoin

import sqlalchemy as sa
from flask import request
from markupsafe import Markup

from ..extensions import db
from ..models import Media
from . import pictures
from .urls import url_of

# A listing's thumbnail (site.css .post-thumbnail): a third of the column,
# 14rem at most, floated beside the summary.
THUMBNAIL_SIZES = "(min-width: 46rem) 14rem, 33vw"
# Link previews show about 1200 px across (Facebook's and X's large card); not
# every site takes AVIF or WebP, so a JPEG or PNG (or the GIF as uploaded).
SOCIAL_WIDTH = 1200
SOCIAL_KINDS = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif"}


class SocialImage(NamedTuple):
    url: str  # absolute
    width: int
    height: int
    type: str
    alt: str


def featured_of(post) -> Media | None:
    """The featured image `post` shows (None for a protected post)."""
    if post.password or not post.featured_media_id:
        return None
    return db.session.get(Media, post.featured_media_id)


def featured_in(posts) -> dict[int, Media]:
    """id -> Media of the featured images of a listing's posts, in one query."""
    ids = {post.featured_media_id for post in posts
           if post.featured_media_id and not post.password}
    if not ids:
        return {}
    return {media.id: media
            for media in db.session.scalars(sa.select(Media).where(Media.id.in_(ids)))}


def featured_picture(media: Media, *, first: bool = True) -> Markup:
    """The featured image over a post: the column's width, and the page's
    first image (its content's first then waits: pictures.not_first)."""
    return Markup(pictures.picture(media, sizes=pictures.POST_SIZES, first=first))  # noqa: S704


def thumbnail_picture(media: Media, *, first: bool) -> Markup:
    """A listing's thumbnail; only the first entry's is fetched at once."""
    return Markup(pictures.picture(media, sizes=THUMBNAIL_SIZES, first=first))  # noqa: S704


def social_image(post) -> SocialImage | None:
    """The picture a shared link to `post` shows: a JPEG or PNG variant about
    SOCIAL_WIDTH wide, at an absolute address; the original while there are no
    variants yet, when it is a kind every site takes."""
    media = featured_of(post)
    if media is None:
        return None
    own = media.key.rsplit(".", 1)[1]
    candidates = [(v["key"], v["width"], v["height"]) for v in media.variants or ()
                  if v["format"] in SOCIAL_KINDS]
    if own in SOCIAL_KINDS:
        candidates.append((media.key, media.width, media.height))
    if not candidates:
        return None
    key, width, height = min(candidates, key=lambda c: (abs(c[1] - SOCIAL_WIDTH), -c[1]))
    return SocialImage(urljoin(request.host_url, url_of(key)), width, height,
                       SOCIAL_KINDS[key.rsplit(".", 1)[1]], media.alt or "")


def init_app(app) -> None:
    app.jinja_env.globals.update(
        featured_of=featured_of, featured_in=featured_in, featured_picture=featured_picture,
        thumbnail_picture=thumbnail_picture, social_image=social_image)
    app.jinja_env.filters["not_first"] = pictures.not_first
