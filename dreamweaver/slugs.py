"""Slugs made by WordPress's rules (sanitize_title_with_dashes + wp_unique_*_slug)."""

import re

import sqlalchemy as sa
from unidecode import unidecode

from .extensions import db

# First segments of the URL map that a page slug must never take.
RESERVED = frozenset(
    {"admin", "author", "category", "comments", "feed", "page", "partials", "search",
     "static", "tag", "postpass", "sitemap-xml", "robots-txt", "wp-admin", "wp-content",
     "wp-includes", "wp-login-php"}
)



_COMMENT_PAGE = re.compile(r"comment-page-[0-9]+")


def is_reserved_page_slug(slug: str) -> bool:
    """A page at /<slug>/ would hide a route, or look like a year archive; under
    a parent, like one of the parent's comment pages."""
    return slug in RESERVED or slug.isdigit() or bool(_COMMENT_PAGE.fullmatch(slug))


_SEPARATORS = re.compile(r"[\s/.\u2013\u2014-]+")
_NOT_SLUG = re.compile(r"[^a-z0-9_-]")
_DASHES = re.compile(r"-{2,}")


def slugify(text: str, max_length: int = 200) -> str:
    """"Psychology & Spirituality" -> "psychology-spirituality"."""
    text = unidecode(text.replace("\x00", "")).lower()
    text = re.sub(r"&[a-z0-9#]+;", "", text)  # HTML entities, as WordPress drops them
    text = _SEPARATORS.sub("-", text)
    text = _NOT_SLUG.sub("", text)
    text = _DASHES.sub("-", text).strip("-")
    return text[:max_length].rstrip("-")


def unique_slug(column, base: str, *where, reserved=frozenset()) -> str:
    """The first of base, base-2, base-3 ... not taken in `column` (one query)."""
    base = base or "untitled"
    pattern = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
    taken_query = sa.select(column).where(
        sa.or_(column == base, column.like(pattern, escape="\\")), *where
    )
    taken = set(db.session.scalars(taken_query)) | set(reserved)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
