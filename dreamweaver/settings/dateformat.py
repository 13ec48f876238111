"""Dates written in WordPress's date and time formats ("F j, Y", "g:i a"), the
PHP date() characters an owner moving from WordPress already knows.

A format is compiled once into a list of parts, so formatting every date of a
listing costs a few list lookups. A backslash makes the next character
literal, as in PHP; every other character that is not a format character is
written as it is.
"""

from __future__ import annotations

import calendar
import functools
from datetime import datetime

MAX_LENGTH = 60


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _hour12(moment: datetime) -> int:
    return moment.hour % 12 or 12


def _offset(moment: datetime, colon: bool) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return "+00:00" if colon else "+0000"
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{minutes:02d}"


# PHP's date() characters that make sense on a blog (no Swatch beat time).
CHARACTERS = {
    "d": lambda m: f"{m.day:02d}",
    "D": lambda m: calendar.day_abbr[m.weekday()],
    "j": lambda m: str(m.day),
    "l": lambda m: calendar.day_name[m.weekday()],
    "N": lambda m: str(m.isoweekday()),
    "S": lambda m: _ordinal(m.day),
    "w": lambda m: str(m.isoweekday() % 7),
    "z": lambda m: str(m.timetuple().tm_yday - 1),
    "W": lambda m: f"{m.isocalendar()[1]:02d}",
    "F": lambda m: calendar.month_name[m.month],
    "m": lambda m: f"{m.month:02d}",
    "M": lambda m: calendar.month_abbr[m.month],
    "n": lambda m: str(m.month),
    "t": lambda m: str(calendar.monthrange(m.year, m.month)[1]),
    "L": lambda m: "1" if calendar.isleap(m.year) else "0",
    "o": lambda m: str(m.isocalendar()[0]),
    "Y": lambda m: str(m.year),
    "y": lambda m: f"{m.year % 100:02d}",
    "a": lambda m: "am" if m.hour < 12 else "pm",
    "A": lambda m: "AM" if m.hour < 12 else "PM",
    "g": lambda m: str(_hour12(m)),
    "G": lambda m: str(m.hour),
    "h": lambda m: f"{_hour12(m):02d}",
    "H": lambda m: f"{m.hour:02d}",
    "i": lambda m: f"{m.minute:02d}",
    "s": lambda m: f"{m.second:02d}",
    "v": lambda m: f"{m.microsecond // 1000:03d}",
    "u": lambda m: f"{m.microsecond:06d}",
    "e": lambda m: str(m.tzinfo or "UTC"),
    "T": lambda m: m.tzname() or "UTC",
    "P": lambda m: _offset(m, colon=True),
    "O": lambda m: _offset(m, colon=False),
    "c": lambda m: m.isoformat(timespec="seconds"),
    "r": lambda m: m.strftime("%a, %d %b %Y %H:%M:%S ") + _offset(m, colon=False),
    "U": lambda m: str(int(m.timestamp())),
}


class FormatError(ValueError):
    """A format that cannot be used, with the reason in words."""


@functools.lru_cache(maxsize=64)
def compile_format(text: str) -> tuple:
    """The format's parts: strings written as they are, and callables."""
    parts: list = []
    escaped = False
    for char in text:
        if escaped:
            parts.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append(CHARACTERS.get(char, char))
    return tuple(parts)


def format_date(moment: datetime, text: str) -> str:
    return "".join(part if isinstance(part, str) else part(moment)
                   for part in compile_format(text))


def check(text: str) -> None:
    """Raise FormatError for a format that cannot show a date."""
    if not text.strip():
        raise FormatError("Enter a format, such as F j, Y.")
    if len(text) > MAX_LENGTH:
        raise FormatError(f"A format is at most {MAX_LENGTH} characters long.")
    if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in text):
        raise FormatError("A format cannot hold control characters.")
    if (len(text) - len(text.rstrip("\\"))) % 2:
        raise FormatError("A backslash must be followed by the character it makes literal.")
    if not any(callable(part) for part in compile_format(text)):
        raise FormatError("This format shows no part of the date: use characters such as "
                          "d, j, F, m, M, n, Y or y (for times: g, G, h, H, i, a).")
