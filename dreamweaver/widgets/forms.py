"""The forms of /admin/widgets/: one per kind of widget, whose fields are
named as the options it stores, and the forms that change the list itself
(add, move, remove, reset). Each carries the revision of the list it was
shown with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
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


class ListForm(FlaskForm):
    """The revision of the list the form was shown with: a form from before
    another change is refused (widgets.sidebar.revision)."""

    revision = HiddenField()


class MoveForm(ListForm):
    direction = HiddenField(validators=[AnyOf(("up", "down"), "Move a widget up or down.")])


class WidgetForm(ListForm):
    """What every widget has: a title (empty: no heading)."""

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
    display = SelectField("Display", choices=[SelectChoice(value, label) for value, label
                                              in CATEGORY_DISPLAYS.items()],
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




class AddForm(ListForm):
    type = SelectField("Add a widget", choices=[], validate_choice=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = [SelectChoice(value, label) for value, label in kinds]

    def validate_type(self, field):
        if field.data not in {choice.value for choice in self.type.choices}:
            raise ValidationError("Choose a kind of widget from the list.")
