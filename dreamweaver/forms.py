"""Forms of the reader-facing pages."""

import re
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

from .params import whole_number


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


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST = re.compile(r"^(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+\.?$|^\[[0-9A-Fa-f:.]+\]$")
_URL_CHARS = re.compile(r"^[!#$%&'()*+,\-./0-9:;=?@A-Z\[\]_a-z~]+$")


def _website(value):
    """A website as WordPress takes it: "example.org" means "https://example.org"."""
    value = _text(value)
    if value and not _SCHEME.match(value):
        value = "https://" + value
    return value


def _http_url(form, field):
    """http(s) with a real host name, nothing but URL characters."""
    if not field.data:
        return
    message = "Enter a website address that starts with http:// or https://."
    if not _URL_CHARS.match(field.data):
        raise ValidationError(message)
    try:
        parts = urlsplit(field.data)
        host = parts.netloc.rpartition("@")[2].rsplit(":", 1)[0] if parts.netloc else ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValidationError(message) from None
    if parts.scheme.lower() not in ("http", "https") or not host or not _HOST.match(host):
        raise ValidationError(message)


def _comment_parent(form, field):
    if whole_number(field.data or "0") is None:
        raise ValidationError("The comment you are replying to is not available.")


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
        """The comment this one replies to; 0 for top level (and for nonsense)."""
        return whole_number(self.comment_parent.data or "0") or 0
