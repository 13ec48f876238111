"""An item's comments, threaded as in the file: parents before their replies,
loops in the file cut, each reply's thread the top-level comment it hangs from."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from .. import dates
from ..extensions import db
from ..forms import is_http_url, website
from ..models import Comment, Post
from ..sanitize import clean_comment_html
from .content import autop
from .reader import WXRError
from .report import Report
from .values import apply, clip, number, when

URL_LENGTH = Comment.author_url.type.length
STATUSES = {"1": "approved", "approve": "approved", "0": "pending", "hold": "pending",
            "spam": "spam", "trash": "trash", "post-trashed": "trash"}


def import_comments(post: Post, comments: list[dict], report: Report,
                    wp_authors: dict[int, int]) -> bool:
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
    existing = {c.id: c for c in db.session.scalars(
        sa.select(Comment).where(Comment.id.in_(parsed)))}
    parents, roots = _parents(post, parsed)
    for parent, thread, comment_id in _in_thread_order(parsed, parents, roots):
        fields, status = parsed[comment_id]
        values = _values(fields, status, wp_authors, report) | {
            "post_id": post.id, "parent_id": parent, "thread_id": thread}
        row = existing.get(comment_id)
        if row is None:
            values.setdefault("created_at", datetime.now(UTC).replace(microsecond=0))
            db.session.add(Comment(id=comment_id, user_agent="", held_reason="", **values))
            report.add("comments", "imported")
        elif row.post_id != post.id:
            raise WXRError(f"comment id {comment_id} in the file belongs to post {post.id}, "
                           f"but that id is already taken here by a comment on post "
                           f"{row.post_id}")
        else:
            report.add("comments", apply(row, values))
    db.session.flush()
    return _recount(post)


def _parents(post: Post, parsed: dict) -> tuple[dict, dict]:
    """Each comment's parent, in the file or already here on the same post; and
    for the latter, the top of their thread."""
    parents, roots = {}, {}
    for comment_id, (fields, _status) in parsed.items():
        parent = number(fields.get("wp:comment_parent"))
        if parent and parent not in parsed:
            found = db.session.execute(sa.select(Comment.id, Comment.thread_id).where(
                Comment.id == parent, Comment.post_id == post.id)).first()
            parent = found.id if found else None
            if found:
                roots[found.id] = found.thread_id or found.id
        parents[comment_id] = parent
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
        "content_html": clean_comment_html(autop(fields.get("wp:comment_content", ""))),
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
    # A count is not an edit: modified_at stays as it was.
    db.session.execute(
        sa.update(Post).where(Post.id == post.id)
        .values(comment_count=count, modified_at=Post.modified_at)
        .execution_options(synchronize_session="fetch"))
    return True
