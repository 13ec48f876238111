"""Our actors: the blog itself (@example.org@example.org, as WordPress's
ActivityPub plugin names it, so a site moving over keeps its handle) and
each author with a published post (@slug@example.org), and the documents
that describe them to the fediverse."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import escape

from .. import settings
from ..blog import queries
from ..extensions import db
from ..models import User
from ..public_url import public_url
from . import keys

AS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"
CONTEXT = [AS, SECURITY, {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "toot": "http://joinmastodon.org/ns#",
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
}]
BLOG = "blog"


@dataclass(frozen=True)
class Actor:
    key: str  # whose key pair: "blog" or "author:<user id>"
    kind: str  # ActivityStreams type
    username: str
    name: str
    summary: str  # plain text
    profile_url: str  # the HTML page people see
    id: str  # the actor document's address

    @property
    def handle(self) -> str:
        return f"{self.username}@{host()}"


def host() -> str:
    return urlsplit(public_url("blog.index")).netloc


def blog_username() -> str:
    name = host().split(":")[0]
    return name.removeprefix("www.")


def blog() -> Actor:
    site = settings.current()
    return Actor(BLOG, "Group", blog_username(), site.site_title, site.site_tagline,
                 public_url("blog.index"), public_url("federation.blog_actor"))


def author(slug: str) -> Actor | None:
    """An author readers can see a post of (the author archive's rule)."""
    user = queries.public_author(slug)
    return of_user(user) if user is not None else None


def of_user(user: User) -> Actor:
    return Actor(f"author:{user.id}", "Person", user.slug, user.display_name, user.bio or "",
                 public_url("blog.author", slug=user.slug),
                 public_url("federation.author_actor", slug=user.slug))


def by_username(username: str) -> Actor | None:
    """The blog by its name, else the author with that slug."""
    if username.lower() == blog_username().lower():
        return blog()
    return author(username)


def document(actor: Actor) -> dict:
    """The actor's JSON-LD document (a fixed @context; nothing is expanded)."""
    base = actor.id
    return {
        "@context": CONTEXT,
        "id": base,
        "type": actor.kind,
        "preferredUsername": actor.username,
        "name": actor.name,
        "summary": f"<p>{escape(actor.summary)}</p>" if actor.summary else "",
        "url": actor.profile_url,
        "inbox": public_url("federation.inbox"),
        "outbox": base + "/outbox",
        "followers": base + "/followers",
        "endpoints": {"sharedInbox": public_url("federation.inbox")},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": not settings.current().discourage_search,
        "publicKey": {"id": base + "#main-key", "owner": base,
                      "publicKeyPem": keys.public_pem(actor.key)},
    }


def from_id(uri: str) -> Actor | None:
    """Which of our actors `uri` names (what a Follow's object says), if any."""
    me = blog()
    if uri == me.id:
        return me
    prefix = public_url("federation.author_actor", slug="-").removesuffix("-")
    if uri.startswith(prefix) and "/" not in uri[len(prefix):]:
        return author(uri[len(prefix):])
    return None


def of_key(key: str) -> Actor | None:
    """Our actor whose key pair is `key` ("blog" or "author:<id>"): an author
    who has since unpublished everything still signs the Delete of their post."""
    if key == BLOG:
        return blog()
    user = db.session.get(User, int(key.removeprefix("author:")))
    return of_user(user) if user is not None else None
