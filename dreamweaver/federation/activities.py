"""What our inbox does with an activity whose signature held: the rules in
the order they refuse, then the one thing each kind of activity does.

Taken so far: Follow (the follower kept, a signed Accept sent back) and
Undo of a Follow (the follower removed). Anything else is acknowledged and
left, until the parts of issue 22 that read it land (replies, likes, boosts).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import utcnow
from . import actors, delivery
from .actors import AS
from .models import Follower, RemoteActor, SeenActivity
from .remote import id_of

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
    kind = activity.get("type")
    if kind == "Follow":
        _follow(activity, sender)
    elif kind == "Undo" and _type_of(activity.get("object")) == "Follow":
        _unfollow(activity["object"], sender)


def _first_time(activity_id: str) -> None:
    digest = hashlib.sha256(activity_id.encode("utf-8", "surrogateescape")).hexdigest()
    if db.session.get(SeenActivity, digest) is not None:
        raise Refused(409, "this activity was received already")
    db.session.execute(sa.delete(SeenActivity).where(
        SeenActivity.received_at < utcnow() - SEEN_FOR))
    db.session.add(SeenActivity(digest=digest))
    db.session.flush()


def _type_of(value) -> str:
    return value.get("type", "") if isinstance(value, dict) else ""


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
