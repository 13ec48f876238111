"""Numbers typed by readers (ids in query strings and hidden fields)."""

import re

from werkzeug.routing import BaseConverter

_DIGITS = re.compile(r"[0-9]{1,18}")  # ASCII only: "²".isdigit() is True in Python
# Ids are 32-bit INTEGER columns on PostgreSQL, which refuses larger numbers.
MAX_ID = 2**31 - 1


def whole_number(value: str | None, limit: int = MAX_ID) -> int | None:
    """`value` as a non-negative int if it is plain ASCII digits up to `limit`, else None."""
    if value is None or not _DIGITS.fullmatch(value) or int(value) > limit:
        return None
    return int(value)


class Segment(BaseConverter):
    """The default URL converter, minus control characters: a slug holding NUL
    (which PostgreSQL refuses) or any other control character is no page at
    all, so such URLs 404 before any query runs."""

    regex = r"[^/\x00-\x1f\x7f]+"


# A page slug is never all digits (slugs.is_reserved_page_slug): such a segment
# starts a date, and leaving it out keeps /<page path>/comments/ and the like
# from claiming a post's /<yyyy>/<mm>/<dd>/<slug>/comments/.
_PAGE_SEGMENT = r"(?![0-9]+/)[^/\x00-\x1f\x7f]+"


class PagePath(BaseConverter):
    """A page's address: its slug after its ancestors' (/<parent>/<child>/), as
    WordPress makes it; tried after every other rule."""

    regex = _PAGE_SEGMENT + "(?:/" + _PAGE_SEGMENT + ")*"
    part_isolating = False
    weight = 300

