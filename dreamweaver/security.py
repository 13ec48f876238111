"""Security headers on every response, and the same-origin check for cookie-less forms."""

import re

from flask import g, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
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
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


# An origin as a frame-src source names it: scheme and host, nothing a header
# could be bent with.
_ORIGIN = re.compile(r"https://[a-z0-9]+(?:[.-][a-z0-9]+)*\.[a-z]{2,}")


def allow_frames(*origins: str) -> None:
    """Let this response's page frame `origins` (https origins, such as a video
    player's that a click-to-load embed on the page may load). Every other
    response keeps the CSP above, whose default-src 'self' frames nothing else.
    Called by the view that renders the page, before its response is made."""
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"Not an https origin: {origin!r}")
    g.frame_origins = frame_origins() | frozenset(origins)


def frame_origins() -> frozenset[str]:
    """The origins allow_frames added for this response (empty for most pages)."""
    return g.get("frame_origins", frozenset())


def content_security_policy() -> str:
    """CONTENT_SECURITY_POLICY, with a frame-src of exactly the origins allowed
    for this response (no page of ours frames one of our own)."""
    extra = frame_origins()
    if not extra:
        return CONTENT_SECURITY_POLICY
    return f"{CONTENT_SECURITY_POLICY}; frame-src {' '.join(sorted(extra))}"


def set_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
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
    app.after_request(set_security_headers)
