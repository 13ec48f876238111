"""Import a WXR file in one transaction (pass 2), with a verification report.

Idempotent: posts and comments are matched by their site and WordPress id
(ids.py; they keep that id as theirs unless content from elsewhere holds it),
categories and tags by slug, authors by login; a second run of the same file
finds every row as it left it and changes nothing.

Memory stays flat however big the file (tests/wxr/test_wxr_memory.py): the reader
streams, each item is flushed as it is written (still one transaction), and
the session's identity map holds flushed rows only weakly, so they go once the
importer lets go of them. What lives for the whole run is small: the term,
author and page maps and the report.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import click
import sqlalchemy as sa

from .. import dates
from ..budget import InputTooSlow
from ..caching import bump
from ..extensions import db
from ..markup import as_plain_text, text_of
from ..media.library import media_in
from ..models import OldSlug, Post, User, post_categories, post_tags
from ..permalinks import MAX_PAGE_DEPTH, page_paths
from ..publishing import edited, page_parents, render_post, settle
from ..sanitize.htmlshape import TooComplex
from ..slugs import is_reserved_page_slug, slugify, unique_slug
from .attachments import Attachments
from .content import media_urls
from .ids import Ids, bump_sequences, make_room, source_of
from .menus import MenuImport
from .reader import Summary, WXRError, check, records
from .report import Report, permalink_path
from .terms import Terms
from .thread import import_comments
from .values import apply, clip, number, when

STATUSES = {"publish": "published", "future": "scheduled", "draft": "draft",
            "pending": "pending", "private": "private", "trash": "trash"}


class Importer:
    def __init__(self, summary: Summary, uploads: Path | None = None):
        self.report = Report()
        self.report.uploads = uploads
        self.terms = Terms(self.report)
        self.users: dict[str, int] = {}  # login -> id
        self.wp_authors: dict[int, int] = {}  # WordPress author id -> our id
        # WordPress id -> (WordPress parent, our id, whether it was imported now)
        self.pages: dict[int, tuple[int | None, int, bool]] = {}
        # Old addresses of pages, told in the report once their parents are known.
        self.page_redirects: list[tuple[str, int]] = []
        self.ids = Ids(source_of(summary))
        self.hosts = {urlsplit(u).hostname.lower() for u in (*summary.base_urls, summary.link)
                      if u and urlsplit(u).hostname}
        self.attachments = Attachments(self.ids, self.report, self.hosts, uploads, self._user)
        self.menu = MenuImport(self.report, self.hosts)

    def term(self, fields: dict) -> None:
        self.terms.term(fields)
        self.menu.term(fields)

    # -- authors --------------------------------------------------------------
    def author(self, fields: dict) -> None:
        login = clip(fields.get("wp:author_login", "").strip(), 60)
        if not login:
            return
        user_id = self._user(login, fields.get("wp:author_display_name", "").strip(),
                             fields.get("wp:author_email", "").strip())
        wp_id = number(fields.get("wp:author_id"))
        if wp_id:
            self.wp_authors[wp_id] = user_id

    def _user(self, login: str, display_name: str = "", email: str = "") -> int:
        if login in self.users:
            return self.users[login]
        user = db.session.scalar(sa.select(User).where(User.login == login))
        if user is None:
            user = User(login=login, display_name=clip(display_name or login, 250),
                        email=clip(email, 254), password_hash="", role="author",
                        slug=unique_slug(User.slug, slugify(login) or "author"))
            db.session.add(user)
            db.session.flush()
            self.report.add("authors", "imported")
        else:
            self.report.add("authors", "skipped")
        self.users[login] = user.id
        return user.id

    # -- items ----------------------------------------------------------------
    def item(self, item: dict) -> None:
        self.terms.resolve_parents()
        kind = item.get("wp:post_type", "").strip()
        status = STATUSES.get(item.get("wp:status", "").strip())
        post_id = number(item.get("wp:post_id"))
        if kind == "attachment":
            return  # read in the pass before (attachments.py)
        if kind == "nav_menu_item":
            self.menu.item(item)  # made into the menu once every target is here
            return
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
        changed = self._media_used(post)
        changed |= self._terms(post, item["terms"])
        self._old_slugs(post, item["postmeta"])
        changed |= import_comments(post, item["comments"], self.report, self.wp_authors,
                                   self.ids)
        if changed and outcome == "skipped":
            outcome = "updated"
        self.report.add("posts" if kind == "post" else "pages", outcome)
        if kind == "page":
            self.pages[post_id] = (number(item.get("wp:post_parent")) or None, post.id,
                                   outcome == "imported")

    def _content_html(self, title: str, source: str) -> tuple[str, str]:
        """The post's HTML and its teaser (markup.render_teaser); as plain text
        without a teaser, with a note, when it is beyond what the site renders
        (the author can edit it down in /admin)."""
        try:
            # As the editor stores it (images as the variants that exist), so
            # that importing the same file again finds nothing changed.
            shown = render_post(source, "html")
            return shown.content_html, shown.teaser_html
        except (TooComplex, InputTooSlow) as error:
            self.report.notes.append(f"“{title}” was imported as plain text: {error}")
            return as_plain_text(source), ""

    def _post(self, post_id: int, kind: str, status: str, item: dict) -> tuple[Post, str]:
        title = clip(item.get("title", "").strip(), 500)
        raw, source = self.attachments.prepare(item.get("content:encoded", ""), post_id)
        self.report.media |= media_urls(raw, self.hosts | self.attachments.bases.keys())
        local = written = when(item.get("wp:post_date"))
        moment = when(item.get("wp:post_date_gmt"))
        if moment is None and status in ("draft", "pending"):
            # WordPress marks an undated draft with a zero GMT date: it has no
            # publication time yet (its post_date is only when it was written).
            local = None
        published_at = moment.replace(tzinfo=UTC) if moment else (
            dates.from_local(local) if local else None)
        if local is None and published_at is not None:
            local = dates.to_local(published_at)
        creator = item.get("dc:creator", "").strip()
        content_html, teaser_html = self._content_html(title, source)
        values = {
            "type": kind, "status": status, "title": title,
            "password": clip(item.get("wp:post_password", ""), 255),
            "source": source, "format": "html", "content_html": content_html,
            "teaser_html": teaser_html,
            "excerpt": text_of(item.get("excerpt:encoded", "").replace("\x00", "")),
            "comments_open": item.get("wp:comment_status", "open").strip() != "closed",
            "sticky": kind == "post" and item.get("wp:is_sticky", "0").strip() == "1",
            "author_id": self._user(clip(creator, 60)) if creator else None,
        }
        if published_at is not None:
            values["published_at"] = published_at
            values["published_local"] = local
        featured = self.attachments.featured(item["postmeta"])
        if featured is not None:
            values["featured_media_id"] = featured
            self.report.featured += 1
        slug = clip(item.get("wp:post_name", "").strip(), 200)
        created = values.get("published_at") or (
            dates.from_local(written) if written else None)
        post = self._match(post_id, kind, status, slug or slugify(title) or f"{kind}-{post_id}",
                           created)
        if post is not None:
            if post.type != kind:
                raise WXRError(f"post id {post_id} in the file is a {kind}, but this site "
                               f"imported it before as the {post.type} {post.slug!r}")
            if slug and slug != post.slug and not (
                    kind == "page" and is_reserved_page_slug(slug)):
                values["slug"] = self._free_slug(slug, kind, post_id, post.id)
            outcome = apply(post, values)
            if outcome == "updated":
                edited(post)  # the file changed the post: that is an edit of it
            return post, outcome
        if published_at is None and status in ("published", "scheduled", "private"):
            values["published_at"] = datetime.now(UTC).replace(microsecond=0)
            values["published_local"] = dates.to_local(values["published_at"])
        created = values.get("published_at") or created or datetime.now(UTC)
        taken = db.session.get(Post, post_id)
        new_id = None if taken else post_id
        values["slug"] = self._free_slug(slug or slugify(title) or f"{kind}-{post_id}",
                                         kind, post_id, new_id or 0)
        if taken:
            make_room("posts")
        post = Post(id=new_id, created_at=created, modified_at=created, comment_count=0,
                    **values)
        db.session.add(post)
        db.session.flush()
        self.ids.claim_post(post_id, post.id)
        if taken:
            self.report.renumbered[kind] += 1
            self.report.notes.append(
                f"{kind} {post_id}: that id is taken here by the {taken.type} {taken.slug!r}, "
                f"which this item did not make; imported as {kind} {post.id} "
                f"(/?p={post_id} still leads to the {taken.type} here; "
                f"/?p={post.id} to the imported one)")
        return post, "imported"

    @staticmethod
    def _media_used(post: Post) -> bool:
        """Which media the content shows (where each image is used), kept as an
        edit in /admin keeps it (publishing.py)."""
        wanted = media_in(post.content_html)
        if {m.id for m in post.media_used} == {m.id for m in wanted}:
            return False
        post.media_used = wanted
        return True

    def _match(self, post_id: int, kind: str, status: str, slug: str,
               created) -> Post | None:
        """The row this item made in an earlier import, if any: by the id map, or
        (a site imported before the map existed) the row at its id, unclaimed,
        of the same type, slug and creation time."""
        mapped = self.ids.post(post_id)
        if mapped is not None:
            return db.session.get(Post, mapped)
        row = db.session.get(Post, post_id)
        if row is None or row.type != kind or row.slug != slug:
            return None
        # An undated draft's creation time was the moment of that import.
        same_time = row.created_at == created if created else (
            row.published_at is None and row.status == status)
        if not same_time or self.ids.post_claimed(row.id):
            return None
        self.ids.claim_post(post_id, row.id)
        return row

    def _free_slug(self, slug: str, kind: str, post_id: int, our_id: int) -> str:
        """`slug` unless another post of this kind has it, or it is a page slug that
        would shadow one of the site's own routes (WordPress's "feed", "2024", ...)."""
        reserved = kind == "page" and is_reserved_page_slug(slug)
        taken = None if reserved else db.session.scalar(sa.select(Post.id).where(
            Post.type == kind, Post.slug == slug, Post.id != our_id))
        if taken is None and not reserved:
            return slug
        new = unique_slug(Post.slug, slug, Post.type == kind, Post.id != our_id,
                          reserved={slug} if reserved else frozenset())
        why = "is one of this site's own addresses" if reserved else (
            f"is taken by {kind} {taken}")
        self.report.notes.append(f"{kind} {post_id}: slug {slug!r} {why}; "
                                 f"imported as {new!r}")
        return new

    def _terms(self, post: Post, terms) -> bool:
        wanted_categories, wanted_tags = set(), set()
        for domain, nicename, label in terms:
            if domain == "category":
                found = self.terms.find_category(nicename, label)
                if found:
                    wanted_categories.add(found)
            elif domain in ("post_tag", "tag"):
                found = self.terms.find_tag(nicename, label)
                if found:
                    wanted_tags.add(found)
        changed = _link(post_categories, "category_id", post.id, wanted_categories)
        return changed | _link(post_tags, "tag_id", post.id, wanted_tags)

    def _old_slugs(self, post: Post, postmeta) -> None:
        olds = {clip(v.strip(), 200) for k, v in postmeta if k == "_wp_old_slug" and v.strip()}
        olds.discard(post.slug)
        for old in sorted(olds):
            if post.type == "page":
                address = f"/{old}/"
            elif post.published_local is not None:
                address = f"/{post.published_local:%Y/%m/%d}/{old}/"
            else:
                address = None  # an undated post: only /?p=<id> reaches it
            self._redirect(post, old, address)

    def _redirect(self, post: Post, old: str, address: str | None) -> None:
        """An old address of the post, kept once (a second run finds it)."""
        if db.session.scalar(sa.select(OldSlug.id).where(
                OldSlug.post_id == post.id, OldSlug.slug == old)):
            self.report.add("old slugs", "skipped")
            return
        db.session.add(OldSlug(post_id=post.id, slug=old))
        self.report.add("old slugs", "imported")
        if address and post.type == "page":
            self.page_redirects.append((address, post.id))  # its path needs its parents
        elif address:
            self.report.redirects.append((address, permalink_path(post)))

    def page_parents(self) -> None:
        """Each page under the page its wp:post_parent names, one of this file's
        or one an earlier import of the site made: run once every item is read,
        as a parent may come after its children. WordPress's /<parent>/<child>/
        is then the page's address. What the site cannot take (a missing parent,
        a loop, more than MAX_PAGE_DEPTH levels) is settled and noted."""
        parents = page_parents()  # the whole site's, so chains through older pages count
        wanted: dict[int, int | None] = {}
        for _wp_id, (wp_parent, our_id, _new) in self.pages.items():
            wanted[our_id] = self.pages[wp_parent][1] if wp_parent in self.pages else (
                (self.ids.post(wp_parent) or -wp_parent) if wp_parent else None)
        parents.update(wanted)
        wp_ids = {our_id: wp_id for wp_id, (_parent, our_id, _new) in self.pages.items()}
        for our_id, why in settle(parents):
            page = f"page {wp_ids.get(our_id, our_id)}"
            self.report.notes.append({
                "missing": f"{page}: its parent is not a page of this file or of an earlier "
                           "import; made top-level",
                "loop": f"{page}: its parents make a loop; made top-level",
                "deep": f"{page}: pages nest at most {MAX_PAGE_DEPTH} levels deep here; put "
                        f"under its ancestor at level {MAX_PAGE_DEPTH - 1}",
            }[why])
        moved = 0
        for _parent, our_id, new in self.pages.values():
            page = db.session.get(Post, our_id)
            if page.parent_id != parents[our_id]:
                page.parent_id = parents[our_id]
                if not new:
                    edited(page)  # a new address: an edit of the page
                    moved += 1
        if moved:
            self.report.notes.append(f"{moved} page(s) already here moved under their parent "
                                     "page, as the file has them")
        db.session.flush()
        paths = page_paths()
        self.report.redirects += [(old, f"/{paths[our_id]}/")
                                  for old, our_id in self.page_redirects]


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


def run(path, uploads: Path | None = None) -> str:
    """Check, import in one transaction, commit; the report. Raises ClickException.
    `uploads`: a copy of the old site's wp-content/uploads, whose files the
    attachments become (none is ever downloaded)."""
    try:
        summary = check(path)
    except WXRError as error:
        raise click.ClickException(str(error)) from None
    if uploads is not None and not Path(uploads).is_dir():
        raise click.ClickException(f"{uploads} is not a folder; nothing was imported.")
    importer = Importer(summary, Path(uploads) if uploads is not None else None)
    handlers = {"author": importer.author, "category": importer.terms.category,
                "tag": importer.terms.tag, "term": importer.term}
    try:
        # Attachments first: the posts that show them may come before them.
        for kind, fields in records(path):
            if kind == "author":
                importer.author(fields)
            elif kind == "item" and fields.get("wp:post_type", "").strip() == "attachment":
                importer.attachments.item(fields)
        with click.progressbar(length=summary.items, label="Importing items") as bar:
            for kind, fields in records(path):
                if kind == "item":
                    importer.item(fields)
                    bar.update(1)
                else:
                    handlers[kind](fields)
        importer.terms.resolve_parents()
        importer.terms.count()
        importer.page_parents()
        importer.attachments.link_parents()
        importer.menu.finish(importer.ids.post, importer.terms.wp_id)
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

