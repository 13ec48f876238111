"""WordPress's plain links (`/?cat=5`, `/?m=202402`, `/?feed=rss2`, ...) as the
pretty addresses they name, so old links, bookmarks and feed subscriptions keep
working. The filter forms on listings use the same names (`cat`, `m`)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort

from ..dates import MAX_YEAR, MIN_YEAR
from ..extensions import db
from ..inputs import plain_text
from ..models import Category, ImportedMedia, ImportedPost, Media, Post, Tag
from ..params import whole_number
from ..permalinks import address
from . import queries

# WordPress's public query vars that name an address here; `s` (search) is
# answered where it is asked, and anything else is not WordPress's to map.
QUERY_VARS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "author_name", "m", "year",
              "monthnum", "day", "feed", "paged")
POST_FEEDS = {"rss2": "feeds.posts", "rss": "feeds.posts", "rdf": "feeds.posts",
              "atom": "feeds.atom", "comments-rss2": "feeds.comments"}
# A category's, tag's or author's feed is RSS 2.0 whichever format was asked:
# a feed reader reads either, and an old subscription keeps working.
TERM_FEEDS = ("rss2", "rss", "rdf", "atom")

Target = tuple[str, dict]


def target(args, page: int = 1) -> Target | None:
    """(endpoint, values) of the address WordPress's query vars in `args` name,
    or None when they hold none (the home page, or a search). 404 when they name
    nothing: an unknown id or slug, a malformed number, a date that never was.
    `page` is the listing page the path asked for (`/page/2/?cat=5`)."""
    if "p" in args or "page_id" in args:
        return _post(args.get("p") or args.get("page_id") or "", args.get("feed"))
    if "attachment_id" in args:
        return _attachment(args["attachment_id"])
    if "s" in args or not any(name in args for name in QUERY_VARS):
        return None
    given = {name: args[name] for name in QUERY_VARS if args.get(name)}
    if any(plain_text(value) is None for value in given.values()):
        abort(404)
    feed = given.pop("feed", None)
    if "paged" in given:
        page = max(_number(given.pop("paged")), 1)  # WordPress reads paged=0 as 1
    archive = _archive(given)
    if feed is None:
        return archive[0], {**archive[1], "page": page}
    if archive[0] == "blog.index":
        return POST_FEEDS.get(feed) or abort(404), {}
    if archive[0] not in ("blog.category", "blog.tag", "blog.author") or feed not in TERM_FEEDS:
        abort(404)  # no feed of dates or of comments by term here
    return archive[0].replace("blog.", "feeds."), archive[1]


def _number(value: str) -> int:
    number = whole_number(value)
    return abort(404) if number is None else number


def _archive(given: dict) -> Target:
    """The listing the vars name: a term, an author, a date, else the home page."""
    if "cat" in given:
        return "blog.category", {"slug": _category_slug(given["cat"])}
    if "tag" in given:
        found = db.session.scalar(sa.select(Tag.slug).where(Tag.slug == given["tag"]))
        return "blog.tag", {"slug": found or abort(404)}
    if "author" in given or "author_name" in given:
        user_id = whole_number(given.get("author", ""))
        if "author" in given and user_id is None:
            abort(404)
        found = queries.public_author(given.get("author_name"), user_id=user_id)
        return "blog.author", {"slug": (found or abort(404)).slug}
    if "m" in given:
        value = given["m"]
        if whole_number(value) is None or len(value) not in (4, 6, 8):
            abort(404)
        return _date(value[:4], value[4:6] or None, value[6:8] or None)
    if "year" in given or "monthnum" in given or "day" in given:
        if "year" not in given or ("day" in given and "monthnum" not in given):
            abort(404)
        return _date(given["year"], given.get("monthnum"), given.get("day"))
    return "blog.index", {}


def _category_slug(value: str) -> str:
    """The filter form sends a slug, WordPress's links an id: a slug wins, as a
    category may be named "2024"."""
    slug = db.session.scalar(sa.select(Category.slug).where(Category.slug == value))
    if slug is None and whole_number(value) is not None:
        slug = db.session.scalar(sa.select(Category.slug).where(Category.id == int(value)))
    return slug or abort(404)


def _date(year: str, month: str | None, day: str | None) -> Target:
    """A year, month or day archive; 404 for a date that does not exist."""
    numbers = [_number(part) for part in (year, month, day) if part is not None]
    try:
        date(numbers[0], *(numbers[1:] + [1, 1])[:2])
    except (ValueError, OverflowError):
        abort(404)
    if not MIN_YEAR <= numbers[0] <= MAX_YEAR:
        abort(404)
    endpoint = ("blog.year", "blog.month", "blog.day")[len(numbers) - 1]
    return endpoint, dict(zip(("year", "month", "day"), numbers, strict=False))


def _post(post_id: str, feed: str | None) -> Target:
    """`/?p=123`, `/?page_id=2`: the post or page, or with `feed` its comments' feed.
    An imported post given a new id (its WordPress id was taken here) is still
    reached by it, while nothing here answers to that id."""
    number = _number(post_id)
    found = db.session.scalar(sa.select(Post).where(Post.id == number, queries.is_visible()))
    if found is None:
        found = db.session.scalar(
            sa.select(Post).join(ImportedPost, ImportedPost.post_id == Post.id)
            .where(ImportedPost.wp_id == number, queries.is_visible())
            .order_by(Post.id).limit(1))
    if found is None:
        abort(404)
    endpoint, values = address(found)
    if not feed:
        return endpoint, values
    if feed not in TERM_FEEDS and feed != "comments-rss2":
        abort(404)
    return ("feeds.page_comments" if found.type == "page" else "feeds.post_comments"), values


def _attachment(wp_id: str) -> Target:
    """`/?attachment_id=123`: WordPress's page of an upload; here the file an
    import made of it (ImportedMedia), as there is no page around an image."""
    number = _number(wp_id)
    key = db.session.scalar(
        sa.select(Media.key).join(ImportedMedia, ImportedMedia.media_id == Media.id)
        .where(ImportedMedia.wp_id == number).order_by(Media.id).limit(1))
    return "media.file", {"key": key or abort(404)}
