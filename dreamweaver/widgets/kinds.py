"""The kinds of widget the sidebar can hold, with WordPress's names and
labels: each one's options and their first values, the form that edits them
(its fields are named as the options), and the template that shows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import AnyOf, Length, NumberRange, ValidationError

from ..budget import InputTooSlow
from ..inputs import lines, one_line
from ..markup import to_html
from ..params import whole_number
from ..sanitize import TooComplex, clean_post

TITLE_MAX = 100
# A sidebar note, not an article: room for a few paragraphs and links.
TEXT_MAX = 10_000
POSTS_MAX = COMMENTS_MAX = 20
CATEGORIES_MAX = 50
TAGS_MAX = 100  # the tag cloud's query fetches this many once, each widget shows its share


class Number(IntegerField):
    """A whole number; anything else is read as no number, so the range check
    gives the one message that says what to enter."""

    def process_formdata(self, valuelist):
        self.data = whole_number(valuelist[0].strip(), 10**6) if valuelist else None


def _between(low: int, high: int, what: str) -> NumberRange:
    return NumberRange(low, high, f"Enter a number of {what} from {low} to {high}.")


class WidgetForm(FlaskForm):
    """What every widget has: a title (empty: no heading), and the revision of
    the list it was shown in, so a change made meanwhile is not overwritten."""

    revision = HiddenField()
    title = StringField("Title", filters=[one_line], validators=[
        Length(max=TITLE_MAX, message=f"A title is at most {TITLE_MAX} characters long.")])

    def options(self, keys) -> dict:
        """The options this form edits, as stored."""
        return {key: self[key].data for key in keys if key in self}


class RecentPostsForm(WidgetForm):
    number = Number("Number of posts to show", validators=[_between(1, POSTS_MAX, "posts")])


class RecentCommentsForm(WidgetForm):
    number = Number("Number of comments to show",
                    validators=[_between(1, COMMENTS_MAX, "comments")])


class ArchivesForm(WidgetForm):
    dropdown = BooleanField("Display as dropdown")
    count = BooleanField("Show post counts")


CATEGORY_DISPLAYS = {
    "top": "The most used, with counts, and every category behind \u201cAll categories\u201d",
    "list": "List",
    "dropdown": "Dropdown",
}


class CategoriesForm(WidgetForm):
    display = SelectField("Display", choices=list(CATEGORY_DISPLAYS.items()),
                          validate_choice=False, validators=[AnyOf(
                              CATEGORY_DISPLAYS, "Choose how to display the categories.")])
    number = Number("Number of most used categories",
                    validators=[_between(1, CATEGORIES_MAX, "categories")])
    count = BooleanField("Show post counts")


class TagCloudForm(WidgetForm):
    number = Number("Number of tags to show", validators=[_between(1, TAGS_MAX, "tags")])
    count = BooleanField("Show tag counts")


class TextForm(WidgetForm):
    text = TextAreaField("Content", description="Markdown, kept to what a post may hold.",
                         filters=[lines], validators=[Length(
                             max=TEXT_MAX, message=f"The text is at most {TEXT_MAX:,} characters.",
                         )])
    html = ""

    def validate_text(self, field):
        # Rendered and cleaned once, here: the sidebar shows the stored HTML as it is.
        try:
            self.html = clean_post(to_html(field.data or "", "markdown"))
        except (TooComplex, InputTooSlow) as error:
            raise ValidationError("This text holds too much markup for a widget: "
                                  "shorten or simplify it.") from error

    def options(self, keys) -> dict:
        return {**super().options(keys), "html": self.html}


@dataclass(frozen=True)
class Kind:
    type: str  # stored, and the first of its kind's HTML id ("recent-posts")
    label: str  # as WordPress names it
    form: type
    defaults: Mapping  # every option with its first value
    template: str

    def options(self, stored: Mapping) -> dict:
        """The widget's options: the defaults, overlaid by what was saved."""
        values = dict(self.defaults)
        values.update((key, value) for key, value in stored.items() if key in values)
        return values

    def stored(self, options: Mapping) -> dict:
        return {"type": self.type, **self.options(options)}

    def describe(self, options: Mapping) -> str:
        """One line for the history page: the kind, then each option by its label."""
        parts = []
        for key, value in self.options(options).items():
            unbound = getattr(self.form, key, None)
            if isinstance(unbound, UnboundField):
                parts.append(f"{unbound.args[0]}: {_shown(value)}")
        return f"{self.label} ({'; '.join(parts)})"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if not text:
        return "(none)"
    return text if len(text) <= 80 else text[:79] + "\u2026"


KINDS = {kind.type: kind for kind in (
    Kind("recent-posts", "Recent Posts", RecentPostsForm,
         {"title": "Recent Posts", "number": 5}, "site/_recent_posts.html"),
    Kind("recent-comments", "Recent Comments", RecentCommentsForm,
         {"title": "Recent Comments", "number": 5}, "site/_recent_comments.html"),
    Kind("archives", "Archives", ArchivesForm,
         {"title": "Archives", "dropdown": False, "count": False}, "site/_archives.html"),
    Kind("categories", "Categories", CategoriesForm,
         {"title": "Categories", "display": "top", "number": 10, "count": False},
         "site/_categories.html"),
    Kind("tag-cloud", "Tag Cloud", TagCloudForm,
         {"title": "Tags", "number": 45, "count": False}, "site/_tag_cloud.html"),
    Kind("search", "Search", WidgetForm, {"title": "Search"}, "site/_search_widget.html"),
    Kind("text", "Text", TextForm, {"title": "", "text": "", "html": ""},
         "site/_text_widget.html"),
    Kind("feed-links", "Feed links", WidgetForm, {"title": "Feeds"},
         "site/_feed_links_widget.html"),
)}


# The sidebar's list, as the settings group "widgets" stores it.
GROUP_NAME = "widgets"
KEY = "sidebar_widgets"
# Enough for any sidebar, and a bound on what one page renders.
MAX_WIDGETS = 30
DEFAULT_TYPES = ("recent-posts", "recent-comments", "archives", "categories")


def default_widgets() -> list[dict]:
    """The seed site's sidebar, as it always was."""
    return [KINDS[name].stored({}) for name in DEFAULT_TYPES]
