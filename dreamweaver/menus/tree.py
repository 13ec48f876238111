"""The stored menu's shape and its rules: items of a kind (a page, a category,
a tag, a post, a custom link, or Home), each with an optional label, nested
one level. One place checks a menu (`check`), whoever made it: the admin
screen, an import, or a value put back from the history.

A stored item is a plain dict, so the menu is a settings value like any other:
{"kind": "page", "target": 12, "label": "", "children": [...]}; a custom link
has "url" instead of "target"; Home has neither. `None` instead of a list is
the automatic menu: Home and every published page, as the site had before
menus could be edited.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..inputs import is_http_url

HOME = "Home"  # the label of a Home item that has none of its own
KINDS = ("home", "page", "post", "category", "tag", "custom")
TARGETED = ("page", "post", "category", "tag")
MAX_ITEMS = 200
LABEL_MAX = 100
URL_MAX = 2000


class MenuError(ValueError):
    """A menu that cannot be kept, with the reason in words."""


def item(kind: str, target: int | None = None, label: str = "", url: str = "",
         children: list | None = None) -> dict:
    made = {"kind": kind, "label": label}
    if kind in TARGETED:
        made["target"] = target
    elif kind == "custom":
        made["url"] = url
    made["children"] = list(children or [])
    return made


def count(items: list | None) -> int:
    return sum(1 + len(entry.get("children", ())) for entry in items or ())


def check_label(label: str, kind: str) -> None:
    if len(label) > LABEL_MAX:
        raise MenuError(f"A label is at most {LABEL_MAX} characters long.")
    if kind == "custom" and not label.strip():
        raise MenuError("Give the link a label: the words readers see in the menu.")


def check_url(url: str) -> None:
    if not url.strip():
        raise MenuError("Enter the link's address, starting with https:// or http://.")
    if len(url) > URL_MAX:
        raise MenuError(f"An address is at most {URL_MAX} characters long.")
    if not is_http_url(url):
        raise MenuError("A menu link must be a web address starting with https:// or "
                        "http://, such as https://example.org/.")
    if "@" in urlsplit(url).netloc:
        raise MenuError("A menu link cannot carry a user name or password (user@host): "
                        "readers would see one site's name and be taken to another.")


def check(items: list) -> None:
    """Raise MenuError unless `items` is a menu this site can keep."""
    if count(items) > MAX_ITEMS:
        raise MenuError(f"A menu holds at most {MAX_ITEMS} items; remove some first.")
    for entry in items:
        _check_item(entry)
        for child in entry.get("children", ()):
            _check_item(child)
            if child.get("children"):
                raise MenuError("Menus nest one level: a sub-item cannot have sub-items "
                                "of its own.")


def _check_item(entry: dict) -> None:
    kind = entry.get("kind")
    if kind not in KINDS:
        raise MenuError(f"{kind!r} is not a kind of menu item.")
    check_label(entry.get("label", ""), kind)
    if kind in TARGETED and not isinstance(entry.get("target"), int):
        raise MenuError(f"A {kind} item must name its {kind}.")
    if kind == "custom":
        check_url(entry.get("url", ""))


def flat(items: list) -> list[tuple[dict, int]]:
    """Each item with its depth (0 or 1), in the order the menu shows them;
    an item's children are left out of its dict (they follow it)."""
    rows = []
    for entry in items:
        rows.append(({**entry, "children": []}, 0))
        rows.extend(({**child, "children": []}, 1) for child in entry.get("children", ()))
    return rows


def nested(rows: list[tuple[dict, int]]) -> list:
    """The menu from (item, depth) rows: each depth-1 row goes under the
    depth-0 row before it."""
    items: list = []
    for entry, depth in rows:
        if depth and not items:
            raise MenuError("The first item cannot be a sub-item: there is nothing above it.")
        if depth:
            items[-1]["children"].append({**entry, "children": []})
        else:
            items.append({**entry, "children": []})
    return items
