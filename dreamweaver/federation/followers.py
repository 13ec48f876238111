"""Who follows us, and whom the owner blocked: the queries behind /admin's
Fediverse screen and the rules the inbox asks (`is_blocked`)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from ..blog.queries import Page
from ..comments.moderation import delete_forever
from ..extensions import db
from ..models import Comment, User
from . import reactions, replies
from .models import Block, Follower, Reaction, RemoteActor

PER_PAGE = 50
# A host name as people type it: labels of letters, digits and hyphens.
DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def page(number: int) -> Page | None:
    rows = list(db.session.scalars(
        sa.select(Follower).order_by(Follower.created_at.desc(), Follower.id.desc())
        .limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)))
    if not rows and number > 1:
        return None
    return Page(rows[:PER_PAGE], number, number > 1, len(rows) > PER_PAGE)


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Follower))


def followed_name(local: str) -> str:
    """Whom a follower follows, as the owner reads it."""
    if local == "blog":
        return "the blog"
    user = db.session.get(User, int(local.removeprefix("author:")))
    return user.display_name if user is not None else "a former author"


def blocks() -> list[Block]:
    return list(db.session.scalars(sa.select(Block).order_by(Block.kind, Block.value)))


def domain_of(uri: str) -> str:
    try:
        return (urlsplit(uri).hostname or "").lower()
    except ValueError:
        return ""


def normal_domain(typed: str) -> str | None:
    """A domain as typed ("Example.org", "https://example.org/", "@example.org"),
    or None when it is not one."""
    value = typed.strip().lower().removeprefix("@")
    if "://" in value:
        value = domain_of(value)
    value = value.strip("/").rstrip(".")
    if DOMAIN.match(value):
        return value
    try:  # a server on a bare address
        return str(ipaddress.ip_address(value.strip("[]")))
    except ValueError:
        return None


def is_blocked(uri: str) -> bool:
    """Whether `uri` (an actor, a key) is an actor blocked or on a blocked server,
    or a subdomain of one."""
    domain = domain_of(uri)
    parents = [".".join(domain.split(".")[i:]) for i in range(domain.count(".") + 1)]
    return db.session.scalar(sa.select(sa.exists().where(sa.or_(
        sa.and_(Block.kind == "actor", Block.value == uri.split("#", 1)[0]),
        sa.and_(Block.kind == "domain", Block.value.in_(parents or [""])))))) or False


def remove(follower: Follower) -> None:
    db.session.delete(follower)


def block_actor(actor: RemoteActor) -> None:
    if not db.session.scalar(sa.select(sa.exists().where(Block.kind == "actor",
                                                         Block.value == actor.uri))):
        db.session.add(Block(kind="actor", value=actor.uri))
    forget(RemoteActor.id == actor.id)


def block_domain(domain: str) -> int:
    """Block a server (and its subdomains); the followers it loses."""
    if not db.session.scalar(sa.select(sa.exists().where(Block.kind == "domain",
                                                         Block.value == domain))):
        db.session.add(Block(kind="domain", value=domain))
    _forget_webmentions(domain)
    return forget(sa.or_(RemoteActor.domain == domain, RemoteActor.domain.like(f"%.{domain}")))


def _forget_webmentions(domain: str) -> None:
    """What pages on `domain` (or a subdomain) left by Webmention. Their
    addresses are matched here rather than in SQL: a host sits between a
    scheme, a port and a path that LIKE cannot tell apart, and a site has few."""
    def on_it(address: str) -> bool:
        host = domain_of(address)
        return host == domain or host.endswith("." + domain)

    for comment in db.session.scalars(sa.select(Comment).where(Comment.source == "webmention")):
        if on_it(comment.remote_id or ""):
            delete_forever(comment)
    gone = [reaction_id for reaction_id, address in db.session.execute(
        sa.select(Reaction.id, Reaction.remote_id).where(Reaction.source == "webmention"))
        if on_it(address)]
    if gone:
        reactions.remove(Reaction.id.in_(gone))


def forget(whose) -> int:
    """Remove what the remote actors `whose` (a WHERE clause on RemoteActor)
    selects left here: their follows, their comments (for good) and their
    likes and boosts. What blocking them, or their account's deletion, does.
    Returns the follows removed."""
    replies.remove_by(whose)
    reactions.remove(Reaction.actor.in_(sa.select(RemoteActor.uri).where(whose)))
    removed = db.session.execute(sa.delete(Follower).where(
        Follower.actor_id.in_(sa.select(RemoteActor.id).where(whose))))
    return removed.rowcount or 0


def unblock(block: Block) -> None:
    db.session.delete(block)
