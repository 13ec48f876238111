"""The comment form: its fields and their rules, the form under a post as a
reader first sees it, and its rendering, shared by every reader who has
nothing typed or saved in it (rendered once per content generation, the
reader's fresh token put in)."""

from __future__ import annotations

import functools
import hashlib
import re

from flask import current_app, render_template
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField, URLField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from .. import reader
from ..caching import cached, is_personal
from ..inputs import CONTROL_MESSAGE, IN_FORMS, has_control_characters, http_url, one_line, website
from ..mail.addresses import is_valid as is_mail_address
from ..models import Post
from ..params import whole_number
from ..sanitize import TooComplex, check_comment
from . import token


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


# The rules of a comment's fields, wherever one is typed (the reader's form,
# the owner's edit and reply); each form adds whether a field is required.
TEXT_RULES = (Length(max=65525, message="Comments are limited to 65,525 characters."),
              comment_within_limits)
NAME_RULES = (Length(max=245, message="Names are limited to 245 characters."),)
EMAIL_RULES = (Length(max=100, message="Email addresses are limited to 100 characters."),
               Email("Please enter a valid email address."))
WEBSITE_RULES = (Optional(),
                 Length(max=200, message="Website addresses are limited to 200 characters."),
                 http_url)


class CommentForm(FlaskForm):
    """WordPress's comment form, field for field. Its `csrf_token` is the stateless
    token of comments/token.py, checked by the view, not Flask-WTF's session one."""

    class Meta:
        csrf = False

    comment = TextAreaField("Comment", validators=[
        InputRequired("Please type your comment."), *TEXT_RULES])
    author = StringField("Name", filters=[one_line], validators=[
        InputRequired("Please enter your name."), *NAME_RULES])
    email = EmailField("Email", filters=[one_line], validators=[
        InputRequired("Please enter your email address."), *EMAIL_RULES])
    url = URLField("Website", filters=[website], validators=WEBSITE_RULES)
    cookies_consent = BooleanField(
        "Save my name, email, and website in this browser for the next time I comment."
    )
    # Reply notifications by email (comments/subscriptions.py), confirmed by a
    # link sent to the address once the comment is approved.
    subscribe = BooleanField("Notify me of replies by email")
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
                    field.data = IN_FORMS.sub("", field.data)
                valid = False
        if self.subscribe.data and not self.email.errors and self.email.data \
                and not is_mail_address(self.email.data):
            # Stricter than the form's own check: the address goes in a header.
            self.email.errors = ["Please enter an email address that can receive mail."]
            valid = False
        return valid

    def validate_comment(self, field):
        if not field.data or not field.data.strip():
            raise ValidationError("Please type your comment.")

    @property
    def parent_id(self) -> int:
        """The comment this one replies to; 0 for top level (and for nonsense)."""
        return whole_number(self.comment_parent.data or "0") or 0


def comment_form(post: Post, reply_to: int | None = None, *, retry: CommentForm | None = None,
                 author: dict | None = None) -> CommentForm:
    """The comment form for `post` with a fresh token.

    `retry` is a refused form shown again with what was typed; otherwise the
    form is empty but for `author` (name, email, website; by default as this
    browser saved them) and the comment it replies to.
    """
    if retry is not None:
        form = retry
    else:
        saved = reader.current().saved if author is None else author
        if reader.current().user is not None:
            saved = {}  # they comment as their account, with no form fields
        form = CommentForm(formdata=None, data=saved)
        form.cookies_consent.data = bool(saved.get("author"))
        if reply_to is not None:
            form.comment_parent.data = str(reply_to)
    form.csrf_token.data = token.issue(post.id)
    return form


def first_comment_form(post: Post) -> CommentForm | BlankCommentForm:
    """The form under a post as it first shows: the reader's saved details, or
    blank (then only a token is made; the rendering is shared, see fragments)."""
    if reader.current().comments_as_stranger:
        return BlankCommentForm(token.issue(post.id))
    if reader.current().user is None:  # a returning commenter: their saved details
        return BlankCommentForm(token.issue(post.id), reader.current().saved)
    return comment_form(post)


# Stands in for the comment form's token in the cached rendering; the token is
# URL-safe base64 and a dot, so putting it in is a plain text replacement.
TOKEN_SLOT = "dw-comment-token-slot"  # noqa: S105 - a marker, not a secret


class BlankCommentForm:
    """The comment form under a post as a reader first sees it: the same for
    everyone but its token, and a returning commenter's saved details. Its
    rendering comes from the cache; the WTForms form is built only when the
    cache has none."""

    def __init__(self, token: str, saved: dict | None = None):
        self.token = token
        self.saved = saved  # the browser's saved details, if any (SAVED_SLOTS)


class FormHole:
    """Stands for the comment form in a page whose HTML is kept for many
    readers (blog/shared_html.py): rendered as `marker`, which each request
    replaces with its own form. The marker is an HTML comment, which no
    sanitized text can hold, named with a digest of the secret key besides."""

    def __init__(self):
        self.marker = _marker(_secret())

    def fill(self, html: str, post, form) -> str:
        return html.replace(self.marker, comment_form_html(post, form))


@functools.lru_cache(maxsize=4)
def _marker(secret: bytes) -> str:
    # Once per secret key, not on every page.
    digest = hashlib.sha256(b"comment-form-hole:" + secret).hexdigest()[:24]
    return f"<!--dw-comment-form-{digest}-->"


def _secret() -> bytes:
    key = current_app.secret_key
    return key.encode() if isinstance(key, str) else bytes(key or b"")


def comment_form_html(post, form, message: str = "") -> Markup:
    """The comment form under a post. A blank one (nothing typed, no error, no
    reply) is the same for every reader but for its token: it is rendered once
    per generation and the reader's fresh token put in."""
    if isinstance(form, FormHole):
        return Markup(form.marker)  # noqa: S704 - our own comment, no input in it
    if isinstance(form, BlankCommentForm):
        if form.saved and any(form.saved.values()):
            # As comment_form() fills it in: the box is ticked when a name was saved.
            return _saved_form_html(post, form.token, form.saved, bool(form.saved.get("author")))
        token = form.token
    elif is_personal():
        return Markup(render_template("comments/_form.html", post=post,  # noqa: S704
                                      form=form, message=message))
    else:
        replying = form.comment_parent.data not in (None, "", "0")
        typed = form.comment.data or form.subscribe.data
        if replying or typed or message or form.errors:
            return Markup(render_template("comments/_form.html", post=post,  # noqa: S704
                                          form=form, message=message))
        saved = {name: form[name].data or "" for name in SAVED_SLOTS}
        if any(saved.values()):
            return _saved_form_html(post, form.csrf_token.data, saved, form.cookies_consent.data)
        token = form.csrf_token.data
    html = cached(f"fragment:comment-form:{post.id}", lambda: _blank_form_html(post))
    return Markup(html.replace(TOKEN_SLOT, token))  # noqa: S704


def _blank_form_html(post, slots: dict | None = None, consent: bool = False) -> str:
    form = CommentForm(formdata=None)
    for name, slot in (slots or {}).items():
        form[name].data = slot  # after the fields' filters, which would change it
    form.cookies_consent.data = consent
    form.csrf_token.data = TOKEN_SLOT
    return render_template("comments/_form.html", post=post, form=form, message="")


# A returning commenter's form is the blank one with their saved details in
# three fields: rendered once per generation with these markers as the values,
# and each reader's (escaped) details put in their place, as the token is.
SAVED_SLOTS = {"author": "dw-saved-author-slot", "email": "dw-saved-email-slot",
               "url": "dw-saved-url-slot"}


_SLOT = re.compile("|".join(map(re.escape, (TOKEN_SLOT, *SAVED_SLOTS.values()))))


def _saved_form_html(post, token: str, saved: dict, consent: bool) -> Markup:
    html = cached(f"fragment:comment-form-saved:{post.id}:{int(consent)}",
                  lambda: _blank_form_html(post, SAVED_SLOTS, consent))
    values = {TOKEN_SLOT: token}
    for name, slot in SAVED_SLOTS.items():
        value = saved[name]
        for tidy in getattr(CommentForm, name).kwargs.get("filters", ()):
            value = tidy(value)  # as the form would show it
        values[slot] = str(escape(value))
    # One pass: a detail that reads like a marker is not filled in again.
    return Markup(_SLOT.sub(lambda found: values[found[0]], html))  # noqa: S704 - escaped
