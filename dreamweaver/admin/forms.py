"""Forms of the admin area (session CSRF, as Flask-WTF does by default)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    PasswordField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput

from ..comments.forms import EMAIL_RULES, NAME_RULES, TEXT_RULES, WEBSITE_RULES
from ..inputs import lines, one_line, website
from ..markup import SOURCE_MAX
from ..models import Category
from ..params import whole_number
from ..publishing import DEFAULT_CATEGORY
from ..slugs import slugify, unique_slug
from .checkbox_list import CheckboxList
from .queries import descendants

DEFAULT_SLUG = DEFAULT_CATEGORY[1]
NAME_MAX = 200
# Room for a "-<n>" suffix within the 200 characters of the slug column.
AUTO_SLUG_MAX = 190


def page_id(value) -> int | None:
    """A select's chosen id (the parent page, the featured image): None for
    none, -1 (no such row) for anything but an id."""
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
                                     option_widget=CheckboxInput(), widget=CheckboxList())
    tags = StringField("Tags", validators=[Length(max=1000)],
                       description="Separate tags with commas.")
    status = SelectField("Status", default="draft", choices=[
        SelectChoice("draft", "Draft"), SelectChoice("pending", "Pending review"),
        SelectChoice("private", "Private"),
        SelectChoice("published", "Published (or scheduled, with a future date)")])
    published = DateTimeLocalField("Publish on", format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                   description="Site time. A future time schedules the post; "
                                   "empty means now, when published.")
    # Shown as the post has it: a new post's from the Discussion settings (posts.post_new).
    comments_open = BooleanField("Allow comments")
    sticky = BooleanField("Stick to the top of the front page")
    password = StringField("Password", validators=[Length(max=255)],
                           description="Only readers who know it can read the post.")
    # Pages only. Choices are checked by publishing.save, which says why a
    # parent is refused (a loop, too deep) rather than "Not a valid choice".
    parent_id = SelectField("Parent page", coerce=page_id, validate_choice=False,
                            description="The page lives under its parent's address.")
    # The view sets the choices (the user's recent images and the current one)
    # and checks the id against what the user may use (admin/featured.py).
    featured_media_id = SelectField("Featured image", coerce=page_id, validate_choice=False,
                                    description="Shown with the post, in lists and "
                                    "when it is shared.")


class CategoryForm(FlaskForm):
    """Create or edit a category. `known` is every category, loaded once for the
    parent choices and for the checks that compare with the others."""

    name = StringField("Name", filters=[one_line], validators=[
        DataRequired("Enter a name."),
        Length(max=NAME_MAX, message=f"Keep the name to {NAME_MAX} characters or fewer.")])
    slug = StringField("Slug", filters=[one_line], validators=[
        Length(max=200, message="Keep the slug to 200 characters or fewer.")])
    parent = SelectField("Parent category", coerce=int, validate_choice=False, default=0)
    description = TextAreaField("Description", filters=[lines], validators=[
        Length(max=10_000, message="Keep the description to 10,000 characters or fewer.")])

    def __init__(self, known, category=None, **kwargs):
        if category is not None:
            kwargs.update(name=category.name, slug=category.slug,
                          description=category.description, parent=category.parent_id or 0)
        super().__init__(**kwargs)
        self.known, self.category = known, category
        own = category.id if category else None
        excluded = descendants(known, own) | {own} if own else set()
        self.parent.choices = [SelectChoice(0, "None")] + [
            SelectChoice(c.id, c.name) for c in known if c.id not in excluded]
        self.resolved_slug = None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        own = self.category.id if self.category else None
        ids = {c.id for c in self.known}
        parent = self.parent.data
        if self.parent.errors or (parent and parent not in ids):
            self.parent.errors = ["Choose a parent from the list."]
        elif parent and (parent == own or parent in descendants(self.known, own)):
            self.parent.errors.append(
                "A category cannot sit under itself or one of its subcategories.")
        if self.name.data and not (self.name.errors or self.parent.errors):
            self._check_name(own, parent or None)
        if not self.name.errors and not self.slug.errors:
            self._resolve_slug(own)
        return valid and not (self.name.errors or self.slug.errors or self.parent.errors)

    def _check_name(self, own, parent):
        key = self.name.data.casefold()
        if len(key) > NAME_MAX:  # casefold can lengthen a name ("ß" -> "ss")
            self.name.errors.append(f"Keep the name to {NAME_MAX} characters or fewer.")
        elif any(c.sort_key == key and c.parent_id == parent and c.id != own
                 for c in self.known):
            self.name.errors.append(f"A category named \u201c{self.name.data}\u201d already "
                                    "exists under that parent.")

    def _resolve_slug(self, own):
        if self.category is not None and self.category.slug == DEFAULT_SLUG:
            if self.slug.data and slugify(self.slug.data) != DEFAULT_SLUG:
                self.slug.errors.append(f"{self.category.name} keeps the slug "
                                        f"\u201c{DEFAULT_SLUG}\u201d: posts left without a "
                                        "category are filed under it.")
                return
            self.resolved_slug = DEFAULT_SLUG
        elif self.slug.data:
            slug = slugify(self.slug.data)
            if not slug:
                self.slug.errors.append("Use letters or digits in the slug.")
                return
            taken = next((c for c in self.known if c.slug == slug and c.id != own), None)
            if taken is not None:
                self.slug.errors.append(f"The slug \u201c{slug}\u201d is already used by "
                                        f"\u201c{taken.name}\u201d.")
                return
            self.resolved_slug = slug
        else:
            not_self = (Category.id != own,) if own else ()
            self.resolved_slug = unique_slug(
                Category.slug, slugify(self.name.data, AUTO_SLUG_MAX), *not_self)


class MergeForm(FlaskForm):
    into = SelectField("Merge into", coerce=int, validate_choice=False)

    def __init__(self, known, category, **kwargs):
        super().__init__(**kwargs)
        self.category = category
        self.into.choices = [SelectChoice(0, "Choose a category")] + [
            SelectChoice(c.id, c.name) for c in known if c.id != category.id]
        self.ids = {c.id for c in known}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.into.data not in self.ids or self.into.data == self.category.id:
            self.into.errors = ["Choose another category to merge into."]
        return valid and not self.into.errors


class DeleteForm(FlaskForm):
    """Deleting changes state: a POST with a CSRF token."""


class CommentSearchForm(FlaskForm):
    """The GET search over the list: nothing it changes, so no CSRF."""

    class Meta:
        csrf = False

    s = SearchField("Search comments", filters=[one_line], validators=[Length(max=200)])


class ModerationForm(FlaskForm):
    """One comment's action buttons: only the session CSRF token."""


class BulkForm(FlaskForm):
    # The view tells an unknown action or id (400) from a missing one (422).
    action = StringField("Bulk action")
    ids = SelectMultipleField(validate_choice=False)


def _not_blank(message: str):
    def check(form, field):
        if not field.data or not field.data.strip():
            raise ValidationError(message)
    return check


class CommentEditForm(FlaskForm):
    author = StringField("Name", filters=[one_line], validators=[
        InputRequired("Please enter a name."), *NAME_RULES])
    email = EmailField("Email", filters=[one_line], validators=[Optional(), *EMAIL_RULES])
    url = URLField("Website", filters=[website], validators=WEBSITE_RULES)
    comment = TextAreaField("Comment", validators=[
        InputRequired("Please type the comment."), _not_blank("Please type the comment."),
        *TEXT_RULES])


class ReplyForm(FlaskForm):
    comment = TextAreaField("Reply", validators=[
        InputRequired("Please type your reply."), _not_blank("Please type your reply."),
        *TEXT_RULES])


class MediaUploadForm(FlaskForm):
    """The upload's other fields; the files themselves are read by the view
    (request.files.getlist("files")), each judged by its own bytes."""

    alt = StringField("Alt text (for a single image)", filters=[one_line],
                      validators=[Length(max=1000)])


class MediaAltForm(FlaskForm):
    """Only the alt text: the field next to each image just uploaded."""

    alt = StringField("Alt text", filters=[one_line], validators=[Length(max=1000)],
                      description="What the image shows, for readers who cannot see it.")


class MediaEditForm(FlaskForm):
    alt = StringField("Alt text", filters=[one_line], validators=[Length(max=1000)],
                      description="What the image shows, for readers who cannot see it.")
    title = StringField("Title", filters=[one_line], validators=[Length(max=500)])
    caption = TextAreaField("Caption", filters=[lines], validators=[Length(max=2000)])
