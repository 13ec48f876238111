"""The shared inbox: what another server sends us, believed only when its
signature holds (the refusals in order are in docs/decisions.md); what each
activity then does is activities.py's."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Response, abort, current_app, request

from ..extensions import csrf, db, limiter
from . import activities, followers, remote, signatures
from .views import bp

# What one activity may weigh: Mastodon's cap is 1 MB; nothing we take needs
# a quarter of it.
MAX_ACTIVITY_BYTES = 256 * 1024


def _sender_host() -> str:
    try:
        return urlsplit(signatures.key_id(request.headers)).netloc or request.remote_addr
    except (signatures.BadSignature, ValueError):  # no key id, or not a URL
        return request.remote_addr or ""


@bp.post("/ap/inbox")
@csrf.exempt  # a server's signature is what is checked, not a form's token
@limiter.limit(lambda: current_app.config["FEDERATION_INBOX_RATE_LIMIT"], key_func=_sender_host)
def inbox():
    if (request.content_length or 0) > MAX_ACTIVITY_BYTES:
        abort(413)
    body = request.get_data(cache=False)
    if len(body) > MAX_ACTIVITY_BYTES:
        abort(413)
    try:
        if followers.is_blocked(signatures.key_id(request.headers)):
            return Response("", 202)  # dropped unread: nothing of theirs is kept
        sender = _signed_by(body)
    except (signatures.BadSignature, remote.Unknown) as error:
        return _refusal(401, str(error))
    if followers.is_blocked(sender.uri):
        db.session.rollback()  # not even the key fetched for them
        return Response("", 202)
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):
        return _refusal(400, "the body is not JSON")
    if not isinstance(activity, dict):
        return _refusal(400, "the body is not a JSON object")
    try:
        activities.take(activity, sender)
    except activities.Refused as refused:
        db.session.rollback()
        return _refusal(refused.status, str(refused))
    db.session.commit()
    return Response("", 202)


def _signed_by(body: bytes):
    """The remote actor whose key signed this request (fetched again once if
    the key we kept no longer verifies: they rotated it)."""
    key_id = signatures.key_id(request.headers)
    sender, fresh = remote.for_key(key_id)
    target = request.script_root + request.path
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    try:
        signatures.verify("POST", target, request.headers, body, sender.public_pem)
    except signatures.BadSignature:
        if fresh:
            raise
        sender, _ = remote.for_key(key_id, refresh=True)
        signatures.verify("POST", target, request.headers, body, sender.public_pem)
    return sender


def _refusal(status: int, message: str) -> Response:
    return Response(message + "\n", status, content_type="text/plain; charset=utf-8")
