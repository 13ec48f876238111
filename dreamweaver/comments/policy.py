"""The rules a new comment passes, in the order they are checked, and the one
way a comment is stored.

A reader's comment (accept) passes its form token, the honeypot, the fields,
its parent and depth, the flood limit, the sanitizer and the duplicate check,
then the moderation policy decides whether it waits, or is spam (verdict,
with the owner's Discussion settings). However a comment comes (a reader's,
the author's reply, the demo), new_comment is the only code that stores one
in its thread and counts it on its post; the count of approved comments moves
only through count_approved. The WordPress import writes the threads its file
holds as they are (ids, depths beyond comment_max_depth) and recounts each
post it touched.
"""

import re
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request

from .. import settings
from ..budget import InputTooSlow
from ..extensions import db
from ..models import Comment, Post, User, utcnow
from ..sanitize import NOTHING_LEFT, TooComplex, clean_comment
from . import events, token, words
from .forms import CommentForm
from .lookalikes import skeleton


class Refused(Exception):
    """A comment that cannot be stored: its status code and what to tell the reader."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def accept(post: Post, form: CommentForm, user: User | None = None,
           ready: Callable[[], None] = lambda: None) -> Comment:
    """The new comment, added to the session; Refused if any rule says no.

    `ready` is called once the rules that read nothing another writer could
    change have passed (the token, the honeypot, the fields) and the text is
    cleaned, before the rules that look at other comments: the moment a
    caller takes the write lock (SQLite), so that the lock is not held while
    the text is sanitized. A cleaning that failed is told in its turn.
    """
    try:
        token.check(form.csrf_token.data, post.id)
    except token.TokenError as error:
        raise Refused(400, str(error)) from None
    if form.subject.data:
        raise Refused(400, "Your comment could not be accepted.")
    if not form.validate():
        raise Refused(422, "Please check the fields marked below.")
    try:
        content_html, failed = clean_comment(form.comment.data), None
    except (InputTooSlow, TooComplex) as error:
        content_html, failed = "", error
    ready()
    parent = None
    if form.parent_id:
        parent = db.session.scalar(sa.select(Comment).where(
            Comment.id == form.parent_id, Comment.post_id == post.id,
            Comment.status == "approved",
        ))
        if parent is None:
            form.comment_parent.errors.append("The comment you are replying to is not available.")
            raise Refused(422, "The comment you are replying to is not available.")
        # Placed now for the duplicate check; new_comment finds the same place.
        parent = reply_parent(parent)
    _check_flood()
    if isinstance(failed, InputTooSlow):
        form.comment.errors.append(str(failed))
        raise Refused(422, str(failed))
    if failed is not None:
        raise failed
    if not content_html:  # "<script></script>": a comment of nothing
        form.comment.errors.append(NOTHING_LEFT)
        raise Refused(422, "Please check the fields marked below.")
    email = form.email.data.lower()
    _check_duplicate(post, parent, form.author.data, email, content_html)
    parts = {"comment": form.comment.data, "name": form.author.data, "email address": email,
             "website": form.url.data or "", "IP address": request.remote_addr or "",
             "browser’s user agent": request.user_agent.string}
    # As WordPress: "the author and the admins get respect", approved at once.
    status, reason = ("approved", "") if user is not None and user.can_edit(post) else verdict(
        form.author.data, email, content_html, parts, user)
    comment = new_comment(
        parent,
        post_id=post.id,
        user_id=user.id if user is not None else None,
        status=status,
        held_reason=reason,
        author_name=form.author.data,
        author_email=email,
        author_url=form.url.data or "",
        content_html=content_html,
        ip=request.remote_addr or "",
        user_agent=request.user_agent.string,
    )
    events.comment_added.send(comment)
    return comment


def _check_flood():
    seconds = current_app.config["COMMENT_FLOOD_SECONDS"]
    if not seconds or not request.remote_addr:
        return
    recent = db.session.scalar(sa.select(Comment.id).where(
        Comment.ip == request.remote_addr,
        Comment.created_at > utcnow() - timedelta(seconds=seconds),
    ).limit(1))
    if recent is not None:
        raise Refused(429, "You are posting comments too quickly. Slow down, and try again "
                           f"in {seconds} seconds.")


def _check_duplicate(post, parent, author, email, content_html):
    same = db.session.scalar(sa.select(Comment.id).where(
        Comment.post_id == post.id,
        Comment.parent_id.is_(None) if parent is None else Comment.parent_id == parent.id,
        sa.or_(Comment.author_name == author, Comment.author_email == email),
        Comment.content_html == content_html,
    ).limit(1))
    if same is not None:
        raise Refused(409, "Duplicate comment detected; it looks as though you’ve already "
                           "said that!")


_LINK = re.compile(r"<a\s", re.IGNORECASE)


def count_links(content_html: str) -> int:
    """Links in cleaned comment HTML (bare URLs are already linkified by then)."""
    return len(_LINK.findall(content_html))


# A registered name this short is held only when the whole name matches it:
# inside longer names it would catch too many ("Al" in "Alice").
SHORTEST_NAME_FOUND_INSIDE = 4


def verdict(author: str, email: str, content_html: str, parts: dict[str, str],
            signed_in: User | None = None, remote_actor: str = "") -> tuple[str, str]:
    """(status, reason) of a reader's new comment: "spam" when it holds a
    disallowed word (never shown, nobody told: WordPress's disallowed list
    overrides every other rule), else "pending" with why it waits, or
    "approved". `parts` are the texts the word lists look in (words.PARTS);
    `remote_actor`, who wrote a comment that came from another server."""
    found = words.find(settings.current().disallowed_keys, parts)
    if found:
        return "spam", f"The {found.part} contains “{_short(found.word)}”, a disallowed word"
    held = hold_reason(author, email, content_html, signed_in, parts, remote_actor)
    return ("pending", held) if held else ("approved", "")


def hold_reason(author: str, email: str, content_html: str, signed_in: User | None = None,
                parts: dict[str, str] | None = None, remote_actor: str = "") -> str:
    """Why a new comment waits for the owner, or "" to approve it at once.

    Always: a name or email that passes for a registered user's, unless that
    user is the one signed in. With comment_moderation on, also as WordPress's
    discussion settings, in its order: too many links, a moderation word in
    any of `parts`, or (with comment_previously_approved) no earlier approved
    comment with this name and this email address (both, as WordPress's
    "Comment author must have a previously approved comment"). A comment from
    another server has no email address: for it, the earlier comment must be
    by the same `remote_actor` (its signed identity, not a name anyone can take).
    """
    imitated = _imitated_user(author, email, signed_in)
    if imitated:
        return imitated
    site = settings.current()
    if not site.comment_moderation:
        return ""
    links, limit = count_links(content_html), site.comment_max_links
    if links > limit:
        return f"Too many links ({links}; more than {limit} are held)"
    found = words.find(site.moderation_keys, parts or {})
    if found:
        return f"The {found.part} contains “{_short(found.word)}”, a moderation word"
    if not site.comment_previously_approved:
        return ""
    if remote_actor:
        same = (Comment.remote_actor == remote_actor,)
        first = "First comment from this account on another server"
    else:
        same = (Comment.author_email == email,
                sa.func.lower(Comment.author_name) == author.lower())
        first = "First comment with this name and email address"
    known = db.session.scalar(
        sa.select(Comment.id).where(*same, Comment.status == "approved").limit(1))
    return first if known is None else ""


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


def reply_parent(parent: Comment) -> Comment | None:
    """Where a reply to `parent` goes: under it, or beside it when `parent` is at
    comment_max_depth (None: at the top level)."""
    max_depth = settings.current().comment_max_depth
    depth, above = 1, parent
    while above.parent_id is not None and depth < max_depth:
        above = db.session.get(Comment, above.parent_id)
        depth += 1
    if depth < max_depth:
        return parent
    return db.session.get(Comment, parent.parent_id) if parent.parent_id else None


def author_reply(parent: Comment, user: User, content_html: str, ip: str = "",
                 user_agent: str = "") -> Comment:
    """A reply by the site's author, approved at once, placed as a reader's reply
    would be (beside `parent` when it is at comment_max_depth)."""
    reply = new_comment(
        parent,
        post_id=parent.post_id,
        user_id=user.id,
        status="approved",
        author_name=user.display_name,
        author_email=user.email,
        content_html=content_html,
        ip=ip,
        user_agent=user_agent,
    )
    events.comment_added.send(reply)
    return reply


def new_comment(parent: Comment | None = None, **fields) -> Comment:
    """A new comment with `fields`, stored in its thread: the one rule every
    new comment follows (a reader's, the author's reply, the demo's, the
    tests').

    A reply goes where reply_parent puts it (beside `parent` at
    comment_max_depth); its thread_id is its top-level comment's id, which a
    top-level comment leaves NULL. An approved comment counts on its post.
    `parent` must be flushed (have an id).
    """
    above = reply_parent(parent) if parent is not None else None
    fields["user_agent"] = fields.get("user_agent", "")[:255]
    comment = Comment(parent_id=above.id if above else None,
                      thread_id=(above.thread_id or above.id) if above else None, **fields)
    db.session.add(comment)
    db.session.flush()
    if comment.status == "approved":
        count_approved(comment.post_id, 1)
    return comment


def count_approved(post_id: int, delta: int) -> None:
    """Keep Post.comment_count exact, in the database (a concurrent change cannot be lost)."""
    if delta:
        db.session.execute(
            sa.update(Post).where(Post.id == post_id)
            .values(comment_count=Post.comment_count + delta)
            .execution_options(synchronize_session=False)
        )
