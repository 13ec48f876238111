"""Our actors' key pairs: made on first use, the private key sealed at rest
and never served; the public one is in the actor's document for others to
check our signatures with."""

from __future__ import annotations

import contextlib
from typing import NamedTuple

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .. import database, sealed
from ..extensions import db
from .models import ActorKey

PURPOSE = "federation actor key"
KEY_BITS = 2048  # what Mastodon makes and expects


class Pair(NamedTuple):
    public_pem: str
    private_sealed: str


def public_pem(actor: str) -> str:
    return _pair(actor).public_pem


def private_key(actor: str) -> rsa.RSAPrivateKey:
    pem = sealed.unseal(PURPOSE, _pair(actor).private_sealed)
    return serialization.load_pem_private_key(pem, password=None)


COLUMNS = (ActorKey.public_pem, ActorKey.private_sealed)


def _pair(actor: str) -> Pair:
    found = db.session.execute(sa.select(*COLUMNS).where(ActorKey.actor == actor)).first()
    return Pair(*found) if found is not None else _make(actor)


def _make(actor: str) -> Pair:
    """A new pair. Two workers making one at once keep the first written."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    row = {"actor": actor, "public_pem": public.decode(),
           "private_sealed": sealed.seal(PURPOSE, private)}
    if database.session_writes():
        # A task or a form's POST: in its transaction (on SQLite it holds the
        # write lock, which another connection would wait for in vain), kept
        # by its commit.
        with contextlib.suppress(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.execute(sa.insert(ActorKey).values(**row))
        return Pair(*db.session.execute(sa.select(*COLUMNS).where(ActorKey.actor == actor)).one())
    # A reader's request (an actor's document): written and read back on a
    # connection of its own, its transaction a snapshot from before.
    with contextlib.suppress(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(sa.insert(ActorKey).values(**row))
    with db.engine.connect() as connection:
        return Pair(*connection.execute(sa.select(*COLUMNS).where(ActorKey.actor == actor)).one())
