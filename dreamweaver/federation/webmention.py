"""Webmention (W3C): another site tells us a page of theirs links to one of
our posts. The endpoint checks only what it can without fetching (both are
addresses, the target is a post here, the sender is not blocked) and answers
202; the task fetches the source through `outbound`, checks that it really
links to the target, and reads its microformats (mentions.py) into a comment
(moderated as a reader's), a like or a boost. Sent again, the same source is
read again: a page that stopped linking, or is gone, takes its mention away.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Response, current_app, request

from .. import tasks
from ..budget import InputTooSlow
from ..comments import events
from ..comments.closing import comments_open
from ..comments.moderation import delete_forever, recheck
from ..comments.policy import new_comment, verdict
from ..extensions import csrf, db, limiter
from ..models import Comment, Post, utcnow
from ..public_url import public_url
from ..sanitize import TooComplex, clean_comment_html
from . import followers, mentions, outbound, reactions
from .models import Reaction
from .objects import federable
from .targets import post_for
from .views import bp, enabled

SOURCE = "webmention"
MAX_ADDRESS = 1000
MAX_PAGE_BYTES = 1024 * 1024
FETCH_SECONDS = 10.0
HTML = ("text/html", "application/xhtml+xml")


def _source_host() -> str:
    """The source's host name alone: a port or user name does not make another site."""
    try:
        return urlsplit(request.form.get("source", "")).hostname or request.remote_addr or ""
    except ValueError:
        return request.remote_addr or ""


def _limit() -> str:
    return current_app.config["FEDERATION_INBOX_RATE_LIMIT"]


@bp.post("/webmention")
@csrf.exempt  # another site posts here: the fetch that follows is the check
@limiter.limit(_limit, key_func=_source_host)
@limiter.limit(_limit, key_func=lambda: request.remote_addr or "")  # and per sender
def receive():
    if (request.content_length or 0) > 8 * 1024:
        return _answer(413, "A Webmention is two addresses.")
    source, target = request.form.get("source", ""), request.form.get("target", "")
    if not (_is_address(source) and _is_address(target)):
        return _answer(400, "source and target must both be http(s) addresses "
                            f"of at most {MAX_ADDRESS:,} bytes.")
    if _bare(source) == _bare(target):
        return _answer(400, "source and target are the same page.")
    post = post_for(target)
    if post is None:
        return _answer(400, "target is not a post on this site that takes Webmentions.")
    if followers.is_blocked(source):
        return _answer(202, "Accepted.")  # dropped, as the inbox drops a blocked server
    tasks.enqueue(verify, source, post.id)
    db.session.commit()  # ends the reads; the task goes to the queue on commit
    return _answer(202, "Accepted: the source will be checked.")


@bp.app_template_global()
def webmention_endpoint() -> str | None:
    return public_url("federation.receive") if enabled() else None


@bp.after_app_request
def advertise(response):
    """Every page says where its Webmentions go (the spec's Link header)."""
    if response.mimetype == "text/html" and request.blueprint == "blog" and enabled():
        response.headers.add("Link", f'<{public_url("federation.receive")}>; rel="webmention"')
    return response


@tasks.task(retries=2, retry_delay=300, timeout=60)
def verify(source: str, post_id: int) -> None:
    """Read `source` and keep what it says of the post, or forget what it said.
    Any address of the post counts as a link to it (its permalink, object id,
    comment pages): a Webmention sent with one of them cannot make us forget
    a page that links with another."""
    post = db.session.get(Post, post_id)
    if post is None or not federable(post, utcnow()):
        return
    try:
        answer = outbound.fetch(source, headers={"Accept": "text/html"},
                                max_bytes=MAX_PAGE_BYTES, timeout=FETCH_SECONDS)
    except outbound.Refused:
        return  # unreachable, too large, private: what we had of it stays as it was
    if followers.is_blocked(answer.url) or followers.is_blocked(source):
        return  # where it led is blocked (or was blocked since it was sent)
    if answer.status not in (200, 404, 410):
        return  # a server error or the like says nothing about the link
    is_ours = _addresses_of(post)
    page = None
    if answer.status == 200 and answer.content_type in HTML:
        page = mentions.parse(answer.body.decode(_charset(answer), "replace"))
    if page is None or not mentions.links_to(page, answer.url, is_ours):
        forget(source, post)  # gone, not a page, or no longer linking
        db.session.commit()
        return
    try:
        mention = mentions.read(page, answer.url, is_ours)
    except (RecursionError, ValueError):  # nesting past the parser, an address it cannot read
        return
    keep(mention, source, post, mentions.origin(answer.url))
    db.session.commit()


def _addresses_of(post: Post):
    """Whether an address names `post`, asked once per address."""
    answers: dict[str, bool] = {}

    def is_ours(address: str) -> bool:
        if address not in answers:
            found = post_for(address)
            answers[address] = found is not None and found.id == post.id
        return answers[address]
    return is_ours


def keep(mention: mentions.Mention, source: str, post: Post, origin: str) -> None:
    """Store what `source` says of `post`, in place of what it said before; an
    unchanged page changes nothing (no cache anywhere moves for it)."""
    comment = db.session.scalar(sa.select(Comment).where(
        Comment.source == SOURCE, Comment.remote_id == source, Comment.post_id == post.id))
    kept = _reactions_of(source, post)
    if mention.kind in ("like", "boost"):
        if comment is not None:
            delete_forever(comment)
        if kept != [mention.kind]:
            reactions.remove(_reaction_of(source, post))
            reactions.add(post, mention.kind, source=SOURCE, remote_id=source, actor=source,
                          name=mention.author_name, url=mention.author_url)
        return
    if kept:
        reactions.remove(_reaction_of(source, post))
    try:
        content_html = clean_comment_html(mention.content_html)
    except (InputTooSlow, TooComplex):
        return
    if not content_html:
        return
    # Who vouches for it: the server that served the page, with the author its
    # h-card names (one approved writer on a shared host approves no other).
    actor = f"{origin} {mention.author_url}"[:1000]
    parts = {"comment": mention.content_html, "name": mention.author_name, "email address": "",
             "website": mention.author_url, "IP address": "", "browser’s user agent": ""}
    if comment is not None:
        if comment.content_html != content_html or comment.remote_actor != actor:
            comment.content_html, comment.remote_actor = content_html, actor
            recheck(comment, parts)
        return
    if not comments_open(post):
        return
    status, reason = verdict(mention.author_name, "", content_html, parts, remote_actor=actor)
    try:
        with db.session.begin_nested():
            comment = new_comment(None, post_id=post.id, status=status, held_reason=reason,
                                  author_name=mention.author_name, author_email="",
                                  author_url=mention.author_url[:500],
                                  content_html=content_html, source=SOURCE, remote_id=source,
                                  remote_actor=actor)
    except sa.exc.IntegrityError:
        return  # the same page, sent twice at the same moment
    events.comment_added.send(comment)


def forget(source: str, post: Post) -> None:
    for comment in db.session.scalars(sa.select(Comment).where(
            Comment.source == SOURCE, Comment.remote_id == source, Comment.post_id == post.id)):
        delete_forever(comment)
    reactions.remove(_reaction_of(source, post))


def _reaction_of(source: str, post: Post):
    return sa.and_(Reaction.source == SOURCE, Reaction.remote_id == source,
                   Reaction.post_id == post.id)


def _reactions_of(source: str, post: Post) -> list[str]:
    return list(db.session.scalars(sa.select(Reaction.kind).where(_reaction_of(source, post))))


def _answer(status: int, message: str) -> Response:
    return Response(message + "\n", status, content_type="text/plain; charset=utf-8")


def _is_address(value: str) -> bool:
    if not value or not value.isprintable() or len(value.encode()) > MAX_ADDRESS:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _bare(url: str) -> str:
    return url.split("#", 1)[0].rstrip("/")


def _charset(answer: outbound.Fetched) -> str:
    for part in answer.headers.get("content-type", "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value.strip('"').lower() in ("utf-8", "iso-8859-1",
                                                                      "windows-1252", "ascii"):
            return value.strip('"')
    return "utf-8"
