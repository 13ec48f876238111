"""What each moderation action does to a comment, its thread and its post's
count (which new comments are held, and why, is policy.py's)."""


import sqlalchemy as sa

from ..extensions import db
from ..models import COMMENT_STATUSES, Comment
from . import events
from .policy import count_approved, verdict

# What the owner can do to a comment: the status each action sets (None: the
# comment is deleted for good) and the statuses it applies to. As in
# WordPress, only spam and trash can be deleted for good. Restore puts a
# comment back in the queue (WordPress restores the status it had before;
# we send it back to pending, so the owner decides again).
ACTIONS = {
    "approve": ("approved", ("pending",)),
    "unapprove": ("pending", ("approved",)),
    "spam": ("spam", ("pending", "approved")),
    "trash": ("trash", ("pending", "approved")),
    "restore": ("pending", ("spam", "trash")),
    "delete": (None, ("spam", "trash")),
}


class NotApplicable(Exception):
    """The action does not apply to the comment's current status."""


def actions_for(status: str) -> list[str]:
    """The actions that apply to a comment with this status, in ACTIONS order."""
    return [action for action, (_, sources) in ACTIONS.items() if status in sources]


def moderate(comment: Comment, action: str, reason: str = "") -> bool:
    """Apply a moderation action; False when the comment was already there.

    `reason` is the held reason when the comment goes back to pending.
    Raises NotApplicable when the action does not apply to its status.
    """
    target, sources = ACTIONS[action]
    if target is not None and comment.status == target:
        return False
    if comment.status not in sources:
        raise NotApplicable(f"{action} does not apply to a comment that is {comment.status}")
    if target is None:
        delete_forever(comment)
        return True
    old = comment.status
    if not set_status(comment, target, reason):
        if comment.status != target:
            raise NotApplicable(f"the comment became {comment.status} meanwhile")
        return True
    events.status_changed.send(comment, old=old)
    return True


def set_status(comment: Comment, status: str, reason: str = "") -> bool:
    """Change a comment's status: the one rule for every status change.

    Post.comment_count counts approved comments: +1 entering approved, -1
    leaving it. The UPDATE only applies if the status is still the one this
    session read, so two moderators approving at once count once; returns
    whether it applied. `reason` becomes the held reason when the comment
    goes (back) to pending.
    """
    if status not in COMMENT_STATUSES:
        raise ValueError(f"unknown comment status {status!r}")
    old = comment.status
    if status == old:
        return False
    values = {"status": status}
    if status == "pending":
        values["held_reason"] = reason[:200]
    changed = db.session.execute(
        sa.update(Comment).where(Comment.id == comment.id, Comment.status == old).values(**values)
    ).rowcount == 1
    if changed:
        count_approved(comment.post_id, (status == "approved") - (old == "approved"))
    else:
        db.session.refresh(comment)
    return changed


def recheck(comment: Comment, parts: dict[str, str]) -> None:
    """A comment edited where it was written (a note's Update, a Webmention
    sent again) passes the rules again: spam is spam, and a reason to hold
    sends an approved comment back to the queue. `parts` as for verdict."""
    status, reason = verdict(comment.author_name, comment.author_email, comment.content_html,
                             parts, remote_actor=comment.remote_actor)
    if status == "spam" or (status == "pending" and comment.status == "approved"):
        old = comment.status
        if set_status(comment, status, reason):
            events.status_changed.send(comment, old=old)


def delete_forever(comment: Comment) -> None:
    """Delete a comment for good, keeping its replies, as WordPress does.

    Its direct replies move up to its parent. When it was a top-level comment
    they become top-level themselves, and every comment under each of them
    takes it as its thread (Comment.thread_id is always the top-level one).
    """
    was_approved = comment.status == "approved"
    replies = sa.update(Comment).where(Comment.parent_id == comment.id)
    if comment.parent_id is not None:
        db.session.execute(replies.values(parent_id=comment.parent_id))
    else:
        parents = dict(db.session.execute(
            sa.select(Comment.id, Comment.parent_id).where(Comment.thread_id == comment.id)
        ).all())
        new_threads: dict[int, list[int]] = {}
        for reply_id in parents:
            root = _child_above(reply_id, comment.id, parents)
            if root is not None and root != reply_id:
                new_threads.setdefault(root, []).append(reply_id)
        db.session.execute(replies.values(parent_id=None, thread_id=None))
        for root, members in new_threads.items():
            db.session.execute(
                sa.update(Comment).where(Comment.id.in_(members)).values(thread_id=root)
            )
    db.session.execute(sa.delete(Comment).where(Comment.id == comment.id))
    count_approved(comment.post_id, -1 if was_approved else 0)


def _child_above(comment_id: int, deleted_id: int, parents: dict[int, int | None]) -> int | None:
    """The ancestor of `comment_id` (itself included) that is a direct reply to
    `deleted_id`; None if its chain of parents does not lead there."""
    seen = set()
    while comment_id not in seen:
        seen.add(comment_id)
        parent = parents.get(comment_id)
        if parent == deleted_id:
            return comment_id
        if parent not in parents:
            return None
        comment_id = parent
    return None
