"""What an import did, kind by kind, told to the owner at the end."""

from __future__ import annotations

from collections import Counter

from ..models import Post
from ..permalinks import page_path
from .reader import Summary

KINDS = ("authors", "categories", "tags", "posts", "pages", "comments", "old slugs")


def permalink_path(post: Post) -> str:
    if post.type == "page":
        return f"/{page_path(post)}/"
    local = post.published_local
    if local is None:
        return f"/?p={post.id}"
    return f"/{local:%Y/%m/%d}/{post.slug}/"


class Report:
    def __init__(self):
        self.counts = {kind: Counter() for kind in (*KINDS, "media")}
        self.skipped_items: Counter = Counter()
        self.redirects: list[tuple[str, str]] = []
        self.media: set[str] = set()
        self.notes: list[str] = []
        self.dropped_urls = 0  # links that were not http(s) addresses
        # Items whose WordPress id is held here by content from elsewhere.
        self.renumbered: Counter = Counter()
        # Attachments (attachments.py): read from --uploads DIR when it is given.
        self.uploads = None
        self.media_missing: list[str] = []
        self.media_refused: list[tuple[str, str]] = []
        self.media_rewritten = 0
        self.galleries = 0
        self.featured = 0

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
        if self.dropped_urls:
            lines.append(f"  unsafe links dropped: {self.dropped_urls} commenter website(s) that "
                         "were not http:// or https:// addresses were stored empty")
        if self.renumbered:
            listed = ", ".join(f"{n} {kind}(s)" for kind, n in sorted(self.renumbered.items()))
            lines.append(f"  given new ids: {listed}, whose WordPress ids are taken here by "
                         "other content (left as it was)")
        lines.append(f"Redirects set up: /?p=<id> for every post and page that kept its "
                     f"WordPress id; {len(self.redirects)} old address(es):")
        lines.extend(f"  {old} -> {new}" for old, new in self.redirects)
        if self.uploads is not None or self.counts["media"]["skipped"]:
            lines.extend(self.media_text())
        if self.uploads is None:
            lines.append(f"Media URLs on the old site to move ({len(self.media)}); the content "
                         "still points at them and the site's CSP will not load them until "
                         "moved (copy the old site's wp-content/uploads folder here and import "
                         "again with --uploads DIR):")
        else:
            lines.append(f"Media URLs still pointing at the old site ({len(self.media)}): "
                         "files that are not in the uploads folder or are not attachments "
                         "of the export:")
        lines.extend(f"  {url}" for url in sorted(self.media))
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)

    def media_text(self) -> list[str]:
        c = self.counts["media"]
        source = f" from {self.uploads}" if self.uploads is not None else ""
        lines = [
            f"Images{source}: {c['imported'] + c['skipped']} found ({c['imported']} imported, "
            f"{c['skipped']} imported before), {len(self.media_missing)} missing, "
            f"{len(self.media_refused)} refused; {self.media_rewritten} reference(s) in "
            f"content rewritten to the new files, {self.galleries} gallery(ies) rendered, "
            f"{self.featured} featured image(s) set",
        ]
        if self.media_missing:
            lines.append(f"  missing (not in the uploads folder): {len(self.media_missing)}")
            lines.extend(f"    {path}" for path in self.media_missing)
        if self.media_refused:
            lines.append(f"  refused: {len(self.media_refused)}")
            lines.extend(f"    {path}: {reason}" for path, reason in self.media_refused)
        return lines
