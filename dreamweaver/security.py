"""Security headers on every response, and the same-origin check for cookie-less forms."""

import re

from flask import current_app, g, request

# Images come from us (data: for the inlined icons, assets.py), and from the
# media store's origin when that is elsewhere (a bucket, a CDN): policy_for().
IMG_SRC = "img-src 'self' data:"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        IMG_SRC,
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
        "microphone", "payment", "usb", "browsing-topics",
    )
)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


# An origin as a frame-src source names it: scheme and host, nothing a header
# could be bent with.
_ORIGIN = re.compile(r"https://[a-z0-9]+(?:[.-][a-z0-9]+)*\.[a-z]{2,}")
# The media store's origin, as configured (a bucket may sit on a port, or on
# plain http in a development setup).
_MEDIA_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?")


def policy_for(media_origin: str | None) -> str:
    """CONTENT_SECURITY_POLICY, its img-src also allowing exactly `media_origin`
    (where media are served from when not from us)."""
    if not media_origin:
        return CONTENT_SECURITY_POLICY
    if not _MEDIA_ORIGIN.fullmatch(media_origin):
        raise ValueError(f"Not an origin for the CSP: {media_origin!r}")
    return CONTENT_SECURITY_POLICY.replace(IMG_SRC, f"{IMG_SRC} {media_origin}")


def allow_frames(*origins: str) -> None:
    """Let this response's page frame `origins` (https origins, such as a video
    player's that a click-to-load embed on the page may load). Every other
    response keeps the site's CSP, whose default-src 'self' frames nothing else.
    Called by the view that renders the page, before its response is made."""
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"Not an https origin: {origin!r}")
    g.frame_origins = frame_origins() | frozenset(origins)


def frame_origins() -> frozenset[str]:
    """The origins allow_frames added for this response (empty for most pages)."""
    return g.get("frame_origins", frozenset())


def content_security_policy() -> str:
    """The site's CSP (policy_for the media origin, fixed at start), with a
    frame-src of exactly the origins allowed for this response."""
    policy = current_app.extensions["content_security_policy"]
    extra = frame_origins()
    if not extra:
        return policy
    return f"{policy}; frame-src {' '.join(sorted(extra))}"


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy",
                                current_app.extensions["content_security_policy"])
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.view_args and "token" in request.view_args:
        # The address holds an emailed token (a reset, an unsubscribe): no
        # Referer may carry it to another site, whatever the answer is.
        response.headers["Referrer-Policy"] = "no-referrer"
    if frame_origins():
        response.headers["Content-Security-Policy"] = content_security_policy()
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def is_same_origin() -> bool:
    """A form post from our own pages (Fetch metadata first, Origin as fallback)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == request.host_url.rstrip("/")


def init_app(app):
    # Once, at start: the media storage is set up by then (media/views.py).
    store = app.extensions.get("media_storage")
    app.extensions["content_security_policy"] = policy_for(store.origin() if store else None)
    app.after_request(set_security_headers)
