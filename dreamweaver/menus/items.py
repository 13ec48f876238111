"""The stored menu as links: each item's target read when the header is drawn
(its current title and address), an item whose target is gone or hidden from
readers left out (header.py caches the result per content generation); and
the automatic menu as items, where editing it starts."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for

from ..blog import queries, widgets
from ..blog.front import static_front
from ..extensions import db
from ..models import Category, Post, Tag
from ..permalinks import paths_of, post_url
from .tree import HOME, item


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    # What widgets.header_selection() says on the page this links to, so the
    # header marks it current ("" for a link that is never the page shown).
    mark: str
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Target:
    title: str
    url: str
    mark: str


def resolve(items: list) -> list[Entry]:
    """The entries of the items readers can follow now; the sub-items of an
    item that is gone take its place."""
    found = targets(items)
    entries = []
    for entry in items:
        below = tuple(filter(None, (_entry(child, found) for child in entry["children"])))
        top = _entry(entry, found)
        if top is None:
            entries.extend(below)
        else:
            entries.append(Entry(top.title, top.url, top.mark, below))
    return entries


def _entry(entry: dict, found: dict) -> Entry | None:
    kind, label = entry["kind"], entry.get("label", "")
    if kind == "home":
        return Entry(label or HOME, url_for("blog.index"), "home")
    if kind == "custom":
        return Entry(label, entry["url"], "")
    target = found.get((kind, entry["target"]))
    if target is None:
        return None
    return Entry(label or target.title, target.url, target.mark)


def targets(items: list) -> dict[tuple[str, int], Target]:
    """(kind, id) -> what the item links to, for every target readers can see:
    one query per kind the menu uses."""
    wanted: dict[str, set[int]] = {}
    for entry in items:
        for one in (entry, *entry.get("children", ())):
            if "target" in one:
                wanted.setdefault(one["kind"], set()).add(one["target"])
    found: dict[tuple[str, int], Target] = {}
    if "page" in wanted:
        rows = queries.nav_pages()
        paths = paths_of((row.id, row.slug, row.parent_id) for row in rows)
        front = static_front()
        for row in rows:
            if row.shown and row.id in wanted["page"]:
                # The static front page is linked where it is shown, as the
                # automatic menu links it: / (its own address redirects there).
                found["page", row.id] = (
                    Target(row.title, url_for("blog.index"), "home")
                    if front is not None and front.page.id == row.id
                    else Target(row.title, url_for("blog.page", path=paths[row.id]),
                                "page:" + paths[row.id]))
    if "post" in wanted:
        for post in db.session.scalars(queries.visible_posts().where(
                Post.id.in_(wanted["post"]))):
            found["post", post.id] = Target(post.title, post_url(post), "")
    for kind, model, endpoint in (("category", Category, "blog.category"),
                                  ("tag", Tag, "blog.tag")):
        if kind in wanted:
            for row_id, name, slug in db.session.execute(sa.select(
                    model.id, model.name, model.slug).where(model.id.in_(wanted[kind]))):
                found[kind, row_id] = Target(name, url_for(endpoint, slug=slug),
                                             f"{kind}:{slug}")
    return found


def automatic_items() -> list:
    """The automatic menu as items: Home, then every published page by title,
    its descendants under it, as the header shows it while nothing is saved."""
    rows = queries.nav_pages()
    ids = {path: page_id for page_id, path in
           paths_of((row.id, row.slug, row.parent_id) for row in rows).items()}
    return [item("home"), *(
        item("page", ids[top.path], children=[item("page", ids[child.path])
                                              for child in top.children])
        for top in widgets.nav_pages())]
