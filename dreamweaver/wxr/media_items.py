"""Media in a WXR export, as WordPress writes attachments: an item of type
attachment with wp:attachment_url (absolute), guid, wp:post_parent,
_wp_attached_file and _wp_attachment_image_alt; its caption as the excerpt.

Where a file is said to be: <site>/wp-content/uploads/<path>, <path> being
the one it had on the WordPress site it was imported from (Media.source_path),
else its storage key (2026/12/5f3a9c0e1b2d4a68.jpg: the year/month folders
WordPress uses too). This site answers both addresses with a redirect to the
file (media/views.py), so the URLs in the export work as links, WordPress's
importer can fetch them, and `export-wxr --uploads DIR` writes the files at
those paths for an `import-wxr --uploads DIR` elsewhere.

Attachments share WordPress's id space with posts: each is numbered after the
highest post id (wp_id), so no attachment takes a post's id.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from .. import dates
from ..extensions import db
from ..media import storage
from ..media.library import media_in
from ..media.old_paths import clean
from ..models import Media, Post
from ..slugs import slugify

CHUNK = 500


class MediaItems:
    def __init__(self, exporter, uploads=None):
        self.exporter = exporter
        self.uploads = Path(uploads).resolve() if uploads is not None else None
        self.base = db.session.scalar(sa.select(sa.func.max(Post.id))) or 0
        self.paths: dict[int, str] = {}  # media id -> exported path, for content's references
        self.missing: list[str] = []  # keys whose file the storage did not have
        site = re.escape(exporter.site_url)
        self._url = re.compile(rf"(?:{site})?/media/([0-9]{{4}}/[0-9]{{2}}/[0-9a-f]{{16}})"
                               r"(?:-[0-9]{1,5}w)?\.(?:jpg|png|gif|webp|avif)")

    def wp_id(self, media_id: int) -> int:
        return self.base + media_id

    def path(self, media: Media) -> str:
        """Its path under wp-content/uploads/: its old one, unless an older
        media (from another site) had the same; else its key."""
        if media.id in self.paths:
            return self.paths[media.id]
        path = clean(media.source_path) if media.source_path else None
        if path and db.session.scalar(sa.select(sa.exists().where(
                Media.source_path == media.source_path, Media.id < media.id))):
            path = None
        return path or media.key

    def url(self, media: Media) -> str:
        return f"{self.exporter.site_url}/wp-content/uploads/{quote(self.path(media))}"

    def content(self, html: str) -> str:
        """`html` with this site's /media/ addresses (any variant) as the URLs
        of the attachments' files."""
        shown = {media.key.rsplit(".", 1)[0]: media for media in media_in(html or "")}
        if not shown:
            return html
        for media in shown.values():
            self.paths[media.id] = self.path(media)

        def replace(match):
            media = shown.get(match.group(1))
            return self.url(media) if media is not None else match.group(0)

        return self._url.sub(replace, html)

    def items(self) -> None:
        last = 0
        while True:
            rows = db.session.scalars(sa.select(Media).where(Media.id > last)
                                      .order_by(Media.id).limit(CHUNK)).all()
            if not rows:
                return
            for media in rows:
                self.item(media)
            last = rows[-1].id
            db.session.expunge_all()  # memory stays flat on big sites

    def item(self, media: Media) -> None:
        from .exporter import el, escape, format_datetime, utc, wp_date

        write = self.exporter.write
        path = self.path(media)
        url = self.url(media)
        login = self.exporter.logins.get(media.owner_id, "")
        slug = slugify(media.title or media.original_name.rsplit(".", 1)[0]) or f"media-{media.id}"
        write(
            "\n\t<item>\n",
            "\t\t", el("title", media.title), "\n",
            "\t\t", el("link", url), "\n",
            "\t\t<pubDate>", format_datetime(media.created_at), "</pubDate>\n",
            "\t\t", el("dc:creator", login, raw=True), "\n",
            f'\t\t<guid isPermaLink="false">{escape(url)}</guid>\n',
            "\t\t<description></description>\n",
            "\t\t", el("content:encoded", "", raw=True), "\n",
            "\t\t", el("excerpt:encoded", escape(media.caption or ""), raw=True), "\n",
            "\t\t", el("wp:post_id", self.wp_id(media.id)), "\n",
            "\t\t", el("wp:post_date", wp_date(dates.to_local(media.created_at)), raw=True), "\n",
            "\t\t", el("wp:post_date_gmt", wp_date(utc(media.created_at)), raw=True), "\n",
            "\t\t", el("wp:comment_status", "closed", raw=True), "\n",
            "\t\t", el("wp:ping_status", "closed", raw=True), "\n",
            "\t\t", el("wp:post_name", slug, raw=True), "\n",
            "\t\t", el("wp:status", "inherit", raw=True), "\n",
            "\t\t", el("wp:post_parent", media.post_id or 0), "\n",
            "\t\t", el("wp:menu_order", 0), "\n",
            "\t\t", el("wp:post_type", "attachment", raw=True), "\n",
            "\t\t", el("wp:post_password", "", raw=True), "\n",
            "\t\t", el("wp:is_sticky", 0), "\n",
            "\t\t", el("wp:attachment_url", url, raw=True), "\n",
            "\t\t<wp:postmeta>", el("wp:meta_key", "_wp_attached_file", raw=True),
            el("wp:meta_value", path, raw=True), "</wp:postmeta>\n",
        )
        if media.alt:
            write("\t\t<wp:postmeta>", el("wp:meta_key", "_wp_attachment_image_alt", raw=True),
                  el("wp:meta_value", media.alt, raw=True), "</wp:postmeta>\n")
        write("\t</item>\n")
        self.exporter.counts["media"] += 1
        self.save(media, path)

    def save(self, media: Media, path: str) -> None:
        """The original's file into the --uploads folder, at `path`."""
        if self.uploads is None:
            return
        target = (self.uploads / path).resolve()
        if not target.is_relative_to(self.uploads):
            raise ValueError(f"{path!r} is not a path inside {self.uploads}")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.current().open(media.key) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            self.missing.append(media.key)
