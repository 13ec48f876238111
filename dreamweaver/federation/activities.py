"""What our inbox does with an activity whose signature held: the rules in
the order they refuse, then the one thing each kind of activity does.

Taken: Follow (the follower kept, a signed Accept sent back); Create,
Update and Delete of a note answering us (replies.py: a comment in the
thread); Like and Announce of our posts (reactions.py: counted on the post);
Undo of a Follow, Like or Announce. Anything else is acknowledged and left.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import utcnow
from . import actors, delivery, followers, reactions, replies
from .actors import AS
from .models import Follower, Reaction, RemoteActor, SeenActivity
from .remote import id_of, type_of
from .targets import post_for

# Past a signature's Date window (an hour each way): a replay is refused
# for as long as its signature would still be believed.
SEEN_FOR = timedelta(hours=3)


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def take(activity: dict, sender: RemoteActor) -> None:
    """Check and act on one activity from `sender` (its signature already held)."""
    if id_of(activity.get("actor")) != sender.uri:
        raise Refused(401, "the activity's actor is not who signed it")
    activity_id = id_of(activity.get("id"))
    if not activity_id:
        raise Refused(400, "an activity needs an id")
    _first_time(activity_id)
    kind, thing = type_of(activity), activity.get("object")
    try:
        if kind == "Follow":
            _follow(activity, sender)
        elif kind == "Create":
            replies.create(thing, sender)
        elif kind == "Update":
            replies.update(thing, sender)
        elif kind == "Delete" and id_of(thing) == sender.uri:  # their account is gone
            followers.forget(RemoteActor.id == sender.id)
        elif kind == "Delete":
            replies.delete(thing, sender)
        elif kind in REACTIONS:
            _react(REACTIONS[kind], activity, sender)
        elif kind == "Undo" and type_of(thing) == "Follow":
            _unfollow(thing, sender)
        elif kind == "Undo" and type_of(thing) in REACTIONS:
            _unreact(thing, sender)
    except replies.Refused as refused:
        raise Refused(refused.status, str(refused)) from None


def _first_time(activity_id: str) -> None:
    digest = hashlib.sha256(activity_id.encode("utf-8", "surrogateescape")).hexdigest()
    if db.session.get(SeenActivity, digest) is not None:
        raise Refused(409, "this activity was received already")
    db.session.execute(sa.delete(SeenActivity).where(
        SeenActivity.received_at < utcnow() - SEEN_FOR))
    db.session.add(SeenActivity(digest=digest))
    db.session.flush()


REACTIONS = {"Like": "like", "Announce": "boost"}


def _follow(activity: dict, sender: RemoteActor) -> None:
    followed = actors.from_id(id_of(activity.get("object")))
    if followed is None:
        raise Refused(404, "no such actor here to follow")
    follower = db.session.scalar(sa.select(Follower).where(
        Follower.local == followed.key, Follower.actor_id == sender.id))
    if follower is None:
        db.session.add(Follower(local=followed.key, actor_id=sender.id,
                                follow_id=id_of(activity.get("id"))[:1000]))
    accept = {"@context": AS, "id": f"{followed.id}#accepts/{uuid.uuid4().hex}",
              "type": "Accept", "actor": followed.id,
              "object": {"id": id_of(activity.get("id")), "type": "Follow",
                         "actor": sender.uri, "object": followed.id}}
    delivery.send(followed.key, sender.inbox, accept)


def _unfollow(follow: dict, sender: RemoteActor) -> None:
    if id_of(follow.get("actor")) not in ("", sender.uri):
        raise Refused(401, "an Undo of someone else's Follow")
    followed = actors.from_id(id_of(follow.get("object")))
    query = sa.delete(Follower).where(Follower.actor_id == sender.id)
    if followed is not None:
        query = query.where(Follower.local == followed.key)
    db.session.execute(query)


def _react(kind: str, activity: dict, sender: RemoteActor) -> None:
    post = post_for(id_of(activity.get("object")))
    if post is not None:  # a boost of someone else's note is not ours to count
        reactions.add(post, kind, source="fediverse", remote_id=id_of(activity.get("id")),
                      actor=sender.uri, name=sender.name, url=sender.url or sender.uri)


def _unreact(undone: dict, sender: RemoteActor) -> None:
    if id_of(undone.get("actor")) not in ("", sender.uri):
        raise Refused(401, "an Undo of someone else's activity")
    reactions.remove(sa.and_(Reaction.actor == sender.uri, Reaction.source == "fediverse",
                             Reaction.remote_id == id_of(undone.get("id"))[:1000]))
