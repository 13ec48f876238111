"""Actors on other servers: fetched through `outbound` (signed as our blog,
for servers that only answer signed requests), kept, and fetched again when
the key they signed with no longer verifies (they rotated it).

Their documents are read as plain JSON: a value may be a string, an object
with an "id", or a list of either; nothing is expanded (no remote @context
is ever fetched)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import sqlalchemy as sa

from ..extensions import db
from ..models import utcnow
from . import keys, outbound, signatures
from .models import RemoteActor

ACCEPT = ('application/activity+json, '
          'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')
JSON_TYPES = ("application/activity+json", "application/ld+json", "application/json")
MAX_DOCUMENT_BYTES = 256 * 1024
FETCH_SECONDS = 5.0
MAX_ADDRESS = 1000  # bytes: the columns' size, well inside an index entry


class Unknown(Exception):
    """The actor or its key could not be had: why."""


def id_of(value) -> str:
    """The id a property names: a string, an object's "id", a list's first."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def type_of(value) -> str:
    """An object's type when it is a single string: a list or an object there
    is no type we take."""
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else ""


def fetch_document(url: str) -> dict:
    """A JSON-LD document from another server, as our blog asks for it."""
    from .actors import blog  # the actors need this module's readers

    me = blog()
    try:
        signed = signatures.sign("GET", url, me.id + "#main-key", keys.private_key(me.key))
        answer = outbound.fetch(url, headers={**signed, "Accept": ACCEPT},
                                max_bytes=MAX_DOCUMENT_BYTES, timeout=FETCH_SECONDS)
    except (outbound.Refused, ValueError) as error:  # ValueError: not a URL at all
        raise Unknown(str(error)) from error
    if answer.status != 200 or answer.content_type not in JSON_TYPES:
        raise Unknown(f"{url} answered {answer.status} {answer.content_type}")
    try:
        document = json.loads(answer.body)
    except (ValueError, RecursionError) as error:
        raise Unknown(f"{url} is not JSON") from error
    if not isinstance(document, dict):
        raise Unknown(f"{url} is not a JSON object")
    return document


def for_key(key_id: str, refresh: bool = False) -> tuple[RemoteActor, bool]:
    """The actor whose key `key_id` is, and whether it was fetched just now."""
    found = db.session.scalar(sa.select(RemoteActor).where(RemoteActor.key_id == key_id))
    if found is not None and not refresh:
        return found, False
    document = fetch_document(key_id.split("#", 1)[0])
    if "inbox" not in document and id_of(document.get("owner")):
        document = fetch_document(id_of(document["owner"]))  # a key's own document
    return store(document, key_id), True


def store(document: dict, key_id: str) -> RemoteActor:
    uri, inbox = id_of(document.get("id")), id_of(document.get("inbox"))
    if not uri or not inbox:
        raise Unknown("the actor document has no id or no inbox")
    if max(_size(uri), _size(inbox), _size(key_id)) > MAX_ADDRESS:
        raise Unknown("the actor's addresses are longer than any we keep")
    try:
        same_server = urlsplit(uri).netloc == urlsplit(key_id).netloc
    except ValueError as error:  # an address urlsplit cannot read ("https://[::1")
        raise Unknown("the actor's or key's address is not a URL") from error
    if not same_server:
        raise Unknown("the key is not on the actor's server")
    key = _public_key(document.get("publicKey"), key_id, uri)
    signatures.load_public_key(key)  # an RSA key we can check with, or BadSignature
    actor = db.session.scalar(sa.select(RemoteActor).where(RemoteActor.uri == uri))
    if actor is None:
        actor = RemoteActor(uri=uri)
        db.session.add(actor)
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    icon = document.get("icon")
    actor.key_id, actor.public_pem, actor.inbox = key_id, key, inbox
    actor.shared_inbox = _address(id_of(endpoints.get("sharedInbox")))
    actor.domain = (urlsplit(uri).hostname or "")[:255]  # read above; lower case
    actor.username = _text(document.get("preferredUsername"))
    actor.name = _text(document.get("name")) or actor.username
    actor.url = _address(id_of(document.get("url"))) if isinstance(
        document.get("url"), (str, dict)) else ""
    actor.icon_url = _address(icon.get("url")) if isinstance(icon, dict) else ""
    actor.fetched_at = utcnow()
    db.session.flush()
    return actor


def _public_key(value, key_id: str, owner: str) -> str:
    for key in value if isinstance(value, list) else [value]:
        if isinstance(key, dict) and key.get("id") == key_id and id_of(key.get("owner")) == owner:
            pem = key.get("publicKeyPem")
            if isinstance(pem, str):
                return pem
    raise Unknown("the actor has no such key, or it is someone else's")


def _address(value) -> str:
    """An address we keep whole or not at all (cut short, it names another)."""
    return value if isinstance(value, str) and _size(value) <= MAX_ADDRESS else ""


def _size(address: str) -> int:
    """In bytes, as an index holds it (PostgreSQL refuses an entry past ~2.7 KB)."""
    return len(address.encode("utf-8", "surrogateescape"))


def _text(value) -> str:
    return value[:255] if isinstance(value, str) else ""
