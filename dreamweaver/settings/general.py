"""General settings: the site's title, tagline, clock, date formats and footer."""

from __future__ import annotations

import functools
import re
import zoneinfo

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..budget import InputTooSlow
from ..inputs import lines, one_line
from ..sanitize import TooComplex, clean_comment_html
from . import dateformat
from .group import Group

TITLE_MAX = 200
TAGLINE_MAX = 300
FOOTER_MAX = 1000
# The footer's placeholders, filled in on every page (templating.footer_html).
YEAR, TITLE = "{year}", "{title}"


# In the zone database's folder but not places: the machine's own zone, and
# the database's placeholders.
NOT_ZONES = {"UTC", "localtime", "Factory", "posixrules", "posix", "right"}


@functools.cache
def timezones() -> tuple[str, ...]:
    """Every IANA zone this machine knows, UTC first (WordPress lists them the same way)."""
    return ("UTC", *sorted(zoneinfo.available_timezones() - NOT_ZONES))


def defaults(config) -> dict:
    return {
        "site_title": config["SITE_TITLE"],
        "site_tagline": config["SITE_TAGLINE"],
        "site_timezone": config["SITE_TIMEZONE"],
        "date_format": config["DATE_FORMAT"],
        "time_format": config["TIME_FORMAT"],
        # The theme's line as the seed site shows it, in HTML (&copy; as written).
        "footer_text": f"&copy; {YEAR} {TITLE} | Design: {config['THEME_NAME']}",
    }


def _date_format(form, field):
    try:
        dateformat.check(field.data or "")
    except dateformat.FormatError as error:
        raise ValidationError(str(error)) from error


# A tag of the cleaned footer: a placeholder filled in there would put text the
# sanitizer never saw into an attribute (a title such as "javascript:..." in href).
_TAG = re.compile(r"<[^>]*>")


def _footer(form, field):
    try:
        field.data = clean_comment_html(field.data or "")
    except (TooComplex, InputTooSlow) as error:
        raise ValidationError("This footer holds too much markup; keep it to a line of "
                              "text and links.") from error
    if any(YEAR in tag or TITLE in tag for tag in _TAG.findall(field.data)):
        raise ValidationError(f"Use {YEAR} and {TITLE} in the footer's text, not inside a "
                              "link's address or another tag.")


class GeneralForm(FlaskForm):
    site_title = StringField("Site title", filters=[one_line], validators=[
        # After the filter: a title of spaces or control characters is no title.
        DataRequired("Enter a title for the site."),
        Length(max=TITLE_MAX, message=f"A title is at most {TITLE_MAX} characters long.")])
    site_tagline = StringField("Tagline", filters=[one_line], validators=[
        Length(max=TAGLINE_MAX, message=f"A tagline is at most {TAGLINE_MAX} characters long.")])
    site_timezone = SelectField("Timezone", choices=[], validate_choice=False)
    date_format = StringField("Date format", filters=[one_line], validators=[_date_format])
    time_format = StringField("Time format", filters=[one_line], validators=[_date_format])
    footer_text = TextAreaField("Footer text", filters=[lines], validators=[
        Length(max=FOOTER_MAX, message=f"The footer is at most {FOOTER_MAX} characters long."),
        _footer])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_timezone.choices = timezones()

    def validate_site_timezone(self, field):
        if field.data not in timezones():
            raise ValidationError("Choose a timezone from the list, such as Europe/London.")


GROUP = Group("general", "General", defaults, GeneralForm, "admin/_settings_general.html")
