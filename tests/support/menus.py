"""The menu screen (/admin/menus/) as a browser posts it: the structure form's
fields as the page shows them, with a button pressed, and the add forms."""

import re
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

from tests.support.auth import csrf_token

MENUS = "/admin/menus/"
ADD = "/admin/menus/items/"
RESET = "/admin/menus/automatic"


class _Editor(HTMLParser):
    """(name, value) of every input of the form #menu-editor, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = attrs.get("id") == "menu-editor"
        elif tag == "input" and self._inside and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def editor_fields(html: str) -> list[tuple[str, str]]:
    parser = _Editor()
    parser.feed(html)
    return parser.fields


def items_of(html: str) -> list[tuple[str, str, str]]:
    """(place, depth, label) of each item the screen shows, in order."""
    fields = [pair for pair in editor_fields(html) if pair[0] in ("item", "depth", "label")]
    return [(fields[i][1], fields[i + 1][1], fields[i + 2][1]) for i in range(0, len(fields), 3)]


def place_of(html: str, name: str) -> str:
    """The place of the item the screen names `name` (its title or label)."""
    found = re.search(r'id="menu-item-(\d+)"[^>]*>\s*(?:<input[^>]*>\s*)*<div[^>]*>\s*'
                      r'<span class="menu-item-name"><span[^>]*>[^<]*</span> ' + re.escape(name)
                      + "</span>", html)
    assert found, f"no item {name!r} on the screen"
    return found.group(1)


def post_menu(client, action="save", *, labels=None, order=None, headers=None,
              html=None):
    """Post the structure form as shown, with `labels` ({place: text}) typed in,
    the items in `order` (places; default as shown) and the button `action`."""
    html = html if html is not None else client.get(MENUS).get_data(as_text=True)
    fields = editor_fields(html)
    rows = items_of(html)
    by_place = {place: (depth, label) for place, depth, label in rows}
    data = [(name, value) for name, value in fields if name not in ("item", "depth", "label")]
    for place in order or [place for place, _, _ in rows]:
        depth, label = by_place[place]
        data += [("item", place), ("depth", depth),
                 ("label", (labels or {}).get(place, label))]
    data.append(("action", action))
    return client.post(MENUS, data=MultiDict(data), headers=headers or {})


def add_item(client, kind, headers=None, **fields):
    data = {"csrf_token": csrf_token(client, MENUS), "kind": kind, "label": "", **fields}
    return client.post(ADD, data=data, headers=headers or {})


def header_menu(client, path="/") -> list[str]:
    """The header menu as readers see it: top-level titles, a sub-item as "> title"."""
    page = client.get(path).get_data(as_text=True)
    menu = re.search(r'<ul class="menu" id="primary-menu">(.*?)\n</ul>', page, re.S).group(1)
    nested = re.findall(r'<ul class="sub-menu">(.*?)</ul>', menu, re.S)
    children = {title for block in nested for title in re.findall(r"<a [^>]*>([^<]*)</a>", block)}
    return [f"> {title}" if title in children else title
            for title in re.findall(r"<a [^>]*>([^<]*)</a>", menu)]
