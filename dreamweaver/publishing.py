"""Writing posts and pages: the rules a save follows, in one place.

Slugs are WordPress's (unique per type, reserved words kept free for pages);
a published post whose slug changes keeps its old one as a redirect; a
published post with a future date is scheduled and shows at that time
without any job running; a post always has at least one category; a page
may sit under another page, never under itself or its own subpages and at
most MAX_PAGE_DEPTH levels down, and deleting it moves its children up.
"""

from datetime import datetime

import sqlalchemy as sa

from . import dates
from .blog import queries
from .extensions import db
from .markup import render, render_teaser
from .media import pictures
from .models import Category, OldSlug, Post, Tag, User, utcnow
from .permalinks import MAX_PAGE_DEPTH
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


class ParentRefused(ValueError):
    """A page cannot go under the parent asked for; the message says why."""


def page_parents() -> dict[int, int | None]:
    """id -> parent id of every page."""
    return {page_id: parent for page_id, _slug, parent in queries.page_tree()}


def ancestors(parents: dict[int, int | None], page_id: int | None) -> list[int]:
    """`page_id` and the pages above it, nearest first (a cycle, which no save
    makes, ends the walk)."""
    chain = []
    while page_id is not None and page_id in parents and page_id not in chain:
        chain.append(page_id)
        page_id = parents[page_id]
    return chain


def levels_below(parents: dict[int, int | None], page_id: int) -> int:
    """How many generations of subpages `page_id` has."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    level, generation, seen = 0, [page_id], {page_id}
    while True:
        generation = [c for p in generation for c in children.get(p, ()) if c not in seen]
        if not generation:
            return level
        seen.update(generation)
        level += 1


def settle(parents: dict[int, int | None]) -> list[tuple[int, str]]:
    """Make `parents` (id -> parent id, of every page) a tree within
    MAX_PAGE_DEPTH, as an import must take whatever a file says: a parent that
    is no page becomes none, a loop is cut at the page that closes it, and a
    page too deep goes under its ancestor at the deepest level allowed. Returns
    (page id, "missing" | "loop" | "deep") for each page changed. Linear in the
    number of pages, however long their chains."""
    changed, level, on_path = [], {}, set()
    for start in parents:
        path, node = [], start
        while node is not None and node not in level:
            if node not in parents:  # a parent that is no page
                parents[path[-1]] = node = None
                changed.append((path[-1], "missing"))
                break
            if node in on_path:  # the last page of the path closes a loop
                parents[path[-1]] = node = None
                changed.append((path[-1], "loop"))
                break
            path.append(node)
            on_path.add(node)
            node = parents[node]
        for node in reversed(path):
            on_path.discard(node)
            parent = parents[node]
            if parent is not None and level[parent] >= MAX_PAGE_DEPTH:
                parent = parents[node] = parents[parent]
                changed.append((node, "deep"))
            level[node] = 1 if parent is None else level[parent] + 1
    return changed


def parent_refusal(page: Post, parent_id: int | None) -> str | None:
    """Why `page` cannot sit under page `parent_id`; None when it can."""
    if parent_id is None:
        return None
    parents = page_parents()
    if parent_id not in parents:
        return "That parent page does not exist."
    above = ancestors(parents, parent_id)
    if page.id is not None and page.id in above:
        return "A page cannot be its own parent, nor sit under one of its own subpages."
    level = len(above) + 1 + (levels_below(parents, page.id) if page.id is not None else 0)
    if level > MAX_PAGE_DEPTH:
        return (f"Pages nest at most {MAX_PAGE_DEPTH} levels deep; under that parent "
                f"this page or its subpages would be {level} levels down.")
    return None


def delete(post: Post) -> None:
    """Delete `post` for good; a page's children move up to its parent, as
    WordPress moves them."""
    if post.type == "page":
        db.session.execute(
            sa.update(Post).where(Post.parent_id == post.id, Post.type == "page")
            .values(parent_id=post.parent_id).execution_options(synchronize_session="fetch"))
    db.session.delete(post)


def save(post: Post, *, author: User, title: str, slug: str, source: str, fmt: str,
         excerpt: str, categories: list[Category], tags: list[Tag], status: str,
         published: datetime | None, comments_open: bool, sticky: bool,
         password: str, parent_id: int | None = None,
         featured_media_id: int | None = None) -> Post:
    """Apply an edit to `post` (new or not) and add it to the session.

    `featured_media_id` is the featured image (None: none); which images a
    user may choose is the editor's check (admin/featured.py).

    Renders first: a source beyond the limits raises TooComplex (or the
    budget's InputTooSlow), and a parent the page cannot have ParentRefused,
    before anything about the post has changed.
    """
    parent_id = parent_id if post.type == "page" else None
    refusal = parent_refusal(post, parent_id)
    if refusal:
        raise ParentRefused(refusal)
    shown = render_post(source, fmt)
    was_live = post.id is not None and post.status in ("published", "scheduled")
    old_slug = post.slug
    post.title = title.strip()
    post.slug = post_slug(post, slug)
    post.source, post.format = source, fmt
    post.content_html, post.teaser_html = shown.content_html, shown.teaser_html
    post.media_used = shown.media
    post.excerpt = excerpt.strip()
    post.categories = categories or ([default_category()] if post.type == "post" else [])
    post.tags = tags
    post.comments_open, post.sticky = comments_open, sticky and post.type == "post"
    post.password = password
    post.parent_id = parent_id
    post.featured_media_id = featured_media_id
    if post.author_id is None:
        post.author = author
    _schedule(post, status, published)
    edited(post)
    if was_live and old_slug and old_slug != post.slug:
        db.session.add(OldSlug(post=post, slug=old_slug))
    db.session.add(post)
    return post


def render_post(source: str, fmt: str) -> pictures.Shown:
    """A post's stored HTML from its source: rendered and kept to the post
    policy (markup.py), then its images shown as the best variants that exist
    (media/pictures.py), with the media it uses. The one way every writer of
    posts (the editor, the importer, the demo, the tests' factory) makes it.
    Raises what render() raises."""
    return pictures.expand_post(render(source, fmt), render_teaser(source, fmt))


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
        # readers (reader.Reader.private_post) find it there.
        post.published_at = utcnow().replace(microsecond=0)
        post.published_local = dates.to_local(post.published_at)
    if status == "published" and post.published_at > utcnow():
        status = "scheduled"
    post.status = status
