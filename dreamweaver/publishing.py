"""Writing posts and pages: the rules a save follows, in one place.

Slugs are WordPress's (unique per type, reserved words kept free for pages);
a published post whose slug changes keeps its old one as a redirect; a
published post with a future date is scheduled and shows at that time
without any job running; a post always has at least one category.
"""

from datetime import datetime

import sqlalchemy as sa

from . import dates
from .extensions import db
from .markup import render, render_teaser
from .models import Category, OldSlug, Post, Tag, User, utcnow
from .slugs import RESERVED, is_reserved_page_slug, slugify, unique_slug

DEFAULT_CATEGORY = ("Uncategorized", "uncategorized")


def default_category() -> Category:
    """WordPress's "Uncategorized", created when first needed."""
    found = db.session.scalar(sa.select(Category).where(Category.slug == DEFAULT_CATEGORY[1]))
    if found is None:
        found = Category(name=DEFAULT_CATEGORY[0], slug=DEFAULT_CATEGORY[1])
        db.session.add(found)
    return found


def post_slug(post: Post, wanted: str) -> str:
    """The slug a save gives `post`: `wanted` (or the title) made unique for its type."""
    base = slugify(wanted) or slugify(post.title) or "untitled"
    reserved = frozenset()
    if post.type == "page":
        reserved = RESERVED | ({base} if is_reserved_page_slug(base) else set())
    return unique_slug(
        Post.slug, base, Post.type == post.type, Post.id != (post.id or 0), reserved=reserved,
    )


def tags_named(text: str) -> list[Tag]:
    """The tags of a comma-separated list, creating the new ones."""
    names = []
    for name in (part.strip() for part in text.split(",")):
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name[:200])
    tags = []
    for name in names:
        slug = slugify(name) or "tag"
        tag = db.session.scalar(sa.select(Tag).where(Tag.slug == slug))
        if tag is None:
            tag = Tag(name=name, slug=slug)
            db.session.add(tag)
        tags.append(tag)
    return tags


def save(post: Post, *, author: User, title: str, slug: str, source: str, fmt: str,
         excerpt: str, categories: list[Category], tags: list[Tag], status: str,
         published: datetime | None, comments_open: bool, sticky: bool,
         password: str) -> Post:
    """Apply an edit to `post` (new or not) and add it to the session.

    Renders first: a source beyond the limits raises TooComplex (or the
    budget's InputTooSlow) before anything about the post has changed.
    """
    content_html = render(source, fmt)
    teaser_html = render_teaser(source, fmt)
    was_live = post.id is not None and post.status in ("published", "scheduled")
    old_slug = post.slug
    post.title = title.strip()
    post.slug = post_slug(post, slug)
    post.source, post.format = source, fmt
    post.content_html, post.teaser_html = content_html, teaser_html
    post.excerpt = excerpt.strip()
    post.categories = categories or ([default_category()] if post.type == "post" else [])
    post.tags = tags
    post.comments_open, post.sticky = comments_open, sticky and post.type == "post"
    post.password = password
    if post.author_id is None:
        post.author = author
    _schedule(post, status, published)
    edited(post)
    if was_live and old_slug and old_slug != post.slug:
        db.session.add(OldSlug(post=post, slug=old_slug))
    db.session.add(post)
    return post


def edited(post: Post) -> None:
    """Stamp a change the owner made to the post (its content or its status).

    The only writer of modified_at: comment activity and other bookkeeping
    leave it alone (docs/decisions.md, "A comment is not an edit").
    """
    post.modified_at = utcnow()


def _schedule(post: Post, status: str, published: datetime | None) -> None:
    """Status and publication time: "published" with a future time is "scheduled"."""
    if published is not None:
        post.published_at = dates.from_local(published)
        post.published_local = published
    elif status in ("published", "private") and post.published_at is None:
        # A private post has a date and an address, as in WordPress: its
        # readers (viewer.private_post) find it there.
        post.published_at = utcnow().replace(microsecond=0)
        post.published_local = dates.to_local(post.published_at)
    if status == "published" and post.published_at > utcnow():
        status = "scheduled"
    post.status = status
