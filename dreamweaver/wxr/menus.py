"""WordPress's navigation menus into the site's header menu (import), and
the menu back out as WordPress writes one (export).

WordPress keeps a menu as a nav_menu term and each of its entries as an item
of type nav_menu_item, filed under the menu (<category domain="nav_menu">),
placed by wp:menu_order, and described by postmeta: _menu_item_type
(post_type, taxonomy or custom), _menu_item_object (page, post, category,
post_tag, custom), _menu_item_object_id, _menu_item_menu_item_parent and
_menu_item_url. An empty title means "the target's own title".

This site has one menu, nested one level. An export says nothing of which
menu a theme location showed (that is a theme setting, not exported), so the
menu with the most items is taken, and the report says which. Deeper entries
go under their top-level ancestor, in menu order. Targets go through the
import's id maps (posts and pages by WordPress id, terms by term id); an
entry whose target is not here, or a custom link that is not an http(s)
address (WordPress's "#" placeholders), is left out with a note, and its
sub-entries take its place.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa

from .. import settings
from ..extensions import db
from ..inputs import is_http_url
from ..menus import tree
from ..models import Category, Post, Tag
from .values import number

TAXONOMIES = {"category": "category", "post_tag": "tag"}
POST_TYPES = ("page", "post")
MENU_SLUG, MENU_NAME = "primary", "Primary menu"


class MenuImport:
    def __init__(self, report, hosts: set[str]):
        self.report = report
        self.hosts = hosts  # the old site's host names: a link to its front page is Home
        self.menus: dict[str, str] = {}  # nav_menu slug -> name, in the file's order
        self.entries: dict[str, list[dict]] = {}  # nav_menu slug -> its entries

    def term(self, fields: dict) -> None:
        if fields.get("wp:term_taxonomy", "").strip() == "nav_menu":
            slug = fields.get("wp:term_slug", "").strip()
            if slug:
                self.menus.setdefault(slug, fields.get("wp:term_name", "").strip() or slug)

    def item(self, item: dict) -> None:
        menu = next((nicename for domain, nicename, _ in item["terms"]
                     if domain == "nav_menu" and nicename), None)
        if menu is None:
            self.report.skipped_items["nav_menu_item in no menu"] += 1
            return
        meta = {key: value.strip() for key, value in item["postmeta"]}
        self.menus.setdefault(menu, menu)
        self.entries.setdefault(menu, []).append({
            "id": number(item.get("wp:post_id")) or 0,
            "order": number(item.get("wp:menu_order")) or 0,
            "parent": number(meta.get("_menu_item_menu_item_parent")) or 0,
            "type": meta.get("_menu_item_type", ""),
            "object": meta.get("_menu_item_object", ""),
            "object_id": number(meta.get("_menu_item_object_id")) or 0,
            "url": meta.get("_menu_item_url", ""),
            "title": " ".join(item.get("title", "").split())[:tree.LABEL_MAX],
            "status": item.get("wp:status", "").strip(),
        })

    def finish(self, post_id_of, term_id_of) -> None:
        """Make the chosen menu the site's (post_id_of(wp id), term_id_of(taxonomy,
        wp term id): our ids, or None)."""
        if not self.entries:
            return
        counts = {slug: len(self.entries.get(slug, ())) for slug in self.menus}
        chosen = max(counts, key=counts.__getitem__)  # the first of the largest
        if len(counts) > 1:
            others = ", ".join(f"“{self.menus[slug]}” ({n})" for slug, n in counts.items()
                               if slug != chosen)
            self.report.notes.append(
                f"menu: the file has {len(counts)} menus; the header shows “{self.menus[chosen]}” "
                f"({counts[chosen]} items), the one with the most items (an export does not say "
                f"which menu the theme showed); not imported: {others}")
        entries = sorted((e for e in self.entries[chosen] if e["status"] != "draft"),
                         key=lambda e: (e["order"], e["id"]))
        made = {entry["id"]: self._convert(entry, post_id_of, term_id_of) for entry in entries}
        by_id = {entry["id"]: entry for entry in entries}
        items: list = []
        tops: dict[int, dict] = {}
        for entry in entries:
            mine = made[entry["id"]]
            if mine is None:
                continue
            top = _top_kept(entry, by_id, made)
            if top is None:
                tops[entry["id"]] = mine
                items.append(mine)
            else:
                tops[top]["children"].append(mine)
        if tree.count(items) > tree.MAX_ITEMS:
            self.report.notes.append(f"menu: only its first {tree.MAX_ITEMS} items were kept")
            items = _first(items, tree.MAX_ITEMS)
        change = settings.save("menu", {"menu_items": items})
        self.report.notes.append(
            f"menu: {tree.count(items)} item(s) from “{self.menus[chosen]}” "
            + ("now make the header menu" if change else "already made the header menu"))

    def _convert(self, entry: dict, post_id_of, term_id_of) -> dict | None:
        kind, label = entry["type"], entry["title"]
        where = f"menu item {entry['id']} (“{label or entry['url'] or entry['object']}”)"
        if kind == "post_type" and entry["object"] in POST_TYPES:
            ours = post_id_of(entry["object_id"])
            if ours is None:
                self.report.notes.append(f"{where}: its {entry['object']} "
                                         f"{entry['object_id']} is not here; left out")
                return None
            return tree.item(entry["object"], ours, label)
        if kind == "taxonomy" and entry["object"] in TAXONOMIES:
            ours = term_id_of(entry["object"], entry["object_id"])
            if ours is None:
                self.report.notes.append(f"{where}: its {entry['object']} term "
                                         f"{entry['object_id']} is not in the file; left out")
                return None
            return tree.item(TAXONOMIES[entry["object"]], ours, label)
        if kind == "custom":
            url = entry["url"]
            try:
                parts = urlsplit(url)
                host = (parts.hostname or "").lower()
            except ValueError:  # "http://[oops/": no address at all
                self.report.notes.append(f"{where}: {url!r} is not a web address; left out")
                return None
            if host in self.hosts and parts.path in ("", "/") \
                    and not parts.query and not parts.fragment:
                return tree.item("home", label=label if label != tree.HOME else "")
            if len(url) <= tree.URL_MAX and is_http_url(url):
                return tree.item("custom", url=url, label=label or url[:tree.LABEL_MAX])
            self.report.notes.append(f"{where}: {url!r} is not an http(s) address; left out")
            return None
        self.report.notes.append(f"{where}: a link to a {entry['object'] or kind} cannot be "
                                 "shown here; left out")
        return None


def _top_kept(entry: dict, by_id: dict, made: dict) -> int | None:
    """The id of the topmost kept ancestor of `entry`, if any."""
    top, seen, step = None, {entry["id"]}, entry["parent"]
    while step in by_id and step not in seen:
        seen.add(step)
        if made.get(step) is not None:
            top = step
        step = by_id[step]["parent"]
    return top


def _first(items: list, limit: int) -> list:
    kept: list = []
    left = limit
    for entry in items:
        if left <= 0:
            break
        children = entry["children"][:left - 1]
        kept.append({**entry, "children": children})
        left -= 1 + len(children)
    return kept


class MenuExport:
    """The saved menu as WordPress writes one: a nav_menu term in the channel,
    and after every post, page and attachment (WordPress's importer needs an
    entry's target first) one nav_menu_item per entry. The automatic menu is
    not written: a WordPress site without a menu lists its pages the same way."""

    def __init__(self, exporter, first_id: int):
        self.exporter = exporter
        self.first_id = first_id  # entries are numbered after every post and attachment
        self.items = settings.current().menu_items

    def term(self) -> None:
        from .exporter import el

        if self.items is not None:
            # After every category's and tag's: WordPress's importer maps term
            # ids of all taxonomies in one table.
            term_id = 1 + max(db.session.scalar(sa.select(sa.func.max(model.id))) or 0
                              for model in (Category, Tag))
            self.exporter.write("\t<wp:term>", el("wp:term_id", term_id),
                                el("wp:term_taxonomy", "nav_menu", raw=True),
                                el("wp:term_slug", MENU_SLUG, raw=True),
                                el("wp:term_name", MENU_NAME, raw=True), "</wp:term>\n")

    def write_items(self) -> int:
        """Write the entries whose targets are exported; how many."""
        if not self.items:
            return 0
        wanted = {entry["target"] for top in self.items for entry in (top, *top["children"])
                  if entry["kind"] in POST_TYPES}
        exists = set(db.session.scalars(sa.select(Post.id).where(Post.id.in_(wanted))))
        written = 0
        for top in self.items:
            if not self._writable(top, exists):
                continue
            written += 1
            parent = self.first_id + written
            self._item(top, parent, 0, written)
            for child in top["children"]:
                if self._writable(child, exists):
                    written += 1
                    self._item(child, self.first_id + written, parent, written)
        return written

    @staticmethod
    def _writable(entry: dict, exists: set[int]) -> bool:
        return entry["kind"] not in POST_TYPES or entry["target"] in exists

    def _item(self, entry: dict, wp_id: int, parent: int, order: int) -> None:
        from .exporter import cdata, el, format_datetime, text, wp_date

        out = self.exporter
        kind = entry["kind"]
        if kind in POST_TYPES:
            meta = ("post_type", kind, entry["target"], "")
        elif kind in ("category", "tag"):
            taxonomy = "category" if kind == "category" else "post_tag"
            meta = ("taxonomy", taxonomy, entry["target"], "")
        else:
            url = out.site_url + "/" if kind == "home" else entry["url"]
            meta = ("custom", "custom", wp_id, url)
        title = entry["label"] or (tree.HOME if kind == "home" else "")
        now = out.now.replace(microsecond=0)
        out.write(
            "\n\t<item>\n",
            "\t\t", el("title", title), "\n",
            "\t\t", el("link", f"{out.site_url}/?p={wp_id}"), "\n",
            "\t\t<pubDate>", format_datetime(now), "</pubDate>\n",
            "\t\t", el("dc:creator", "", raw=True), "\n",
            f'\t\t<guid isPermaLink="false">{text(out.site_url)}/?p={wp_id}</guid>\n',
            "\t\t<description></description>\n",
            "\t\t", el("content:encoded", "", raw=True), "\n",
            "\t\t", el("excerpt:encoded", "", raw=True), "\n",
            "\t\t", el("wp:post_id", wp_id), "\n",
            "\t\t", el("wp:post_date", wp_date(now.replace(tzinfo=None)), raw=True), "\n",
            "\t\t", el("wp:post_date_gmt", wp_date(now.replace(tzinfo=None)), raw=True), "\n",
            "\t\t", el("wp:comment_status", "closed", raw=True), "\n",
            "\t\t", el("wp:ping_status", "closed", raw=True), "\n",
            "\t\t", el("wp:post_name", str(wp_id), raw=True), "\n",
            "\t\t", el("wp:status", "publish", raw=True), "\n",
            "\t\t", el("wp:post_parent", 0), "\n",
            "\t\t", el("wp:menu_order", order), "\n",
            "\t\t", el("wp:post_type", "nav_menu_item", raw=True), "\n",
            "\t\t", el("wp:post_password", "", raw=True), "\n",
            "\t\t", el("wp:is_sticky", 0), "\n",
            f'\t\t<category domain="nav_menu" nicename="{MENU_SLUG}">', cdata(MENU_NAME),
            "</category>\n",
        )
        item_type, item_object, object_id, url = meta
        for key, value in (("_menu_item_type", item_type),
                           ("_menu_item_menu_item_parent", parent),
                           ("_menu_item_object_id", object_id),
                           ("_menu_item_object", item_object),
                           ("_menu_item_target", ""),
                           ("_menu_item_classes", 'a:1:{i:0;s:0:"";}'),
                           ("_menu_item_xfn", ""),
                           ("_menu_item_url", url)):
            out.write("\t\t<wp:postmeta>", el("wp:meta_key", key, raw=True),
                      el("wp:meta_value", value, raw=True), "</wp:postmeta>\n")
        out.write("\t</item>\n")
