"""What the sidebar, the menu and the list filters show, cached per content
generation (freshness.py): plain values, so any cache backend can hold them."""

from __future__ import annotations

from dataclasses import dataclass

from . import queries
from .freshness import cached
from .permalinks import post_url


@dataclass(frozen=True)
class Link:
    title: str
    url: str


def nav_pages() -> list[tuple[str, str]]:
    """(title, slug) of the published pages, for the menu."""
    return cached("nav-pages", lambda: [(title, slug) for _id, title, slug in queries.nav_pages()])


def recent_posts() -> list[Link]:
    return cached("recent-posts", lambda: [
        Link(post.title, post_url(post)) for post in queries.recent_posts()
    ])


def recent_comments() -> list[tuple[int, str, Link]]:
    return cached("recent-comments", lambda: [
        (comment_id, author, Link(post.title, post_url(post)))
        for comment_id, author, post in queries.recent_comments()
    ])


def archive_months() -> list[tuple[int, int]]:
    return cached("archive-months", queries.archive_months)


def category_counts() -> list[tuple[str, str, int]]:
    """(name, slug, posts) of every category with visible posts."""
    return cached("category-counts", lambda: [tuple(row) for row in queries.category_counts()])


def categories_in_use() -> list[tuple[str, str]]:
    return [(name, slug) for name, slug, _count in category_counts()]
