"""WordPress attachments (wp:post_type attachment) as media, and the content
that shows them pointed at the new files.

Read in a pass of their own before the posts (an export puts items in id
order, so a post often comes before the images it shows): each attachment
whose file is in the uploads folder (uploads.py) is accepted by its bytes
(media.images.accept: metadata stripped, anything but an image refused) and
stored by media.library.add, in the import's one transaction; its WordPress
id is kept in ImportedMedia, so a re-import finds it and stores nothing again.
If the import then fails, library.add's rollback hook removes every file
written. Then each post's content is rewritten (rewrite()): src, href and
data-src of an upload (any size of it, on the old hosts, Jetpack's CDN, or as
a bare path) become /media/<key> of its original, and a srcset naming one is
dropped (the renderer makes its own); [gallery] renders through gallery.py.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import sqlalchemy as sa
from flask import current_app

from .. import dates
from ..extensions import db
from ..markup import text_of
from ..media import library
from ..media.images import Refused, accept
from ..media.old_paths import candidates, clean
from ..models import ImportedMedia, Media, User
from . import gallery
from .content import prepare
from .ids import Ids
from .report import Report
from .uploads import Unreadable, host_and_path, open_upload, path_in_url
from .values import clip, number, when

_URL_ATTRIBUTE = re.compile(
    r"""(\s)(src|href|data-src|poster)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_SRCSET_TAG = re.compile(r"<(?:img|source)\b[^>]*\ssrcset\s*=[^>]*>", re.I)
_SRCSET = re.compile(r"""\s(?:srcset|sizes)\s*=\s*(?:"[^"]*"|'[^']*')""", re.I)
_SRCSET_VALUE = re.compile(r"""\ssrcset\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
# A site that keeps uploads elsewhere still files them by month.
_DATED = re.compile(r"(?:^|/)([0-9]{4}/[0-9]{2}/[^/]+)$")


@dataclass(frozen=True)
class Image:
    media_id: int
    key: str
    alt: str
    caption: str
    width: int
    height: int

    @property
    def url(self) -> str:
        # The stored form, whatever the storage: /media/ redirects to a bucket.
        return f"/media/{self.key}"


def _image(media: Media) -> Image:
    return Image(media.id, media.key, media.alt, media.caption, media.width, media.height)


class Attachments:
    def __init__(self, ids: Ids, report: Report, hosts: set[str], uploads: Path | None,
                 user_of):
        self.ids = ids
        self.report = report
        self.hosts = hosts
        self.uploads = uploads
        self.user_of = user_of  # login -> our user id
        self.by_wp_id: dict[int, Image] = {}
        self.by_path: dict[str, Image] = {}
        self.children: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.bases: dict[str, set[str]] = defaultdict(set)  # host -> uploads folders on it
        self.unparented: list[tuple[int, int]] = []  # (media id, WordPress parent)

    # -- the attachment items -------------------------------------------------
    def item(self, item: dict) -> None:
        wp_id = number(item.get("wp:post_id"))
        if wp_id is None:
            self.report.skipped_items["attachment without an id"] += 1
            return
        meta = {}
        for key, value in item["postmeta"]:
            meta.setdefault(key, value)
        relative, hostile = self._path(meta.get("_wp_attached_file", ""),
                                       item.get("wp:attachment_url", ""))
        parent = number(item.get("wp:post_parent"))
        if parent:
            order = number(item.get("wp:menu_order")) or 0
            self.children[parent].append((order, wp_id))
        media = db.session.scalar(
            sa.select(Media).join(ImportedMedia, ImportedMedia.media_id == Media.id)
            .where(ImportedMedia.source == self.ids.source, ImportedMedia.wp_id == wp_id))
        if media is not None:
            self._know(wp_id, media)
            self.report.add("media", "skipped")
            if parent and media.post_id is None:
                self.unparented.append((media.id, parent))
            return
        if self.uploads is None:
            self.report.skipped_items["attachment"] += 1  # the report lists what to copy
            return
        if hostile:
            self.report.media_refused.append((hostile, "not a path inside the uploads folder"))
            return
        if relative is None:
            where = item.get("wp:attachment_url", "").strip() or f"attachment {wp_id}"
            self.report.media_missing.append(f"{where} (no file path in the export)")
            return
        media = self._store(relative, item, meta)
        if media is None:
            return
        db.session.add(ImportedMedia(source=self.ids.source, wp_id=wp_id, media_id=media.id))
        self._know(wp_id, media)
        self.report.add("media", "imported")
        if parent:
            self.unparented.append((media.id, parent))

    def _path(self, attached: str, url: str) -> tuple[str | None, str | None]:
        """(the file's path under the uploads folder, or None; the hostile path
        given, if it was one) from _wp_attached_file, else from the URL; and
        where the site kept its uploads, learnt from the URL."""
        attached = attached.strip()
        relative = clean(attached) if attached else None
        if attached and relative is None:
            return None, attached
        found = path_in_url(url)
        if found is not None:
            host, base, from_url = found
            if relative is None or relative == from_url:
                self.bases[host].add(base)
                return relative or from_url, None
        where = host_and_path(url)
        if where is not None:
            host, path = where
            path = unquote(path)
            if relative is None:
                dated = _DATED.search(path)
                relative = clean(dated.group(1)) if dated else None
            if relative and path.endswith("/" + relative):
                self.bases[host].add(path[:len(path) - len(relative)])
        return relative, None

    def _store(self, relative: str, item: dict, meta: dict) -> Media | None:
        config = current_app.config
        try:
            with open_upload(self.uploads, relative, config["MEDIA_MAX_BYTES"]) as stream:
                accepted = accept(stream, config["MEDIA_MAX_PIXELS"])
        except Unreadable as error:
            if error.missing:
                self.report.media_missing.append(relative)
            else:
                self.report.media_refused.append((relative, error.message))
            return None
        except Refused as error:
            self.report.media_refused.append((relative, error.message))
            return None
        moment = when(item.get("wp:post_date_gmt"))
        local = when(item.get("wp:post_date"))
        created = (moment.replace(tzinfo=UTC) if moment
                   else dates.from_local(local) if local else None)
        creator = clip(item.get("dc:creator", "").strip(), 60)
        owner = db.session.get(User, self.user_of(creator)) if creator else None
        return library.add(
            accepted, original_name=clip(posixpath.basename(relative), 255), owner=owner,
            alt=clip(meta.get("_wp_attachment_image_alt", "").strip(), 1000),
            caption=clip(text_of(item.get("excerpt:encoded", "")), 2000),
            title=clip(item.get("title", "").strip(), 500), source_path=relative,
            created_at=created)

    def _know(self, wp_id: int, media: Media) -> None:
        image = _image(media)
        self.by_wp_id[wp_id] = image
        if media.source_path:
            self.by_path.setdefault(media.source_path, image)

    def link_parents(self) -> None:
        """Each new image to the post it was uploaded to (wp:post_parent), once
        the posts are in: a [gallery] without ids shows these."""
        for media_id, wp_parent in self.unparented:
            ours = self.ids.post(wp_parent)
            media = db.session.get(Media, media_id)
            if ours is not None and media is not None and media.post_id is None:
                media.post_id = ours

    # -- the content that shows them ------------------------------------------
    def find(self, url: str) -> Image | None:
        """The image an upload URL of the old site names, at whatever size."""
        where = host_and_path(unescape(url))
        if where is None:
            return None
        host, path = where
        if host and host not in self.hosts and host not in self.bases:
            return None
        found = path_in_url(unescape(url))
        relative = found[2] if found else None
        if relative is None:
            for base in self.bases.get(host, ()):
                if path.startswith(base):
                    relative = clean(path[len(base):])
                    break
        if relative is None:
            return None
        for candidate in candidates(relative):
            if candidate in self.by_path:
                return self.by_path[candidate]
        return None

    def rewrite(self, html: str) -> str:
        """`html` with every reference to a known upload pointing at its media."""
        if not self.by_path:
            return html

        def without_srcset(match):
            # A srcset of the old sizes goes, and its sizes with it: the renderer
            # offers the new ones.
            tag = match.group(0)
            found = _SRCSET_VALUE.search(tag)
            value = (found.group(1) if found.group(1) is not None else found.group(2)) or ""
            urls = [part.split()[0] for part in value.split(",") if part.split()]
            if not any(self.find(url) for url in urls):
                return tag
            self.report.media_rewritten += 1
            return _SRCSET.sub("", tag)

        def replace(match):
            value = match.group(3) if match.group(3) is not None else match.group(4)
            image = self.find(value)
            if image is None:
                return match.group(0)
            self.report.media_rewritten += 1
            return f'{match.group(1)}{match.group(2)}="{image.url}"'

        return _URL_ATTRIBUTE.sub(replace, _SRCSET_TAG.sub(without_srcset, html))

    def gallery(self, attrs: dict[str, str], wp_post_id: int) -> str:
        listed = attrs.get("ids") or attrs.get("include")
        if listed:
            wanted = [number(part) for part in listed.split(",")]
        else:
            parent = number(attrs.get("id")) or wp_post_id
            wanted = [wp_id for _order, wp_id in sorted(self.children.get(parent, ()))]
        left_out = {number(part) for part in (attrs.get("exclude") or "").split(",")}
        images = [self.by_wp_id[wp_id] for wp_id in wanted
                  if wp_id in self.by_wp_id and wp_id not in left_out]
        if not images:
            return ""
        self.report.galleries += 1
        return gallery.render(images, attrs)

    def featured(self, postmeta) -> int | None:
        """Our media id for the post's featured image (_thumbnail_id), if imported."""
        for key, value in postmeta:
            if key == "_thumbnail_id":
                image = self.by_wp_id.get(number(value))
                if image is not None:
                    return image.media_id
        return None

    def prepare(self, raw: str, wp_post_id: int) -> tuple[str, str]:
        """(the rewritten WordPress content, the HTML source we store)."""
        rewritten = self.rewrite(raw)
        return rewritten, prepare(rewritten, lambda attrs: self.gallery(attrs, wp_post_id))
