"""The moderation policy, in one place: which new comments are held, and why;
what each moderation action does to a comment, its thread and its post's count."""

import re

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import COMMENT_STATUSES, Comment, Post, User
from .discussion import reply_parent
from .lookalikes import skeleton

_LINK = re.compile(r"<a\s", re.IGNORECASE)


def count_links(content_html: str) -> int:
    """Links in cleaned comment HTML (bare URLs are already linkified by then)."""
    return len(_LINK.findall(content_html))


# A registered name this short is held only when the whole name matches it:
# inside longer names it would catch too many ("Al" in "Alice").
SHORTEST_NAME_FOUND_INSIDE = 4


def hold_reason(author: str, email: str, content_html: str, signed_in: User | None = None) -> str:
    """Why a new comment waits for the owner, or "" to approve it at once.

    Always: a name or email that passes for a registered user's, unless that
    user is the one signed in. With COMMENT_MODERATION on, also as WordPress's
    discussion settings: too many links, or no earlier approved comment with
    this name and this email address (both, as WordPress's "Comment author
    must have a previously approved comment").
    """
    imitated = _imitated_user(author, email, signed_in)
    if imitated:
        return imitated
    config = current_app.config
    if not config["COMMENT_MODERATION"]:
        return ""
    links, limit = count_links(content_html), config["COMMENT_MAX_LINKS"]
    if links > limit:
        return f"Too many links ({links}; more than {limit} are held)"
    known = db.session.scalar(
        sa.select(Comment.id)
        .where(Comment.author_email == email, Comment.status == "approved",
               sa.func.lower(Comment.author_name) == author.lower())
        .limit(1)
    )
    if known is None:
        return "First comment with this name and email address"
    return ""


def _imitated_user(author: str, email: str, signed_in: User | None) -> str:
    """Why the name or email passes for a registered user's, or "".

    Names are compared by their skeletons (lookalikes.py), and a registered
    display name found inside the given name counts, so "Site Owner
    (official)" passes for Site Owner.
    """
    given = skeleton(author)
    # Display names only: they are what bylines show; a login is private, and
    # one such as "admin" would hold every "Administrator of my life".
    users = db.session.execute(sa.select(User.id, User.display_name, User.email))
    for user_id, display_name, user_email in users:
        if signed_in is not None and signed_in.id == user_id:
            continue
        if user_email and user_email.lower() == email:
            return f"Uses the email address of the registered user “{_short(display_name)}”"
        registered = skeleton(display_name)
        if registered and (given == registered or (
                len(registered) >= SHORTEST_NAME_FOUND_INSIDE and registered in given)):
            return (f"The name “{_short(author)}” looks like the registered user "
                    f"“{_short(display_name)}”")
    return ""


def _short(name: str) -> str:
    """Short enough that a reason with two names fits Comment.held_reason."""
    return name if len(name) <= 60 else name[:59] + "…"


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
    if not set_status(comment, target, reason) and comment.status != target:
        raise NotApplicable(f"the comment became {comment.status} meanwhile")
    return True


def _count_approved(post_id: int, delta: int) -> None:
    """Keep Post.comment_count exact, in the database (a concurrent change cannot be lost)."""
    if delta:
        db.session.execute(
            sa.update(Post).where(Post.id == post_id)
            .values(comment_count=Post.comment_count + delta)
            .execution_options(synchronize_session=False)
        )


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
        _count_approved(comment.post_id, (status == "approved") - (old == "approved"))
    else:
        db.session.refresh(comment)
    return changed


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
    _count_approved(comment.post_id, -1 if was_approved else 0)


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


def author_reply(parent: Comment, user: User, content_html: str, ip: str = "",
                 user_agent: str = "") -> Comment:
    """A reply by the site's author, approved at once, placed as a reader's reply
    would be (beside `parent` when it is at COMMENT_MAX_DEPTH)."""
    reply = Comment(
        post_id=parent.post_id,
        user_id=user.id,
        status="approved",
        author_name=user.display_name,
        author_email=user.email,
        content_html=content_html,
        ip=ip,
        user_agent=user_agent[:255],
    )
    return add_comment(reply, parent)


def add_comment(comment: Comment, parent: Comment | None) -> Comment:
    """Store a new comment in its thread: the one rule every new comment follows
    (a reader's, the author's reply, the demo's).

    A reply goes where reply_parent puts it (beside `parent` at
    COMMENT_MAX_DEPTH); its thread_id is its top-level comment's id, which a
    top-level comment leaves NULL. An approved comment counts on its post.
    `parent` must be flushed (have an id).
    """
    above = reply_parent(parent) if parent is not None else None
    comment.parent_id = above.id if above else None
    comment.thread_id = (above.thread_id or above.id) if above else None
    db.session.add(comment)
    db.session.flush()
    if comment.status == "approved":
        _count_approved(comment.post_id, 1)
    return comment
