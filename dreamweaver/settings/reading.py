"""Reading settings, as WordPress's Settings → Reading: how many posts a
listing shows, what the home page displays (the latest posts, or a static page
with another page for the posts), what feeds carry, and whether search engines
are asked to stay away."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..blog.queries import is_visible
from ..extensions import db
from ..models import Post
from ..params import whole_number
from .group import Group

MOST = 100  # posts on a listing page, items in a feed
LATEST, STATIC = "posts", "page"
PAGE_CHOICE = "Choose a published page from the list."


def defaults(config) -> dict:
    return {
        "posts_per_page": config["POSTS_PER_PAGE"],
        "show_on_front": LATEST,
        "page_on_front": None,
        "page_for_posts": None,
        # Feeds have listed as many posts as a listing page, each in full.
        "posts_per_rss": config["POSTS_PER_PAGE"],
        "feed_full_text": True,
        "discourage_search": False,
    }


class CountField(IntegerField):
    """A number of items typed by the owner: None for anything but plain digits
    (a word, a sign, a number too long to be one), which its range then refuses
    with a message of its own instead of WTForms' "Not a valid integer value"."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = whole_number((valuelist[0] or "").strip(), 10**6)


def _count(form, field):
    if field.data is None or not 1 <= field.data <= MOST:
        raise ValidationError(f"Enter a whole number from 1 to {MOST}.")


def _page_id(value):
    """A page's id as the select posts it; None for "— Select —"."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    number = whole_number(value)
    if number is None:
        raise ValueError(PAGE_CHOICE)
    return number


def _full_text(value):
    """The feed choice: True (full text) or False (excerpt). On the wire it is a
    box's "y" or "", so that a post which leaves it out keeps it as it is
    (admin/settings.py fills in what is missing as it fills a ticked box)."""
    return {True: True, False: False, "y": True, "": False}.get(value, value)


def published_pages() -> list[tuple[int, str]]:
    """(id, title) of every page readers can see, by title: what the home page
    and the posts page may be."""
    return list(db.session.execute(
        sa.select(Post.id, Post.title)
        .where(Post.type == "page", is_visible()).order_by(Post.title, Post.id)).all())


def _page_select(label: str) -> SelectField:
    return SelectField(label, coerce=_page_id, choices=[],
                       invalid_choice_message=PAGE_CHOICE, invalid_value_message=PAGE_CHOICE)


class ReadingForm(FlaskForm):
    show_on_front = RadioField(
        "Your homepage displays", choices=[SelectChoice(LATEST, "Your latest posts"),
                                           SelectChoice(STATIC, "A static page (select below)")],
        invalid_choice_message="Choose your latest posts or a static page.")
    page_on_front = _page_select("Homepage")
    page_for_posts = _page_select("Posts page")
    posts_per_page = CountField("Posts per page", validators=[_count])
    posts_per_rss = CountField("Syndication feeds show the most recent", validators=[_count],
                               description="items")
    feed_full_text = RadioField(
        "For each post in a feed, include", coerce=_full_text, default=False,
        choices=[SelectChoice("y", "Full text"), SelectChoice("", "Excerpt")],
        invalid_choice_message="Choose full text or excerpt.")
    discourage_search = BooleanField("Discourage search engines from indexing this site",
                                     description="It is up to search engines to honor "
                                                 "this request.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pages = [SelectChoice("", "\u2014 Select \u2014")] + [
            SelectChoice(page_id, title or f"(no title) #{page_id}")
            for page_id, title in published_pages()]
        self.page_on_front.choices = self.page_for_posts.choices = pages

    def validate_page_on_front(self, field):
        if self.show_on_front.data == STATIC and field.data is None:
            raise ValidationError("Choose the page your homepage displays.")

    def validate_page_for_posts(self, field):
        if field.data is not None and field.data == self.page_on_front.data:
            raise ValidationError("The posts page cannot also be the homepage: choose "
                                  "another page, or none.")


def _page_named(page_id) -> str:
    page = db.session.get(Post, page_id) if page_id else None
    if page_id and page is None:
        return f"#{page_id} (deleted)"
    return f"{page.title} (#{page_id})" if page else "(none)"


def _describe(value: dict) -> dict[str, str]:
    """The history's lines, in the form's words: pages by title, choices as labelled."""
    words = {
        **value,
        "show_on_front": ("A static page" if value.get("show_on_front") == STATIC
                          else "Your latest posts"),
        "page_on_front": _page_named(value.get("page_on_front")),
        "page_for_posts": _page_named(value.get("page_for_posts")),
        "feed_full_text": "Full text" if value.get("feed_full_text") else "Excerpt",
    }
    return dataclasses.replace(GROUP, describe=None).shown(words)


GROUP = Group("reading", "Reading", defaults, ReadingForm, "admin/_settings_reading.html",
              describe=_describe)
