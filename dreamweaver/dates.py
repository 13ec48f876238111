"""The site's clock: local time for permalinks, archives and display."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

# The years archives and dates in links may name: datetime's range, less one
# year so that "the end of this year" still exists.
MIN_YEAR, MAX_YEAR = 1, 9998


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SITE_TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    """Naive wall-clock time in the site's timezone (WordPress's post_date)."""
    return moment.astimezone(site_zone()).replace(tzinfo=None)


def from_local(wall_clock: datetime) -> datetime:
    """The UTC instant of a wall-clock time in the site's timezone."""
    return wall_clock.replace(tzinfo=site_zone()).astimezone(UTC)


def long_date(moment: datetime) -> str:
    """"August 2, 2023", WordPress's default date format."""
    if moment.tzinfo is not None:
        moment = to_local(moment)
    return f"{moment:%B} {moment.day}, {moment.year}"


def month_label(year: int, month: int) -> str:
    """"May 2024", as the Archives widget shows a month."""
    return f"{datetime(year, month, 1):%B %Y}"


def comment_date(moment: datetime) -> str:
    """"August 2, 2023 at 3:04 pm", as WordPress dates a comment."""
    local = to_local(moment)
    hour = local.hour % 12 or 12
    return f"{long_date(local)} at {hour}:{local:%M} {'am' if local.hour < 12 else 'pm'}"
