"""The kinds of widget the sidebar can hold, with WordPress's names and
labels: each one's options and their first values, the form that edits them
(forms.py), and the template that shows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wtforms.fields.core import UnboundField

from .forms import (
    ArchivesForm,
    CategoriesForm,
    RecentCommentsForm,
    RecentPostsForm,
    TagCloudForm,
    TextForm,
    WidgetForm,
)


@dataclass(frozen=True)
class Kind:
    type: str  # stored, and the first of its kind's HTML id ("recent-posts")
    label: str  # as WordPress names it
    form: type
    defaults: Mapping  # every option with its first value
    template: str

    def options(self, stored: Mapping) -> dict:
        """The widget's options: the defaults, overlaid by what was saved."""
        values = dict(self.defaults)
        values.update((key, value) for key, value in stored.items() if key in values)
        return values

    def stored(self, options: Mapping) -> dict:
        return {"type": self.type, **self.options(options)}

    def describe(self, options: Mapping) -> str:
        """One line for the history page: the kind, then each option by its label."""
        parts = []
        for key, value in self.options(options).items():
            unbound = getattr(self.form, key, None)
            if isinstance(unbound, UnboundField):
                parts.append(f"{unbound.args[0]}: {_shown(value)}")
        return f"{self.label} ({'; '.join(parts)})"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if not text:
        return "(none)"
    return text if len(text) <= 80 else text[:79] + "\u2026"


KINDS = {kind.type: kind for kind in (
    Kind("recent-posts", "Recent Posts", RecentPostsForm,
         {"title": "Recent Posts", "number": 5}, "site/_recent_posts.html"),
    Kind("recent-comments", "Recent Comments", RecentCommentsForm,
         {"title": "Recent Comments", "number": 5}, "site/_recent_comments.html"),
    Kind("archives", "Archives", ArchivesForm,
         {"title": "Archives", "dropdown": False, "count": False}, "site/_archives.html"),
    Kind("categories", "Categories", CategoriesForm,
         {"title": "Categories", "display": "top", "number": 10, "count": False},
         "site/_categories.html"),
    Kind("tag-cloud", "Tag Cloud", TagCloudForm,
         {"title": "Tags", "number": 45, "count": False}, "site/_tag_cloud.html"),
    Kind("search", "Search", WidgetForm, {"title": "Search"}, "site/_search_widget.html"),
    Kind("text", "Text", TextForm, {"title": "", "text": "", "html": ""},
         "site/_text_widget.html"),
    Kind("feed-links", "Feed links", WidgetForm, {"title": "Feeds"},
         "site/_feed_links_widget.html"),
)}


# The sidebar's list, as the settings group "widgets" stores it.
GROUP_NAME = "widgets"
KEY = "sidebar_widgets"
# Enough for any sidebar, and a bound on what one page renders.
MAX_WIDGETS = 30
DEFAULT_TYPES = ("recent-posts", "recent-comments", "archives", "categories")


def default_widgets() -> list[dict]:
    """The seed site's sidebar, as it always was."""
    return [KINDS[name].stored({}) for name in DEFAULT_TYPES]
