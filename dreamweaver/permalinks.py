"""The permalink format, in one place: /<yyyy>/<mm>/<dd>/<slug>/ for posts,
/<slug>/ for pages; how each is written and how each is found again."""

from datetime import date

import sqlalchemy as sa
from flask import abort, redirect, url_for

from .blog import queries
from .extensions import db
from .models import OldSlug, Post

PERMALINK = (
    "/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<int(fixed_digits=2):day>/<slug>/"
)


def _values(post) -> dict:
    if post.type == "page":
        return {"slug": post.slug}
    local = post.published_local
    return {"year": local.year, "month": local.month, "day": local.day, "slug": post.slug}


def address(post) -> tuple[str, dict]:
    """(endpoint, values) of the post's or page's permalink."""
    return ("blog.page" if post.type == "page" else "blog.post"), _values(post)


def post_url(post, **values) -> str:
    endpoint, own = address(post)
    return url_for(endpoint, **own, **values)


def comment_page_url(post, number: int, last: int, **values) -> str:
    """A page of the post's comments; the last one lives at the permalink itself."""
    if number >= last:
        return post_url(post, **values)
    return post_url(post, cpage=number, **values)


def comments_url(post) -> str:
    """Where the comment form posts: `<permalink>comments/`."""
    endpoint = "comments.create_on_page" if post.type == "page" else "comments.create"
    return url_for(endpoint, **_values(post))


def post_at(year: int, month: int, day: int, slug: str, follow: bool = True,
            lookup=queries.post_by_slug) -> Post:
    """The post at a permalink, or 404. With `follow`, a wrong date or an old slug
    redirects (301) to where the post lives now; without, the post is returned.
    `lookup` finds a visible post by slug (known_posts.visible_post for readers)."""
    try:
        date(year, month, day)
    except ValueError:
        abort(404)
    post = lookup(slug)
    if post is None:
        post = db.session.scalar(
            sa.select(Post).join(OldSlug).where(
                OldSlug.slug == slug, Post.type == "post", queries.is_visible()
            )
        )
        if post is None:
            abort(404)
        if follow:
            abort(redirect(post_url(post), 301))
    elif follow and post.published_local.date() != date(year, month, day):
        abort(redirect(post_url(post), 301))
    return post


def page_at(slug: str, follow: bool = True) -> Post:
    """The page at /<slug>/, or 404. With `follow`, a slug the page used to have
    (or the /<parent>/<child>/ path WordPress gave it) redirects (301) to it."""
    page = queries.page_by_slug(slug)
    if page is not None:
        return page
    if follow:
        moved = db.session.scalar(
            sa.select(Post).join(OldSlug).where(
                OldSlug.slug == slug, Post.type == "page", queries.is_visible()
            ).limit(1)
        )
        if moved is not None:
            abort(redirect(post_url(moved), 301))
    abort(404)
