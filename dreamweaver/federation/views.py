"""The federation blueprint, `bp`: the fediverse's ways in (discovery.py,
inbox.py and collections.py add their views to it, one module per concern).
Everything on it answers 404 while federation is off (`enabled`)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app

bp = Blueprint("federation", __name__)

ACTIVITY_JSON = "application/activity+json"


def enabled() -> bool:
    """FEDERATION_ENABLED as set; unset, off until the inbox takes replies
    (docs/decisions.md: then a public https SITE_URL turns it on)."""
    return bool(current_app.config.get("FEDERATION_ENABLED"))


@bp.before_request
def only_when_enabled():
    if not enabled():
        abort(404)


def json_response(document: dict, content_type: str = ACTIVITY_JSON) -> Response:
    response = Response(json.dumps(document, separators=(",", ":")), content_type=content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
