"""Forms of the reader-facing pages."""

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SearchField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError


class PostPasswordForm(FlaskForm):
    """WordPress's post-password form. No session CSRF token: the page must stay
    cookie-free and cacheable; the view checks that the post is same-origin."""

    class Meta:
        csrf = False

    post_password = PasswordField(
        "Password:", validators=[InputRequired("Enter the password."), Length(max=255)]
    )


class SearchForm(FlaskForm):
    """The GET search form (`/?s=`): no CSRF, nothing it changes."""

    class Meta:
        csrf = False

    s = SearchField("Search for:", validators=[Length(max=10_000)])


def _text(value):
    """Plain one-line text: control characters and surrounding space dropped."""
    if value is None:
        return value
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f").strip()


def _website(value):
    """A website as WordPress takes it: "example.org" means "https://example.org"."""
    value = _text(value)
    if value and "://" not in value:
        value = "https://" + value
    return value


def _http_url(form, field):
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in field.data:
        raise ValidationError("Enter a website address that starts with http:// or https://.")


def _comment_parent(form, field):
    if not (field.data or "0").isdigit() or len(field.data or "") > 18:
        raise ValidationError("The comment you are replying to is not valid.")


class CommentForm(FlaskForm):
    """WordPress's comment form, field for field. Its `csrf_token` is the stateless
    token of comment_token.py, checked by the view, not Flask-WTF's session one."""

    class Meta:
        csrf = False

    comment = TextAreaField("Comment", validators=[
        InputRequired("Please type your comment."),
        Length(max=65525, message="Comments are limited to 65,525 characters."),
    ])
    author = StringField("Name", filters=[_text], validators=[
        InputRequired("Please enter your name."),
        Length(max=245, message="Names are limited to 245 characters."),
    ])
    email = EmailField("Email", filters=[_text], validators=[
        InputRequired("Please enter your email address."),
        Length(max=100, message="Email addresses are limited to 100 characters."),
        Email("Please enter a valid email address."),
    ])
    url = URLField("Website", filters=[_website], validators=[
        Optional(),
        Length(max=200, message="Website addresses are limited to 200 characters."),
        _http_url,
    ])
    cookies_consent = BooleanField(
        "Save my name, email, and website in this browser for the next time I comment."
    )
    comment_parent = HiddenField(default="0", validators=[_comment_parent])
    csrf_token = HiddenField()
    # The honeypot: hidden from people by CSS and from assistive technology by
    # aria-hidden; a bot that fills every field fills this one.
    subject = StringField("Leave this field empty")

    def validate_comment(self, field):
        if not field.data or not field.data.strip():
            raise ValidationError("Please type your comment.")

    @property
    def parent_id(self) -> int:
        return int(self.comment_parent.data or 0)
