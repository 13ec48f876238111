"""Discussion settings: WordPress's Settings > Discussion, as far as this site
has each rule. Every default is what the site did before (the COMMENT_* and
COMMENTS_PER_PAGE configuration keys are the first-run values)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, NumberRange, ValidationError

from ..inputs import has_control_characters
from .group import Group

# A word list is read on every comment: bounded so that checking one stays cheap.
KEYS_MAX_LINES = 1000
KEYS_MAX_CHARS = 20_000
DAYS_MAX = 36_500  # a hundred years, WordPress's own bound is none
LINKS_MAX = 100
DEPTH_MAX = 10  # as WordPress's select
PER_PAGE_MAX = 1000

MATCHING = ("One word, phrase or IP address per line. It will match inside words, so "
            "“press” will match “WordPress”.")


def defaults(config) -> dict:
    return {
        "comments_open_default": True,
        "close_comments_days": 0,
        "comment_moderation": config["COMMENT_MODERATION"],
        "comment_max_links": config["COMMENT_MAX_LINKS"],
        "comment_previously_approved": True,
        "moderation_keys": "",
        "disallowed_keys": "",
        "comment_max_depth": config["COMMENT_MAX_DEPTH"],
        "comments_per_page": config["COMMENTS_PER_PAGE"],
        "default_comments_page": "newest",
        "comment_order": "asc",
    }


def keys(text: str) -> list[str]:
    """A word list's entries, as WordPress reads one: each line trimmed, blank
    lines ignored, compared without regard to case."""
    return [line.strip().casefold() for line in text.split("\n") if line.strip()]


def _line_endings(value):
    """Browsers send "\r\n"; the list is kept with "\n" and nothing around it."""
    if value is None:
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _word_list(form, field):
    text = field.data or ""
    if has_control_characters(text):
        raise ValidationError("This list holds invisible control characters, which are not "
                              "allowed. Remove them and save again.")
    if len(text) > KEYS_MAX_CHARS:
        raise ValidationError(f"A word list is at most {KEYS_MAX_CHARS:,} characters long.")
    if len(keys(text)) > KEYS_MAX_LINES:
        raise ValidationError(f"A word list has at most {KEYS_MAX_LINES:,} lines.")


def _whole(label: str, low: int, high: int) -> list:
    message = f"Enter a whole number from {low} to {high:,} for {label}."
    return [InputRequired(message), NumberRange(low, high, message)]


class DiscussionForm(FlaskForm):
    comments_open_default = BooleanField("Allow people to submit comments on new posts")
    close_comments_days = IntegerField(
        "Automatically close comments on posts older than this many days",
        validators=_whole("the days", 0, DAYS_MAX),
        description="0 leaves comments open however old the post. Pages are not closed by age.")
    comment_moderation = BooleanField(
        "Hold comments by the rules below",
        description="Off: every valid comment is approved at once, but for one whose name or "
                    "email passes for a registered user’s. The disallowed words apply either way.")
    comment_max_links = IntegerField(
        "Hold a comment in the queue if it contains more than this many links",
        validators=_whole("the links", 0, LINKS_MAX),
        description="0 holds every comment with a link.")
    moderation_keys = TextAreaField(
        "Comment Moderation", filters=[_line_endings], validators=[_word_list],
        description="When a comment contains any of these words in its content, author name, "
                    "URL, email, IP address, or browser’s user agent string, it will be held in "
                    "the moderation queue. " + MATCHING)
    comment_previously_approved = BooleanField(
        "Comment author must have a previously approved comment")
    disallowed_keys = TextAreaField(
        "Disallowed Comment Keys", filters=[_line_endings], validators=[_word_list],
        description="When a comment contains any of these words in its content, author name, "
                    "URL, email, IP address, or browser’s user agent string, it will be marked "
                    "as spam: never shown, no emails sent. " + MATCHING)
    comment_max_depth = IntegerField(
        "Enable threaded (nested) comments this many levels deep",
        validators=_whole("the levels", 1, DEPTH_MAX),
        description="A reply to a comment at the deepest level goes beside it. 1: no nesting.")
    comments_per_page = IntegerField(
        "Break comments into pages with this many top level comments per page",
        validators=_whole("the comments per page", 1, PER_PAGE_MAX))
    default_comments_page = RadioField(
        "Comments page displayed by default",
        choices=[SelectChoice("newest", "last page"), SelectChoice("oldest", "first page")],
        validate_choice=False,
        validators=[AnyOf(("newest", "oldest"), "Choose the last or the first page.")])
    comment_order = RadioField(
        "Comments should be displayed with the … comments at the top of each page",
        choices=[SelectChoice("asc", "older"), SelectChoice("desc", "newer")],
        validate_choice=False,
        validators=[AnyOf(("asc", "desc"), "Choose older or newer.")])


GROUP = Group("discussion", "Discussion", defaults, DiscussionForm,
              "admin/_settings_discussion.html")
