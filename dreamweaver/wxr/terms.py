"""Categories and tags of an import, matched by slug; category parents by nicename
once every declared category is known."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Category, Tag
from ..slugs import slugify
from .report import Report
from .values import apply, clip, number

RANK = {"skipped": 0, "updated": 1, "imported": 2}
CHUNK = 500  # slugs per IN (...): well under every database's limit on parameters


class Terms:
    def __init__(self, report: Report):
        self.report = report
        self.categories: dict[str, int] = {}  # slug -> id
        self.tags: dict[str, int] = {}
        self.parents: dict[str, str] = {}  # category slug -> parent nicename
        self.parents_done = False
        self.outcomes: dict[tuple[str, str], str] = {}  # (kind, slug) -> outcome
        # (taxonomy, WordPress term id) -> our id: what menu items name (wxr/menus.py).
        self.wp_ids: dict[tuple[str, int], int] = {}

    # Channel-level declarations: <wp:category>, <wp:tag>, <wp:term>.
    def category(self, fields: dict) -> None:
        self._remember("category", fields, self.find_category(
            fields.get("wp:category_nicename", "").strip(),
            fields.get("wp:cat_name", "").strip(),
            fields.get("wp:category_description", "").strip(),
            fields.get("wp:category_parent", "").strip(), declared=True))

    def tag(self, fields: dict) -> None:
        self._remember("post_tag", fields, self.find_tag(
            fields.get("wp:tag_slug", "").strip(), fields.get("wp:tag_name", "").strip(),
            fields.get("wp:tag_description", "").strip(), declared=True))

    def _remember(self, taxonomy: str, fields: dict, ours: int | None) -> None:
        wp_id = number(fields.get("wp:term_id"))
        if wp_id and ours:
            self.wp_ids[taxonomy, wp_id] = ours

    def wp_id(self, taxonomy: str, wp_id: int) -> int | None:
        """Our id of the term the file declared with this taxonomy and id."""
        return self.wp_ids.get((taxonomy, wp_id))

    def term(self, fields: dict) -> None:
        taxonomy = fields.get("wp:term_taxonomy", "").strip()
        slug, label = fields.get("wp:term_slug", "").strip(), fields.get("wp:term_name", "")
        description = fields.get("wp:term_description", "").strip()
        if taxonomy == "category":
            self._remember(taxonomy, fields, self.find_category(
                slug, label.strip(), description, fields.get("wp:term_parent", "").strip(),
                declared=True))
        elif taxonomy == "post_tag":
            self._remember(taxonomy, fields, self.find_tag(slug, label.strip(), description,
                                                           declared=True))

    # Lookups: a declaration creates or updates; an item naming a term only creates.
    def find_category(self, slug, label, description="", parent="",
                      declared=False) -> int | None:
        slug = clip(slug or slugify(label), 200)
        if slug and declared and parent and parent != slug:
            self.parents[slug] = parent
        return self._term(Category, "categories", self.categories, slug, label, description,
                          declared)

    def find_tag(self, slug, label, description="", declared=False) -> int | None:
        slug = clip(slug or slugify(label), 200)
        return self._term(Tag, "tags", self.tags, slug, label, description, declared)

    def _term(self, model, kind: str, known: dict, slug: str, label: str, description: str,
              declared: bool) -> int | None:
        if not slug:
            return None
        if slug in known and not declared:
            return known[slug]
        row = db.session.scalar(sa.select(model).where(model.slug == slug))
        values = {"name": clip(label or slug, 200)}
        if declared:
            values["description"] = description.replace("\x00", "")
        if row is None:
            row = model(slug=slug, **{"description": "", **values})
            db.session.add(row)
            db.session.flush()
            outcome = "imported"
        elif not declared:
            outcome = "skipped"
        else:
            outcome = apply(row, values)
        self._outcome(kind, slug, outcome)
        known[slug] = row.id
        return row.id

    def _outcome(self, kind: str, slug: str, outcome: str) -> None:
        """A term may show up several times (declared, then on items): count it
        once, by its strongest outcome."""
        before = self.outcomes.get((kind, slug))
        if before is None or RANK[outcome] > RANK[before]:
            self.outcomes[(kind, slug)] = outcome

    def count(self) -> None:
        for (kind, _slug), outcome in self.outcomes.items():
            self.report.add(kind, outcome)

    def resolve_parents(self) -> None:
        """Category parents by nicename; WXR declares every category before the items.

        Linear in the categories: the file's links are laid over the parents
        already here, in memory, and a loop among them is cut once (at its
        category declared last, which goes to the top level), rather than
        walking up from every category, query by query (1,000 categories in a
        chain took 51 s)."""
        if self.parents_done:
            return
        self.parents_done = True
        if not self.parents:
            return
        known = dict(self.categories)
        missing = sorted({parent for parent in self.parents.values() if parent not in known})
        for start in range(0, len(missing), CHUNK):
            known.update(db.session.execute(sa.select(Category.slug, Category.id).where(
                Category.slug.in_(missing[start:start + CHUNK]))).all())
        wanted: dict[int, int] = {}  # category id -> parent id, in the file's order
        for slug, parent in self.parents.items():
            if parent not in known:
                self.report.notes.append(f"category {slug!r}: parent {parent!r} is not in the "
                                         "file; imported at the top level")
                continue
            wanted[self.categories[slug]] = known[parent]
        parent_of = dict(db.session.execute(sa.select(Category.id, Category.parent_id)).all())
        parent_of.update(wanted)
        for cut in _cut_loops(parent_of, list(wanted)):
            parent_of[cut] = None
            slug = db.session.get(Category, cut).slug
            self.report.notes.append(f"category {slug!r}: its parent {self.parents[slug]!r} "
                                     "would make a loop; imported at the top level")
        for row_id in wanted:
            row = db.session.get(Category, row_id)
            if row.parent_id != parent_of[row_id]:
                row.parent_id = parent_of[row_id]
                self._outcome("categories", row.slug, "updated")
        db.session.flush()


def _cut_loops(parent_of: dict[int, int | None], order: list[int]) -> list[int]:
    """The categories whose parent link must go so that `parent_of` has no loop:
    in each loop, the one latest in `order` (the links a file asked for; the
    others were loop-free already). Each category is visited once."""
    rank = {node: i for i, node in enumerate(order)}
    state: dict[int, int] = {}  # 1: on the path being walked, 2: done
    cuts = []
    for start in order:
        path, node = [], start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = parent_of.get(node)
        if node is not None and state[node] == 1:
            asked = [n for n in path[path.index(node):] if n in rank]
            if asked:  # (a loop already here, which no link of the file made, stays)
                cuts.append(max(asked, key=rank.__getitem__))
        for node in path:
            state[node] = 2
    return cuts
