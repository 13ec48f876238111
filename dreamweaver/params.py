"""Numbers typed by readers (ids in query strings and hidden fields)."""

import re

_DIGITS = re.compile(r"[0-9]{1,18}")  # ASCII only: "²".isdigit() is True in Python


def whole_number(value: str | None) -> int | None:
    """`value` as a non-negative int if it is plain ASCII digits (at most 18), else None."""
    if value is None or not _DIGITS.fullmatch(value):
        return None
    return int(value)
