"""The federation blueprint, `bp`: the fediverse's ways in (discovery.py,
inbox.py and collections.py add their views to it, one module per concern).
Everything on it answers 404 while federation is off (`enabled`)."""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app

bp = Blueprint("federation", __name__)

ACTIVITY_JSON = "application/activity+json"


def enabled() -> bool:
    """FEDERATION_ENABLED as set; unset, on for a site with a public https
    SITE_URL (other servers can only reach and trust such an address)."""
    setting = current_app.config.get("FEDERATION_ENABLED")
    if setting is not None:
        return bool(setting)
    return _public_https(current_app.config.get("SITE_URL") or "")


def _public_https(site_url: str) -> bool:
    try:
        parts = urlsplit(site_url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or host == "localhost" \
            or host.endswith((".localhost", ".local", ".internal", ".test")):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True  # a name


@bp.before_request
def only_when_enabled():
    if not enabled():
        abort(404)


def json_response(document: dict, content_type: str = ACTIVITY_JSON) -> Response:
    response = Response(json.dumps(document, separators=(",", ":")), content_type=content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
