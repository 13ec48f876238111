"""The permalink format, in one place: /<yyyy>/<mm>/<dd>/<slug>/ for posts,
/<parent>/.../<slug>/ for pages (their ancestors' slugs, as WordPress makes
them); how each is written and how each is found again."""

from datetime import date

import sqlalchemy as sa
from flask import abort, g, redirect, url_for

from . import settings
from .blog import queries
from .caching import cached, generation
from .extensions import db
from .models import OLD_SLUG_LENGTH, OldSlug, Post

PERMALINK = (
    "/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<int(fixed_digits=2):day>/<slug>/"
)


# Levels of pages: a top-level page and four generations under it (docs/decisions.md).
MAX_PAGE_DEPTH = 5


def page_paths() -> dict[int, str]:
    """id -> "parent/child" of every page, cached per content generation and
    kept for the request. A session that has written reads them afresh: its
    changes have no generation yet."""
    session = db.session
    if session.info.get("content_changed") or session.new or session.dirty or session.deleted:
        return paths_of(queries.page_tree())
    number = generation()
    if g.get("page_paths", (None,))[0] != number:
        g.page_paths = number, cached("page-paths", lambda: paths_of(queries.page_tree()))
    return g.page_paths[1]


def paths_of(rows) -> dict[int, str]:
    """The paths of pages given as (id, slug, parent id) rows."""
    slugs, parents = {}, {}
    for page_id, slug, parent_id in rows:
        slugs[page_id], parents[page_id] = slug, parent_id
    paths = {}
    for page_id in slugs:
        chain, seen, step = [], set(), page_id
        # `seen` only guards the walk: saves and imports never make a cycle.
        while step in slugs and step not in seen and len(chain) < MAX_PAGE_DEPTH:
            seen.add(step)
            chain.append(slugs[step])
            step = parents[step]
        paths[page_id] = "/".join(reversed(chain))
    return paths


def page_path(page) -> str:
    """Where `page` lives, below the site's root and without slashes around it."""
    return (page.id is not None and page_paths().get(page.id)) or page.slug


def _values(post) -> dict:
    if post.type == "page":
        return {"path": page_path(post)}
    local = post.published_local
    return {"year": local.year, "month": local.month, "day": local.day, "slug": post.slug}


def address(post) -> tuple[str, dict]:
    """(endpoint, values) of the post's or page's permalink."""
    return ("blog.page" if post.type == "page" else "blog.post"), _values(post)


def post_url(post, **values) -> str:
    endpoint, own = address(post)
    return url_for(endpoint, **own, **values)


def default_comment_page(last: int) -> int:
    """Which of a post's comment pages (1 to `last`) its permalink shows: the
    last, or the first when the owner chose "oldest" (as WordPress's
    default_comments_page)."""
    return 1 if settings.current().default_comments_page == "oldest" else last


def comment_page_url(post, number: int, last: int, **values) -> str:
    """A page of the post's comments; the one shown by default lives at the
    permalink itself."""
    if number == default_comment_page(last) or number > last:
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
    `lookup` finds a visible post by slug (blog/lookup.visible_post for readers)."""
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


def page_at(path: str, follow: bool = True, lookup=queries.page_by_slug, **values) -> Post:
    """The page at /<path>/, or 404. Its last segment names the page (page slugs
    are unique). With `follow`, any other path to it (a child page's flat
    /<slug>/ included) and a slug it used to have redirect (301) to its address,
    with `values` (a comment page); without, the page is returned, as post_at
    does. `lookup` finds a page readers may see by slug."""
    segments = path.split("/")
    if len(segments) > MAX_PAGE_DEPTH or len(path) > MAX_PAGE_DEPTH * (OLD_SLUG_LENGTH + 1):
        abort(404)
    page = lookup(segments[-1])
    if page is not None and (not follow or page_path(page) == path):
        return page
    if page is None:
        page = db.session.scalar(
            sa.select(Post).join(OldSlug).where(
                # The whole path too: imports made before pages had parents kept
                # WordPress's /<parent>/<child>/ as an old slug of the child.
                OldSlug.slug.in_((segments[-1], path)), Post.type == "page",
                queries.is_visible(),
            ).order_by(OldSlug.id).limit(1)
        )
        if page is None or not follow:
            abort(404)
    abort(redirect(post_url(page, **values), 301))
