"""What the sidebar, the menu and the list filters show, cached per content
generation (caching): plain values, so any cache backend can hold them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

from ..caching import cached
from ..comments.discussion import comment_links
from ..dates import month_label
from ..permalinks import paths_of, post_url
from . import queries
from .front import static_front


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    path: str  # the page's, as its route names it: what marks it current
    children: tuple[MenuItem, ...] = ()


def nav_pages() -> list[MenuItem]:
    """The menu: the published pages by title, each top-level one with its
    descendants (depth first, by title) in one submenu under it."""
    # Not "nav-pages": a shared cache may still hold that key's older shape.
    return cached("nav-menu", _menu)


def _menu() -> list[MenuItem]:
    rows = queries.nav_pages()
    shown = {row.id: (row.title, row.parent_id) for row in rows if row.shown}
    every_parent = {row.id: row.parent_id for row in rows}
    paths = paths_of((row.id, row.slug, row.parent_id) for row in rows)
    children: dict[int | None, list[int]] = {}
    for page_id in shown:  # by title, as the query gives them
        # Under its nearest shown ancestor: a draft or trashed parent gives way.
        parent, seen = shown[page_id][1], {page_id}
        while parent is not None and parent not in shown and parent not in seen:
            seen.add(parent)
            parent = every_parent.get(parent)
        children.setdefault(parent if parent in shown else None, []).append(page_id)

    front = static_front()
    home = front.page.id if front else None

    def item(page_id: int, below=()) -> MenuItem:
        path = paths.get(page_id, "")
        # The static front page is linked where it is shown: / (its own address redirects).
        url = url_for("blog.index") if page_id == home else url_for("blog.page", path=path)
        return MenuItem(shown[page_id][0], url, path, tuple(below))

    def descendants(page_id: int) -> list[MenuItem]:
        found = []
        for child in children.get(page_id, ()):
            found.append(item(child))
            found += descendants(child)
        return found

    return [item(page_id, descendants(page_id)) for page_id in children.get(None, ())]


def recent_posts(number: int = 5) -> list[Link]:
    return cached(f"recent-posts:{number}", lambda: [
        Link(post.title, post_url(post)) for post in queries.recent_posts(number)
    ])


@dataclass(frozen=True)
class RecentComment:
    author: str
    author_url: str  # the commenter's website, as stored; the template links only http(s)
    link: Link  # the post's title, to the comment


def recent_comments(number: int = 5) -> list[RecentComment]:
    """The latest comments: who wrote them, and a link to each."""
    # A new key for each new shape: a shared cache may still hold the older ones.
    return cached(f"recent-comments-by:{number}", lambda: _recent_comments(number))


def _recent_comments(number: int) -> list[RecentComment]:
    rows = queries.recent_comments(number)
    urls = comment_links((comment_id, post) for comment_id, _, _, post in rows)
    return [RecentComment(author, author_url, Link(post.title, url))
            for (_, author, author_url, post), url in zip(rows, urls, strict=True)]


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    label: str  # "November 2026"
    value: str  # "202611", WordPress's ?m=
    url: str


@dataclass(frozen=True)
class CategoryLink:
    name: str
    slug: str
    count: int
    url: str


# Labels and URLs are made once per generation, not on every page: the sidebar
# lists every month and category, and building ~250 URLs per request cost more
# than the rest of the page.
def archive_months() -> list[Month]:
    return cached("archive-months", lambda: [
        Month(year, month, month_label(year, month), f"{year:04d}{month:02d}",
              url_for("blog.month", year=year, month=month))
        for year, month in queries.archive_months()
    ])


def month_counts() -> dict[tuple[int, int], int]:
    """Visible posts in each (year, month), for an Archives widget with counts."""
    return cached("month-counts", queries.month_counts)


def category_counts() -> list[CategoryLink]:
    """Every category with visible posts, with their number."""
    return cached("category-counts", lambda: [
        CategoryLink(name, slug, count, url_for("blog.category", slug=slug))
        for name, slug, count in queries.category_counts()
    ])


# The Categories widget's short form: the seed site files its posts under 137
# categories, and listing them all made every page metres long.
TOP_CATEGORIES = 10


def top_categories(current: str | None = None, limit: int = TOP_CATEGORIES) -> list[CategoryLink]:
    """The `limit` categories with the most posts (ties: the first in the list),
    and the `current` one (a slug) wherever it ranks, kept in the list's own
    order; every category when there are no more."""
    everything = category_counts()
    if len(everything) <= limit:
        return everything
    # sorted() is stable: among equal counts the one listed first wins.
    busiest = set(sorted(range(len(everything)), key=lambda i: -everything[i].count)[:limit])
    return [category for i, category in enumerate(everything)
            if i in busiest or category.slug == current]


@dataclass(frozen=True)
class TagLink:
    name: str
    count: int
    url: str
    size: int  # 1 (the fewest posts) to TAG_SIZES (the most)


# The Tag Cloud's steps of size (site.css): WordPress scales linearly from the
# least used tag shown to the most used; so do we, in steps a stylesheet can
# name (the CSP allows no style attributes).
TAG_SIZES = 5
# Fetched once per generation for every Tag Cloud, whatever its number: each
# takes the share it shows (the widget's form allows no more).
TAG_CLOUD_MAX = 100


def tag_cloud(number: int = 45) -> list[TagLink]:
    """The `number` most used tags, by name, each sized by its posts."""
    busiest = cached("tag-counts", lambda: [
        (name, count, url_for("blog.tag", slug=slug))
        for name, slug, count in queries.tag_counts(TAG_CLOUD_MAX)
    ])[:number]
    if not busiest:
        return []
    least, most = min(row[1] for row in busiest), max(row[1] for row in busiest)
    spread = max(most - least, 1)
    return [TagLink(name, count, url, 1 + round((count - least) * (TAG_SIZES - 1) / spread))
            for name, count, url in sorted(busiest, key=lambda row: (row[0].casefold(), row[0]))]


def sidebar_selection() -> str:
    """What the sidebar marks as current (a month or a category): its cache key."""
    here = request.view_args or {}
    if request.endpoint == "blog.month":
        return f"month:{here.get('year')}-{here.get('month')}"
    if request.endpoint == "blog.category":
        return f"category:{here.get('slug')}"
    return ""


def header_selection() -> str | None:
    """What the banner marks as current (Home, a page, a category or a tag in
    the menu): its cache key; None when it shows the reader's own search words."""
    if request.endpoint == "blog.index":
        return None if "s" in request.args else "home"
    here = request.view_args or {}
    if request.endpoint == "blog.page":
        return "page:" + here.get("path", "")
    # A saved menu may link to archives too (menus/items.py marks them).
    if request.endpoint in ("blog.category", "blog.tag"):
        return f"{request.endpoint[5:]}:{here.get('slug', '')}"
    return ""
