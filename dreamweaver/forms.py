"""Forms of the reader-facing pages."""

import re
from urllib.parse import unquote_to_bytes, urlsplit

from flask import request
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
from .sanitize import TooComplex, check_comment


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


def one_line(value):
    """Plain one-line text: control characters and surrounding space dropped."""
    if value is None:
        return value
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f").strip()


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST = re.compile(r"^(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+\.?$|^\[[0-9A-Fa-f:.]+\]$")
_URL_CHARS = re.compile(r"^[!#$%&'()*+,\-./0-9:;=?@A-Z\[\]_a-z~]+$")


def website(value):
    """A website as WordPress takes it: "example.org" means "https://example.org"."""
    value = one_line(value)
    if value and not _SCHEME.match(value):
        value = "https://" + value
    return value


def is_http_url(value: str) -> bool:
    """http(s) with a real host name, nothing but URL characters: the one rule
    for a commenter's website, whether typed in a form or imported."""
    if not _URL_CHARS.match(value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.netloc.rpartition("@")[2].rsplit(":", 1)[0] if parts.netloc else ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host) and bool(_HOST.match(host))


def http_url(form, field):
    if field.data and not is_http_url(field.data):
        raise ValidationError("Enter a website address that starts with http:// or https://.")


# Unicode's control characters (category Cc) but tab and line breaks. Nobody
# types them, they are invisible in a form, and PostgreSQL refuses NUL; a reader
# who pasted some is told, rather than having the text changed behind their back.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = ("This holds invisible control characters, which are not allowed. They "
                   "have been taken out here: check the text and send it again.")
NOT_UTF8_MESSAGE = ("Your comment could not be read: the text sent is not valid UTF-8. "
                    "Please send it again from the form.")


def has_control_characters(value: str) -> bool:
    return _CONTROL.search(value) is not None


def form_is_utf8() -> bool:
    """Whether the posted form is valid UTF-8 once percent-decoded.

    Werkzeug keeps undecodable percent escapes as text ("%ff" is read as
    "%FF") and drops the fields of a body with raw invalid bytes, so such a
    post would be stored as something else or refused for the wrong reason.
    Reading the body here leaves it cached for the form parser.
    """
    body = request.get_data()
    if request.mimetype == "application/x-www-form-urlencoded":
        body = unquote_to_bytes(body)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def comment_within_limits(form, field):
    """The sanitizer's limits, checked with the other fields so the form shows why."""
    if field.data:
        try:
            check_comment(field.data)
        except TooComplex as error:
            raise ValidationError(str(error)) from None


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
        comment_within_limits,
    ])
    author = StringField("Name", filters=[one_line], validators=[
        InputRequired("Please enter your name."),
        Length(max=245, message="Names are limited to 245 characters."),
    ])
    email = EmailField("Email", filters=[one_line], validators=[
        InputRequired("Please enter your email address."),
        Length(max=100, message="Email addresses are limited to 100 characters."),
        Email("Please enter a valid email address."),
    ])
    url = URLField("Website", filters=[website], validators=[
        Optional(),
        Length(max=200, message="Website addresses are limited to 200 characters."),
        http_url,
    ])
    cookies_consent = BooleanField(
        "Save my name, email, and website in this browser for the next time I comment."
    )
    comment_parent = HiddenField(default="0", validators=[_comment_parent])
    csrf_token = HiddenField()
    # The honeypot: hidden from people by CSS and from assistive technology by
    # aria-hidden; a bot that fills every field fills this one.
    subject = StringField("Leave this field empty")

    def validate(self, extra_validators=None):
        """The fields' own rules, then no control characters in anything sent:
        checked on the raw values, before the filters tidied them. Such a
        field shows only that message, and its text without them."""
        valid = super().validate(extra_validators)
        for field in self:
            if any(has_control_characters(value) for value in field.raw_data or ()
                   if isinstance(value, str)):
                field.errors = [CONTROL_MESSAGE]
                if isinstance(field.data, str):
                    field.data = _CONTROL.sub("", field.data)
                valid = False
        return valid

    def validate_comment(self, field):
        if not field.data or not field.data.strip():
            raise ValidationError("Please type your comment.")

    @property
    def parent_id(self) -> int:
        """The comment this one replies to; 0 for top level (and for nonsense)."""
        return whole_number(self.comment_parent.data or "0") or 0
