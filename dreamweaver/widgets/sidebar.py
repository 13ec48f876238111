"""The sidebar as the owner set it: the widgets in order, each placed with
its options and the HTML id it is known by.

The sidebar is a cached fragment keyed by the content generation, which
every settings save moves: a changed widget shows on the next page view,
on every worker, with nothing to invalidate here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from markupsafe import Markup

from .. import settings
from .kinds import GROUP_NAME, KEY, KINDS, Kind


@dataclass(frozen=True)
class Placed:
    """One widget in the sidebar: its kind, options, and the HTML id it is
    known by (the kind's name, then "-2", "-3" for more of the same kind, as
    WordPress numbers its widgets). Its options read as attributes."""

    kind: Kind
    options: dict
    nth: int  # among the widgets of its kind, from 1

    @property
    def id(self) -> str:
        return self.kind.type if self.nth == 1 else f"{self.kind.type}-{self.nth}"

    @property
    def template(self) -> str:
        return self.kind.template

    @property
    def labelled(self) -> Markup:
        """What names its section: its heading, or its kind when it has none."""
        if self.options.get("title"):
            return Markup('aria-labelledby="%s-title"') % self.id
        return Markup('aria-label="%s"') % self.kind.label

    @property
    def partial_args(self) -> dict:
        """Which widget of its kind its partial shows (the first needs no saying)."""
        return {} if self.nth == 1 else {"n": self.nth}

    def __getattr__(self, name: str):
        try:
            return self.__dict__["options"][name]
        except KeyError:
            raise AttributeError(name) from None


def stored() -> list[dict]:
    """The list as saved (or the default): what the admin screen edits."""
    return settings.current().group(GROUP_NAME)[KEY]


def sidebar() -> list[Placed]:
    """The widgets the sidebar shows, in order. A kind an older or newer
    release knew and this one does not is left out, not an error."""
    placed, seen = [], {}
    for widget in stored():
        kind = KINDS.get(widget.get("type"))
        if kind is None:
            continue
        seen[kind.type] = seen.get(kind.type, 0) + 1
        placed.append(Placed(kind, kind.options(widget), seen[kind.type]))
    return placed


def find(type_: str, nth: int = 1) -> Placed | None:
    """The `nth` widget of this kind in the sidebar (for its partial)."""
    return next((widget for widget in sidebar()
                 if widget.kind.type == type_ and widget.nth == nth), None)


def of_kind(type_: str) -> list[Placed]:
    return [widget for widget in sidebar() if widget.kind.type == type_]


def revision(widgets: list[dict]) -> str:
    """A short fingerprint of the list: each admin form carries the one it was
    shown with, so a form from before another change is refused rather than
    applied to whatever widget now stands in its place."""
    text = json.dumps(widgets, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
