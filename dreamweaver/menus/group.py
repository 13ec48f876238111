"""The menu as a group of settings: saved whole (history, put back, every
worker's caches) like the others, edited on its own screen, /admin/menus/."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Category, Post, Tag
from ..settings.group import Group
from .tree import HOME

# Loaded by the settings package as it loads, so this module reads the rows
# itself rather than through blog/ (which needs the settings to load); and
# only the settings package imports it.

AUTOMATIC = "Automatic: Home and every published page"
COLUMNS = {"page": Post.title, "post": Post.title, "category": Category.name, "tag": Tag.name}


def defaults(config) -> dict:
    return {"menu_items": None}  # the automatic menu: the site as it was


def describe(value: dict) -> dict[str, str]:
    """The whole menu as one line of text, for the history page."""
    items = value.get("menu_items")
    if items is None:
        return {"Menu": AUTOMATIC}
    if not items:
        return {"Menu": "(no items)"}
    found = titles(items)
    parts = []
    for entry in items:
        text = name(entry, found)
        if entry.get("children"):
            text += " (" + ", ".join(name(child, found) for child in entry["children"]) + ")"
        parts.append(text)
    return {"Menu": " · ".join(parts)}


def name(entry: dict, found: dict) -> str:
    """How an item reads in words: its label, else its target's title."""
    kind, label = entry["kind"], entry.get("label", "")
    if kind == "home":
        return label or HOME
    if kind == "custom":
        return f"{label} <{entry['url']}>"
    title = found.get((kind, entry["target"]))
    if title is None:
        return f"{label or kind + ' ' + str(entry['target'])} (missing {kind})"
    return label or title


def titles(items: list) -> dict[tuple[str, int], str]:
    """(kind, id) -> the title or name of every target that still exists."""
    wanted: dict[str, set[int]] = {}
    for entry in items:
        for one in (entry, *entry.get("children", ())):
            if "target" in one:
                wanted.setdefault(one["kind"], set()).add(one["target"])
    found = {}
    for kind, ids in wanted.items():
        column = COLUMNS[kind]
        key = column.class_.id
        for row_id, title in db.session.execute(sa.select(key, column).where(key.in_(ids))):
            found[kind, row_id] = title
    return found


GROUP = Group("menu", "Menu", defaults, describe=describe)
