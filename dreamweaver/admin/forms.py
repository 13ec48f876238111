"""Forms of the admin area (session CSRF, as Flask-WTF does by default)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..markup import SOURCE_MAX
from ..params import whole_number


def page_id(value) -> int | None:
    """The parent select's value: None for none, -1 (no page) for anything but an id."""
    if value in (None, ""):
        return None
    number = whole_number(str(value))
    return -1 if number is None else number


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired("Enter your user name."),
                                                   Length(max=60)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password."),
                                                     Length(max=1024)])


class LogoutForm(FlaskForm):
    """Logging out changes state: a POST with a CSRF token, never a GET link."""


class SignOutEverywhereForm(FlaskForm):
    """Ends the account's sessions in every other browser: a POST with a CSRF token."""


class PostForm(FlaskForm):
    """A post or a page: what the owner writes."""

    title = StringField("Title", validators=[InputRequired("Give it a title."), Length(max=500)])
    slug = StringField("Slug", validators=[Length(max=200)],
                       description="Part of the address; made from the title when empty.")
    source = TextAreaField("Content", validators=[
        Length(max=SOURCE_MAX, message=f"Posts are limited to {SOURCE_MAX:,} characters.")])
    format = SelectField("Format", choices=[SelectChoice("markdown", "Markdown"),
                                            SelectChoice("html", "HTML")],
                         default="markdown")
    excerpt = TextAreaField("Excerpt", validators=[Length(max=5000)],
                            description="Shown in lists; the first 55 words when empty.")
    categories = SelectMultipleField("Categories", coerce=int, validate_choice=True,
                                     option_widget=CheckboxInput(), widget=ListWidget())
    tags = StringField("Tags", validators=[Length(max=1000)],
                       description="Separate tags with commas.")
    status = SelectField("Status", default="draft", choices=[
        SelectChoice("draft", "Draft"), SelectChoice("pending", "Pending review"),
        SelectChoice("private", "Private"),
        SelectChoice("published", "Published (or scheduled, with a future date)")])
    published = DateTimeLocalField("Publish on", format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                   description="Site time. A future time schedules the post; "
                                   "empty means now, when published.")
    comments_open = BooleanField("Allow comments", default=True)
    sticky = BooleanField("Stick to the top of the front page")
    password = StringField("Password", validators=[Length(max=255)],
                           description="Only readers who know it can read the post.")
    # Pages only. Choices are checked by publishing.save, which says why a
    # parent is refused (a loop, too deep) rather than "Not a valid choice".
    parent_id = SelectField("Parent page", coerce=page_id, validate_choice=False,
                            description="The page lives under its parent's address.")
