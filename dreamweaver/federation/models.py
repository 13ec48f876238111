"""What the fediverse area keeps: our actors' key pairs, the remote actors we
heard from, who follows us, and the activities our inbox took."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, utcnow


class ActorKey(db.Model):
    """The RSA key pair an actor of ours signs with ("blog", or "author:<user id>"),
    made on first use. The private key is sealed (sealed.py): a database dump
    without the SECRET_KEY cannot sign as us."""

    __tablename__ = "federation_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(sa.String(80), unique=True)
    public_pem: Mapped[str] = mapped_column(sa.Text)
    private_sealed: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RemoteActor(db.Model):
    """Someone on another server we have heard from: where to deliver to them,
    and the key their requests are signed with (refetched when it fails)."""

    __tablename__ = "federation_actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    key_id: Mapped[str] = mapped_column(sa.String(1000), index=True)
    public_pem: Mapped[str] = mapped_column(sa.Text)
    inbox: Mapped[str] = mapped_column(sa.String(1000))
    shared_inbox: Mapped[str] = mapped_column(sa.String(1000), default="")
    domain: Mapped[str] = mapped_column(sa.String(255), index=True)
    username: Mapped[str] = mapped_column(sa.String(255), default="")
    name: Mapped[str] = mapped_column(sa.String(255), default="")
    url: Mapped[str] = mapped_column(sa.String(1000), default="")
    icon_url: Mapped[str] = mapped_column(sa.String(1000), default="")
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


class Follower(db.Model):
    """A remote actor following one of ours ("blog" or "author:<user id>")."""

    __tablename__ = "federation_followers"
    __table_args__ = (sa.UniqueConstraint("local", "actor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    local: Mapped[str] = mapped_column(sa.String(80), index=True)
    actor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("federation_actors.id", ondelete="CASCADE"), index=True)
    follow_id: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[RemoteActor] = relationship(lazy="joined")


class SeenActivity(db.Model):
    """An activity our inbox took, by a digest of its id: the same one again
    (a replay) is refused. Kept past the signature's Date window."""

    __tablename__ = "federation_seen"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Block(db.Model):
    """An actor ("actor", by its id) or a whole server ("domain") the owner
    blocked: what they send is dropped, and they follow no one here."""

    __tablename__ = "federation_blocks"
    __table_args__ = (sa.UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    value: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FederatedPost(db.Model):
    """A post the fediverse was sent (Create), and the edit it last saw: what
    `publishing.sync` compares with the post to send Update or Delete."""

    __tablename__ = "federation_posts"

    post_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # outlives the post
    actor_key: Mapped[str] = mapped_column(sa.String(80))  # who sent it, and signs its Delete
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reaction(db.Model):
    """A like or a boost of one of our posts, from the fediverse (`remote_id` is
    the activity's id, `actor` who sent it) or a Webmention (both are the
    page's address): one of each kind per actor and post, counted on the post
    (Post.like_count, boost_count)."""

    __tablename__ = "federation_reactions"
    __table_args__ = (sa.UniqueConstraint("post_id", "kind", "source", "actor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))  # "like" or "boost"
    source: Mapped[str] = mapped_column(sa.String(20))
    remote_id: Mapped[str] = mapped_column(sa.String(1000), index=True)
    actor: Mapped[str] = mapped_column(sa.String(1000), index=True)
    name: Mapped[str] = mapped_column(sa.String(255), default="")
    url: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
