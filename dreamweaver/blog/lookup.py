"""The single post page's look-up, kept with the page's cached fragments (and
the archives' look-up of their category, tag or author, kept the same way).

A reader's view of a post whose fragments are all cached (caching.cached_fragment) needs
a few of the post's columns and nothing else. Those columns are cached per
content generation like the fragments, so such a view asks the database for
the generation alone; the first use of anything more (its text, author,
categories) loads the post itself.

Protected posts are always read from the database: their password is never
copied into the cache (which may be a shared Redis).
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import defer

from ..caching import LoadOnMiss, cached
from ..extensions import db
from ..models import Category, Post, Tag
from . import queries

# embed_origins too: the page's CSP needs them when its content is cached.
FIELDS = ("id", "type", "status", "title", "slug", "published_at", "published_local",
          "modified_at", "author_id", "comments_open", "sticky", "comment_count",
          "like_count", "boost_count",
          "featured_media_id", "embed_origins")


class KnownPost(LoadOnMiss):
    """A visible, unprotected post as cached: its FIELDS, the rest on demand."""

    password = ""

    def __init__(self, fields: dict):
        # The generation these fields belong to was read before this, so the
        # post existed then; deleted since (a newer generation), it is a 404.
        super().__init__(lambda: db.session.get(Post, fields["id"], options=[defer(Post.source)])
                         or abort(404), **fields)

    def __repr__(self) -> str:
        return f"<KnownPost {self.id} {self.slug!r}>"


def visible_post(slug: str) -> Post | KnownPost | None:
    """queries.post_by_slug, answered from the cache when it can be."""
    read = {}

    def look_up():
        post = read["post"] = queries.post_by_slug(slug)
        if post is None or post.password:
            return None  # not kept: unknown slugs would fill the cache
        return {name: getattr(post, name) for name in FIELDS}

    fields = cached(f"post:{slug}", look_up, keep_none=False)
    if "post" in read:  # just read from the database: that post, whole
        return read["post"]
    return KnownPost(fields)


class Subject(NamedTuple):
    """What an archive's page says of the category, tag or author it lists."""

    id: int
    name: str
    slug: str
    description: str  # an author's bio (cleaned when saved); a term's as typed


def _category(slug: str) -> Subject | None:
    found = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    return found and Subject(found.id, found.name, found.slug, found.description)


def _tag(slug: str) -> Subject | None:
    found = db.session.scalar(sa.select(Tag).where(Tag.slug == slug))
    return found and Subject(found.id, found.name, found.slug, found.description)


def _author(slug: str) -> Subject | None:
    found = queries.public_author(slug)
    return found and Subject(found.id, found.display_name, found.slug, found.bio or "")


SUBJECTS = {"category": _category, "tag": _tag, "author": _author}


def archive_subject(kind: str, slug: str) -> Subject | None:
    """The `kind` ("category", "tag", "author") at `slug`, cached per content
    generation like a post's fields; an unknown slug is not kept."""
    return cached(f"{kind}:{slug}", lambda: SUBJECTS[kind](slug), keep_none=False)
