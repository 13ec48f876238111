"""Import a WXR file in one transaction (pass 2), with a verification report.

Idempotent: posts and comments keep their WordPress ids and are matched by
them, categories and tags by slug, authors by login; a second run of the same
file finds every row as it left it and changes nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

import click
import sqlalchemy as sa

from .. import dates
from ..extensions import db
from ..freshness import bump
from ..markup import render, text_of
from ..models import Category, Comment, OldSlug, Post, Tag, User, post_categories, post_tags
from ..sanitize import clean_comment_html
from ..slugs import slugify, unique_slug
from .content import autop, media_urls, prepare
from .reader import Summary, WXRError, check, records

STATUSES = {"publish": "published", "future": "scheduled", "draft": "draft",
            "pending": "pending", "private": "private", "trash": "trash"}
COMMENT_STATUSES = {"1": "approved", "approve": "approved", "0": "pending", "hold": "pending",
                    "spam": "spam", "trash": "trash", "post-trashed": "trash"}
KINDS = ("authors", "categories", "tags", "posts", "pages", "comments", "old slugs")
FLUSH_EVERY = 200


def _clip(value: str, length: int) -> str:
    return (value or "").replace("\x00", "")[:length]


def _when(value: str | None) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


class Report:
    def __init__(self):
        self.counts = {kind: Counter() for kind in KINDS}
        self.skipped_items: Counter = Counter()
        self.redirects: list[tuple[str, str]] = []
        self.media: set[str] = set()
        self.notes: list[str] = []

    def add(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def changed(self) -> bool:
        return any(c["imported"] or c["updated"] for c in self.counts.values())

    def text(self, path, summary: Summary) -> str:
        lines = [f"Imported {path} (WXR {summary.version or 'without a version tag'}):"]
        for kind in KINDS:
            c = self.counts[kind]
            lines.append(f"  {kind}: {c['imported']} imported, {c['updated']} updated, "
                         f"{c['skipped']} skipped (unchanged)")
        if self.skipped_items:
            listed = ", ".join(f"{k}: {n}" for k, n in sorted(self.skipped_items.items()))
            lines.append(f"  items not imported: {sum(self.skipped_items.values())} ({listed})")
        lines.append(f"Redirects set up: /?p=<id> for every post and page kept its WordPress "
                     f"id; {len(self.redirects)} old slug(s):")
        lines.extend(f"  {old} -> {new}" for old, new in self.redirects)
        lines.append(f"Media URLs on the old site to move ({len(self.media)}); the content "
                     "still points at them and the site's CSP will not load them until moved:")
        lines.extend(f"  {url}" for url in sorted(self.media))
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)


def permalink_path(post: Post) -> str:
    if post.type == "page":
        return f"/{post.slug}/"
    local = post.published_local
    if local is None:
        return f"/?p={post.id}"
    return f"/{local:%Y/%m/%d}/{post.slug}/"


class Importer:
    def __init__(self, summary: Summary):
        self.report = Report()
        self.users: dict[str, int] = {}  # login -> id
        self.wp_authors: dict[int, int] = {}  # WordPress author id -> our id
        self.categories: dict[str, int] = {}  # slug -> id
        self.tags: dict[str, int] = {}
        self.parents: dict[str, str] = {}  # category slug -> parent nicename
        self.parents_done = False
        self.outcomes: dict[tuple[str, str], str] = {}  # (kind, slug) -> outcome
        self.hosts = {urlsplit(u).hostname.lower() for u in (*summary.base_urls, summary.link)
                      if u and urlsplit(u).hostname}
        self.pending = 0

    # -- authors --------------------------------------------------------------
    def author(self, fields: dict) -> None:
        login = _clip(fields.get("wp:author_login", "").strip(), 60)
        if not login:
            return
        user_id = self._user(login, fields.get("wp:author_display_name", "").strip(),
                             fields.get("wp:author_email", "").strip())
        wp_id = _int(fields.get("wp:author_id"))
        if wp_id:
            self.wp_authors[wp_id] = user_id

    def _user(self, login: str, display_name: str = "", email: str = "") -> int:
        if login in self.users:
            return self.users[login]
        user = db.session.scalar(sa.select(User).where(User.login == login))
        if user is None:
            user = User(login=login, display_name=_clip(display_name or login, 250),
                        email=_clip(email, 254), password_hash="", role="author",
                        slug=unique_slug(User.slug, slugify(login) or "author"))
            db.session.add(user)
            db.session.flush()
            self.report.add("authors", "imported")
        else:
            self.report.add("authors", "skipped")
        self.users[login] = user.id
        return user.id

    # -- terms ----------------------------------------------------------------
    def category(self, fields: dict) -> None:
        slug = fields.get("wp:category_nicename", "").strip()
        self._category(slug, fields.get("wp:cat_name", "").strip(),
                       fields.get("wp:category_description", "").strip(),
                       fields.get("wp:category_parent", "").strip())

    def tag(self, fields: dict) -> None:
        self._tag(fields.get("wp:tag_slug", "").strip(), fields.get("wp:tag_name", "").strip(),
                  fields.get("wp:tag_description", "").strip())

    def term(self, fields: dict) -> None:
        taxonomy = fields.get("wp:term_taxonomy", "").strip()
        slug, label = fields.get("wp:term_slug", "").strip(), fields.get("wp:term_name", "")
        description = fields.get("wp:term_description", "").strip()
        if taxonomy == "category":
            self._category(slug, label.strip(), description,
                           fields.get("wp:term_parent", "").strip())
        elif taxonomy == "post_tag":
            self._tag(slug, label.strip(), description)

    def _category(self, slug, label, description="", parent="", declared=True) -> int | None:
        slug = _clip(slug or slugify(label), 200)
        if slug and declared and parent and parent != slug:
            self.parents[slug] = parent
        return self._term(Category, "categories", self.categories, slug, label, description,
                          declared)

    def _tag(self, slug, label, description="", declared=True) -> int | None:
        slug = _clip(slug or slugify(label), 200)
        return self._term(Tag, "tags", self.tags, slug, label, description, declared)

    def _term(self, model, kind: str, known: dict, slug: str, label: str, description: str,
              declared: bool) -> int | None:
        """A category or tag by its slug: created, updated from its declaration, or
        just looked up when an item names it."""
        if not slug:
            return None
        if slug in known and not declared:
            return known[slug]
        row = db.session.scalar(sa.select(model).where(model.slug == slug))
        values = {"name": _clip(label or slug, 200)}
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
            outcome = self._apply(row, values)
        self._outcome(kind, slug, outcome)
        known[slug] = row.id
        return row.id

    def _outcome(self, kind: str, slug: str, outcome: str) -> None:
        """A term may show up several times (declared, then on items): count it once,
        by its strongest outcome."""
        rank = {"skipped": 0, "updated": 1, "imported": 2}
        before = self.outcomes.get((kind, slug))
        if before is None or rank[outcome] > rank[before]:
            self.outcomes[(kind, slug)] = outcome

    def count_terms(self) -> None:
        for (kind, _slug), outcome in self.outcomes.items():
            self.report.add(kind, outcome)

    def resolve_parents(self) -> None:
        """Category parents by nicename, once every declared category is known."""
        if self.parents_done:
            return
        self.parents_done = True
        for slug, parent in self.parents.items():
            parent_id = self.categories.get(parent) or db.session.scalar(
                sa.select(Category.id).where(Category.slug == parent))
            if parent_id is None:
                self.report.notes.append(f"category {slug!r}: parent {parent!r} is not in the "
                                         "file; imported at the top level")
                continue
            row = db.session.get(Category, self.categories[slug])
            if row.parent_id != parent_id and not self._makes_cycle(row.id, parent_id):
                row.parent_id = parent_id
                self._outcome("categories", slug, "updated")
        db.session.flush()

    def _makes_cycle(self, row_id: int, parent_id: int) -> bool:
        seen = {row_id}
        current: int | None = parent_id
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = db.session.scalar(sa.select(Category.parent_id)
                                        .where(Category.id == current))
        return False

    @staticmethod
    def _apply(row, values: dict) -> str:
        changed = False
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
        return "updated" if changed else "skipped"

    # -- items ----------------------------------------------------------------
    def item(self, item: dict) -> None:
        self.resolve_parents()
        kind = item.get("wp:post_type", "").strip()
        status = STATUSES.get(item.get("wp:status", "").strip())
        post_id = _int(item.get("wp:post_id"))
        if kind not in ("post", "page"):
            self.report.skipped_items[kind or "no type"] += 1
            return
        if status is None:
            wp_status = item.get("wp:status", "").strip() or "no status"
            self.report.skipped_items[f"{kind} ({wp_status})"] += 1
            return
        if post_id is None:
            self.report.skipped_items[f"{kind} without an id"] += 1
            return
        post, outcome = self._post(post_id, kind, status, item)
        changed = self._terms(post, item["terms"])
        self._old_slugs(post, item["postmeta"])
        changed |= self._comments(post, item["comments"])
        if changed and outcome == "skipped":
            outcome = "updated"
        self.report.add("posts" if kind == "post" else "pages", outcome)
        self.pending += 1
        if self.pending >= FLUSH_EVERY:
            db.session.flush()
            db.session.expunge_all()  # memory stays flat on big exports
            self.pending = 0

    def _post(self, post_id: int, kind: str, status: str, item: dict) -> tuple[Post, str]:
        title = _clip(item.get("title", "").strip(), 500)
        raw = item.get("content:encoded", "")
        source = prepare(raw)
        self.report.media |= media_urls(raw, self.hosts)
        local = written = _when(item.get("wp:post_date"))
        moment = _when(item.get("wp:post_date_gmt"))
        if moment is None and status in ("draft", "pending"):
            # WordPress marks an undated draft with a zero GMT date: it has no
            # publication time yet (its post_date is only when it was written).
            local = None
        published_at = moment.replace(tzinfo=UTC) if moment else (
            dates.from_local(local) if local else None)
        if local is None and published_at is not None:
            local = dates.to_local(published_at)
        creator = item.get("dc:creator", "").strip()
        values = {
            "type": kind, "status": status, "title": title,
            "password": _clip(item.get("wp:post_password", ""), 255),
            "source": source, "format": "html", "content_html": render(source, "html"),
            "excerpt": text_of(item.get("excerpt:encoded", "").replace("\x00", "")),
            "comments_open": item.get("wp:comment_status", "open").strip() != "closed",
            "sticky": item.get("wp:is_sticky", "0").strip() == "1",
            "author_id": self._user(_clip(creator, 60)) if creator else None,
        }
        if published_at is not None:
            values["published_at"] = published_at
            values["published_local"] = local
        slug = _clip(item.get("wp:post_name", "").strip(), 200)
        post = db.session.get(Post, post_id)
        if post is not None:
            if post.type != kind:
                raise WXRError(f"post id {post_id} in the file is a {kind}, but that id is "
                               f"already taken here by the {post.type} {post.slug!r}")
            if slug and slug != post.slug:
                values["slug"] = self._free_slug(slug, kind, post_id)
            return post, self._apply(post, values)
        if published_at is None and status in ("published", "scheduled", "private"):
            values["published_at"] = datetime.now(UTC).replace(microsecond=0)
            values["published_local"] = dates.to_local(values["published_at"])
        created = values.get("published_at") or (
            dates.from_local(written) if written else datetime.now(UTC))
        values["slug"] = self._free_slug(slug or slugify(title) or f"{kind}-{post_id}",
                                         kind, post_id)
        post = Post(id=post_id, created_at=created, modified_at=created, comment_count=0,
                    **values)
        db.session.add(post)
        db.session.flush()
        return post, "imported"

    def _free_slug(self, slug: str, kind: str, post_id: int) -> str:
        taken = db.session.scalar(sa.select(Post.id).where(
            Post.type == kind, Post.slug == slug, Post.id != post_id))
        if taken is None:
            return slug
        new = unique_slug(Post.slug, slug, Post.type == kind)
        self.report.notes.append(f"{kind} {post_id}: slug {slug!r} is taken by {kind} {taken}; "
                                 f"imported as {new!r}")
        return new

    def _terms(self, post: Post, terms) -> bool:
        wanted_categories, wanted_tags = set(), set()
        for domain, nicename, label in terms:
            if domain == "category":
                found = self._category(nicename, label, declared=False)
                if found:
                    wanted_categories.add(found)
            elif domain in ("post_tag", "tag"):
                found = self._tag(nicename, label, declared=False)
                if found:
                    wanted_tags.add(found)
        changed = self._link(post_categories, "category_id", post.id, wanted_categories)
        return changed | self._link(post_tags, "tag_id", post.id, wanted_tags)

    @staticmethod
    def _link(table, column: str, post_id: int, wanted: set[int]) -> bool:
        have = set(db.session.execute(
            sa.select(table.c[column]).where(table.c.post_id == post_id)).scalars())
        if have == wanted:
            return False
        if have - wanted:
            db.session.execute(table.delete().where(
                table.c.post_id == post_id, table.c[column].in_(have - wanted)))
        if wanted - have:
            db.session.execute(table.insert(), [{"post_id": post_id, column: value}
                                                for value in sorted(wanted - have)])
        return True

    def _old_slugs(self, post: Post, postmeta) -> None:
        olds = {_clip(v.strip(), 200) for k, v in postmeta if k == "_wp_old_slug" and v.strip()}
        olds.discard(post.slug)
        have = set(db.session.scalars(sa.select(OldSlug.slug).where(OldSlug.post_id == post.id)))
        for old in sorted(olds):
            if old in have:
                self.report.add("old slugs", "skipped")
                continue
            db.session.add(OldSlug(post_id=post.id, slug=old))
            self.report.add("old slugs", "imported")
            if post.type == "post" and post.published_local is not None:
                self.report.redirects.append(
                    (f"/{post.published_local:%Y/%m/%d}/{old}/", permalink_path(post)))

    def _comments(self, post: Post, comments) -> bool:
        parsed = {}
        for fields in comments:
            comment_id = _int(fields.get("wp:comment_id"))
            status = COMMENT_STATUSES.get(fields.get("wp:comment_approved", "").strip())
            if comment_id is None or status is None or comment_id in parsed:
                self.report.add("comments", "skipped")
                continue
            parsed[comment_id] = (fields, status)
        if not parsed:
            return False
        existing = {c.id: c for c in db.session.scalars(
            sa.select(Comment).where(Comment.id.in_(parsed)))}
        parents = {}
        for comment_id, (fields, _status) in parsed.items():
            parent = _int(fields.get("wp:comment_parent"))
            if parent and parent not in parsed:
                parent = db.session.scalar(sa.select(Comment.id).where(
                    Comment.id == parent, Comment.post_id == post.id))
            parents[comment_id] = parent

        def chain(comment_id):
            seen, current, path = {comment_id}, parents.get(comment_id), []
            while current is not None:
                if current in seen:  # a loop in the file: cut it here
                    parents[comment_id] = None
                    return [], None
                seen.add(current)
                path.append(current)
                current = parents.get(current) if current in parsed else None
            return path, (path[-1] if path else None)

        order = []
        threads = {}
        for comment_id in parsed:
            path, top = chain(comment_id)
            threads[comment_id] = top if parents[comment_id] else None
            order.append((len(path), comment_id))
        for _depth, comment_id in sorted(order):
            fields, status = parsed[comment_id]
            self._comment(post, comment_id, fields, status, parents[comment_id],
                          threads[comment_id], existing.get(comment_id))
        db.session.flush()
        count = db.session.scalar(sa.select(sa.func.count(Comment.id)).where(
            Comment.post_id == post.id, Comment.status == "approved"))
        if post.comment_count != count:
            # A count is not an edit: modified_at stays as it was.
            db.session.execute(
                sa.update(Post).where(Post.id == post.id)
                .values(comment_count=count, modified_at=Post.modified_at)
                .execution_options(synchronize_session="fetch"))
            return True
        return False

    def _comment(self, post, comment_id, fields, status, parent, thread, row) -> None:
        local = _when(fields.get("wp:comment_date"))
        moment = _when(fields.get("wp:comment_date_gmt"))
        created = moment.replace(tzinfo=UTC) if moment else (
            dates.from_local(local) if local else None)
        kind = fields.get("wp:comment_type", "").strip()
        values = {
            "post_id": post.id, "parent_id": parent, "thread_id": thread,
            "type": kind if kind in ("pingback", "trackback") else "comment",
            "status": status,
            "author_name": _clip(fields.get("wp:comment_author", "").strip(), 250),
            "author_email": _clip(fields.get("wp:comment_author_email", "").strip(), 254),
            "author_url": _clip(fields.get("wp:comment_author_url", "").strip(), 500),
            "ip": _clip(fields.get("wp:comment_author_IP", "").strip(), 45),
            "content_html": clean_comment_html(autop(fields.get("wp:comment_content", ""))),
            "user_id": self.wp_authors.get(_int(fields.get("wp:comment_user_id")) or 0),
        }
        if created is not None:
            values["created_at"] = created
        if row is not None:
            if row.post_id != post.id:
                raise WXRError(f"comment id {comment_id} in the file belongs to post {post.id}, "
                               f"but that id is already taken here by a comment on post "
                               f"{row.post_id}")
            self.report.add("comments", self._apply(row, values))
            return
        values.setdefault("created_at", datetime.now(UTC).replace(microsecond=0))
        db.session.add(Comment(id=comment_id, user_agent="", held_reason="", **values))
        self.report.add("comments", "imported")


def bump_sequences(connection) -> None:
    """Explicit ids leave PostgreSQL's sequences behind: move them past the max."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("posts", "comments", "users", "categories", "tags", "old_slugs"):
        statement = (  # table names come from the tuple above, never from input
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
        connection.exec_driver_sql(statement)


def run(path) -> str:
    """Check, import in one transaction, commit; the report. Raises ClickException."""
    try:
        summary = check(path)
    except WXRError as error:
        raise click.ClickException(str(error)) from None
    importer = Importer(summary)
    handlers = {"author": importer.author, "category": importer.category,
                "tag": importer.tag, "term": importer.term}
    try:
        with click.progressbar(length=summary.items, label="Importing items") as bar:
            for kind, fields in records(path):
                if kind == "item":
                    importer.item(fields)
                    bar.update(1)
                else:
                    handlers[kind](fields)
        importer.resolve_parents()
        importer.count_terms()
        db.session.flush()
        if importer.report.changed():
            bump_sequences(db.session.connection())
            bump(db.session)  # link tables change through Core statements
        db.session.commit()
    except WXRError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}; nothing was imported.") from None
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        raise click.ClickException(
            f"the database refused the import ({reason}); nothing was imported.") from None
    except BaseException:
        db.session.rollback()
        raise
    return importer.report.text(path, summary)

