"""The site's clock: local time for permalinks, archives and display."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from . import settings
from .settings.dateformat import format_date

# The years archives and dates in links may name: datetime's range, less one
# year so that "the end of this year" still exists.
MIN_YEAR, MAX_YEAR = 1, 9998


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.current().site_timezone)


def to_local(moment: datetime) -> datetime:
    """Naive wall-clock time in the site's timezone (WordPress's post_date)."""
    return moment.astimezone(site_zone()).replace(tzinfo=None)


def from_local(wall_clock: datetime) -> datetime:
    """The UTC instant of a wall-clock time in the site's timezone."""
    return wall_clock.replace(tzinfo=site_zone()).astimezone(UTC)


def long_date(moment: datetime) -> str:
    """"August 2, 2023" in the default date format (General settings)."""
    if moment.tzinfo is not None:
        moment = to_local(moment)
    return format_date(moment, settings.current().date_format)


def month_label(year: int, month: int) -> str:
    """"May 2024", as the Archives widget shows a month."""
    return f"{datetime(year, month, 1):%B %Y}"


def comment_date(moment: datetime) -> str:
    """"August 2, 2023 at 3:04 pm", as WordPress dates a comment."""
    local = to_local(moment)
    site = settings.current()
    return f"{format_date(local, site.date_format)} at {format_date(local, site.time_format)}"
