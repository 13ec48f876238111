"""Field values of a WXR file, read defensively: every one may be missing or junk."""

from __future__ import annotations

from datetime import datetime


def clip(value: str | None, length: int) -> str:
    """`value` without NUL (which PostgreSQL refuses), cut to the column's length."""
    return (value or "").replace("\x00", "")[:length]


def when(value: str | None) -> datetime | None:
    """WordPress's "2011-01-02 03:04:05" (naive); None for a zero or unreadable date."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def number(value: str | None) -> int | None:
    """A positive id that fits our 32-bit id columns, else None."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def apply(row, values: dict) -> str:
    """Set what differs on `row`; "updated" if anything did, else "skipped"."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return "updated" if changed else "skipped"
