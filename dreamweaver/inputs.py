"""What readers and importers send, filtered by one set of rules: control
characters, one-line text, websites, and posted forms' encoding.

Control characters are refused or dropped everywhere text comes in, with
the class each kind of text allows (a name is one line; a comment keeps its
line breaks; Markdown sees no carriage returns), all spelt here.
"""

import re
from urllib.parse import unquote_to_bytes, urlsplit

from flask import request
from wtforms.validators import ValidationError

# Every C0 control and DEL: nothing a one-line text may hold.
ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Multi-line text keeps tab, line feed and carriage return (the sanitizer's
# paragraphs read both line endings).
IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Multi-line text whose line endings are already "\n" (Markdown, descriptions).
BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(value):
    """Plain one-line text: control characters and surrounding space dropped."""
    if value is None:
        return value
    return ANY_CONTROL.sub("", value).strip()


def lines(value):
    """Multi-line text with "\n" line endings, other control characters dropped."""
    if value is None:
        return value
    return BUT_LINES.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def plain_text(value: str | None) -> str | None:
    """`value` if it holds no control character, else None."""
    if value is None or ANY_CONTROL.search(value):
        return None
    return value


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
IN_FORMS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = ("This holds invisible control characters, which are not allowed. They "
                   "have been taken out here: check the text and send it again.")
NOT_UTF8_MESSAGE = ("Your comment could not be read: the text sent is not valid UTF-8. "
                    "Please send it again from the form.")


def has_control_characters(value: str) -> bool:
    return IN_FORMS.search(value) is not None


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
