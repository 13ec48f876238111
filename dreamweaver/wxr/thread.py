"""An item's comments, threaded as in the file: parents before their replies,
loops in the file cut, each reply's thread the top-level comment it hangs from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy as sa

from .. import dates
from ..budget import InputTooSlow
from ..extensions import db
from ..inputs import is_http_url, website
from ..markup import as_plain_text
from ..models import Comment, Post
from ..sanitize import clean_comment_html
from ..sanitize.htmlshape import TooComplex
from .content import autop
from .ids import Ids, make_room
from .report import Report
from .values import apply, clip, number, when

URL_LENGTH = Comment.author_url.type.length
STATUSES = {"1": "approved", "approve": "approved", "0": "pending", "hold": "pending",
            "spam": "spam", "trash": "trash", "post-trashed": "trash"}


class Here(NamedTuple):
    """A comment already on this site, by our id (a parent the file does not
    hold); the file's own comments go by their WordPress ids."""

    id: int


def import_comments(post: Post, comments: list[dict], report: Report,
                    wp_authors: dict[int, int], ids: Ids) -> bool:
    """Create or update the comments of `post`; True if its comment count changed."""
    parsed = {}
    for fields in comments:
        comment_id = number(fields.get("wp:comment_id"))
        status = STATUSES.get(fields.get("wp:comment_approved", "").strip())
        if comment_id is None or status is None or comment_id in parsed:
            report.add("comments", "skipped")
            continue
        parsed[comment_id] = (fields, status)
    if not parsed:
        return False
    mapped = ids.comments(parsed)
    rows = {c.id: c for c in db.session.scalars(
        sa.select(Comment).where(Comment.id.in_(set(parsed) | set(mapped.values()))))}
    parents, roots = _parents(post, parsed, ids)
    ours: dict[int, int] = {}  # WordPress id -> our id, parents first

    def our_id(ref):
        return None if ref is None else ref.id if isinstance(ref, Here) else ours[ref]

    claims = []
    for parent, thread, comment_id in _in_thread_order(parsed, parents, roots):
        fields, status = parsed[comment_id]
        values = _values(fields, status, wp_authors, report) | {
            "post_id": post.id, "parent_id": our_id(parent), "thread_id": our_id(thread)}
        row = rows.get(mapped[comment_id]) if comment_id in mapped else _unclaimed(
            rows.get(comment_id), post, values)
        if row is not None:
            if comment_id not in mapped:
                claims.append((comment_id, row.id))
            report.add("comments", apply(row, values))
            ours[comment_id] = row.id
            continue
        values.setdefault("created_at", datetime.now(UTC).replace(microsecond=0))
        row = Comment(user_agent="", held_reason="", **values)
        if db.session.get(Comment, comment_id) is None:
            row.id = comment_id
            db.session.add(row)
        else:  # a comment that did not come from this one holds its id
            make_room("comments")
            db.session.add(row)
            db.session.flush()
            report.renumbered["comment"] += 1
        ours[comment_id] = row.id
        claims.append((comment_id, row.id))
        report.add("comments", "imported")
    db.session.flush()
    for comment_id, row_id in claims:
        ids.claim_comment(comment_id, row_id)
    return _recount(post)


def _unclaimed(row: Comment | None, post: Post, values: dict) -> Comment | None:
    """A comment imported before the id map existed: at the file's id, on this
    post, made at the same moment, and claimed by no import."""
    if (row is None or row.post_id != post.id or row.created_at != values.get("created_at")
            or Ids.comment_claimed(row.id)):
        return None
    return row


def _parents(post: Post, parsed: dict, ids: Ids) -> tuple[dict, dict]:
    """Each comment's parent: in the file (its WordPress id) or already here on
    the same post (Here); and for the latter, the top of their thread."""
    wanted = {comment_id: number(fields.get("wp:comment_parent"))
              for comment_id, (fields, _status) in parsed.items()}
    outside = {parent for parent in wanted.values() if parent and parent not in parsed}
    mapped = ids.comments(outside) if outside else {}
    here = {}
    if outside:
        # Parents this import made (mapped), else (imported before the map) by id.
        candidates = {parent: mapped.get(parent, parent) for parent in outside}
        found = dict(db.session.execute(sa.select(Comment.id, Comment.thread_id).where(
            Comment.id.in_(set(candidates.values())), Comment.post_id == post.id)).all())
        here = {parent: our for parent, our in candidates.items() if our in found}
    parents, roots = {}, {}
    for comment_id, parent in wanted.items():
        if parent and parent not in parsed:
            if parent in here:
                parent = Here(here[parent])
                roots[parent] = Here(found[parent.id] or parent.id)
            else:
                parent = None
        parents[comment_id] = parent or None
    return parents, roots


def _in_thread_order(parsed: dict, parents: dict, roots: dict):
    """(parent, thread, id), shallowest first so a parent exists before its replies.

    Each comment's depth and top are worked out once, from its parent's, so a
    chain of n replies costs n steps, not n * n / 2 (walking up from each one)."""
    depth: dict[int, int] = {}
    top: dict[int, int | None] = {}

    def settle(node):
        parent = parents[node]
        if parent is None:
            depth[node], top[node] = 0, None
        elif parent in parsed:
            depth[node] = depth[parent] + 1
            top[node] = parent if top[parent] is None else top[parent]
        else:  # a comment already here: its thread is known (roots)
            depth[node], top[node] = 1, parent

    for start in parsed:
        path, on_path, node = [], set(), start
        while node in parsed and node not in depth:
            if node in on_path:  # a loop in the file: cut it where it closes
                parents[node] = None
                settle(node)
                break
            path.append(node)
            on_path.add(node)
            node = parents[node]
        for node in reversed(path):
            if node not in depth:
                settle(node)
    for _depth, comment_id in sorted((depth[i], i) for i in parsed):
        parent, root = parents[comment_id], top[comment_id]
        yield parent, (roots.get(root, root) if parent else None), comment_id


def _author_url(fields: dict, report: Report) -> str:
    """The commenter's website by the comment form's rule; anything else (a
    javascript: or data: address, say) is dropped, not stored as a link."""
    url = website(fields.get("wp:comment_author_url", "")) or ""
    if not url or (len(url) <= URL_LENGTH and is_http_url(url)):
        return url
    report.dropped_urls += 1
    return ""


def _content_html(fields: dict, report: Report) -> str:
    """The comment's HTML; as plain text, with a note, beyond the comment limits."""
    content = autop(fields.get("wp:comment_content", ""))
    try:
        return clean_comment_html(content)
    except (TooComplex, InputTooSlow) as error:
        report.notes.append(f"comment {fields.get('wp:comment_id', '?').strip()} was imported "
                            f"as plain text: {error}")
        return as_plain_text(content)


def _values(fields: dict, status: str, wp_authors: dict[int, int], report: Report) -> dict:
    local, moment = when(fields.get("wp:comment_date")), when(fields.get("wp:comment_date_gmt"))
    created = moment.replace(tzinfo=UTC) if moment else (
        dates.from_local(local) if local else None)
    kind = fields.get("wp:comment_type", "").strip()
    values = {
        "type": kind if kind in ("pingback", "trackback") else "comment",
        "status": status,
        "author_name": clip(fields.get("wp:comment_author", "").strip(), 250),
        "author_email": clip(fields.get("wp:comment_author_email", "").strip(), 254),
        "author_url": _author_url(fields, report),
        "ip": clip(fields.get("wp:comment_author_IP", "").strip(), 45),
        "content_html": _content_html(fields, report),
        "user_id": wp_authors.get(number(fields.get("wp:comment_user_id")) or 0),
    }
    if created is not None:
        values["created_at"] = created
    return values


def _recount(post: Post) -> bool:
    count = db.session.scalar(sa.select(sa.func.count(Comment.id)).where(
        Comment.post_id == post.id, Comment.status == "approved"))
    if post.comment_count == count:
        return False
    # A count is not an edit: modified_at stays as it was (publishing.edited).
    db.session.execute(
        sa.update(Post).where(Post.id == post.id)
        .values(comment_count=count)
        .execution_options(synchronize_session="fetch"))
    return True
