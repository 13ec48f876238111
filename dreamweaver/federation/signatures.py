"""HTTP Signatures as Mastodon signs and checks them (draft-cavage-http-
signatures-12, RSA-SHA256): the one way our requests to other servers are
signed and theirs to us are checked.

Written on `cryptography` because no maintained library fits: the RFC 9421
ones (http-message-signatures) are not what the fediverse speaks; pubby's
check lets old and body-swapped requests through; bovine is asyncio and
cannot be installed beside our cryptography (docs/decisions.md).

What a request must carry to be believed: a signature over
`(request-target)`, `host` and `date` (and `digest` for a body, whose
SHA-256 it must match), a Date within ±1 hour (Mastodon's window, plus
five minutes for clocks), and an RSA key of 2,048 bits or more. A retried
delivery is signed again (its Date would age out of the window).
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNED = ("(request-target)", "host", "date", "digest", "content-type")
SIGNED_GET = ("(request-target)", "host", "date")
PAST, FUTURE = timedelta(hours=1, minutes=5), timedelta(hours=1)
MIN_KEY_BITS = 2048
MAX_HEADER = 4096  # a Signature header longer than this is not parsed
_PARAM = re.compile(r'\s*([a-zA-Z]+)="([^"]*)"\s*(?:,|$)')


class BadSignature(Exception):
    """The request's signature is missing, malformed, stale or false: why."""


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def sign(method: str, url: str, key_id: str, private_key: rsa.RSAPrivateKey,
         body: bytes | None = None, content_type: str = "application/activity+json",
         now: datetime | None = None) -> dict[str, str]:
    """The headers that sign a request to `url` (Host, Date, and for a body
    Digest and Content-Type, with the Signature over them)."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc,
               "Date": format_datetime((now or datetime.now(UTC)).astimezone(UTC), usegmt=True)}
    names = SIGNED_GET
    if body is not None:
        headers |= {"Digest": digest(body), "Content-Type": content_type}
        names = SIGNED
    lines = [f"(request-target): {method.lower()} {target}"]
    lines += [f"{name}: {headers[name.title()]}" for name in names[1:]]
    signature = private_key.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
                            f'signature="{base64.b64encode(signature).decode()}"')
    return headers


def parse(value: str) -> dict[str, str]:
    """The Signature header's parameters; each once, nothing else in it."""
    if not value or len(value) > MAX_HEADER:
        raise BadSignature("no Signature header, or one too long")
    params, position = {}, 0
    while position < len(value):
        match = _PARAM.match(value, position)
        if not match or match.group(1) in params:
            raise BadSignature("the Signature header is malformed")
        params[match.group(1)] = match.group(2)
        position = match.end()
    if not {"keyId", "signature"} <= params.keys():
        raise BadSignature("the Signature header names no key or no signature")
    return params


def key_id(headers) -> str:
    """Which key the request says signed it (to fetch it before verify())."""
    return parse(headers.get("Signature", ""))["keyId"]


def verify(method: str, target: str, headers, body: bytes | None, public_pem: str,
           now: datetime | None = None) -> str:
    """The keyId of a request whose signature holds, else BadSignature.

    `target` is the path and query as sent (`/inbox` or `/inbox?a=b`);
    `headers` is case-insensitive (werkzeug's); `body` is the raw bytes."""
    params = parse(headers.get("Signature", ""))
    if params.get("algorithm", "hs2019") not in ("rsa-sha256", "hs2019"):
        raise BadSignature("an algorithm other than RSA-SHA256")
    names = params.get("headers", "date").lower().split()
    needed = {"(request-target)", "host", "date"} | ({"digest"} if body is not None else set())
    if not needed <= set(names):
        raise BadSignature(f"the signature must cover {', '.join(sorted(needed - set(names)))}")
    _check_date(headers.get("Date"), now or datetime.now(UTC))
    if body is not None and not _digest_matches(headers.get("Digest", ""), body):
        raise BadSignature("the Digest does not match the body")
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        elif name in headers:
            lines.append(f"{name}: {headers[name]}")
        else:
            raise BadSignature(f"the signed header {name} is missing")
    key = load_public_key(public_pem)
    try:
        signature = base64.b64decode(params["signature"], validate=True)
        key.verify(signature, "\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError) as error:
        raise BadSignature("the signature does not verify") from error
    return params["keyId"]


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, UnsupportedAlgorithm, TypeError) as error:
        raise BadSignature("the actor's key is not a PEM public key") from error
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_KEY_BITS:
        raise BadSignature(f"the actor's key is not an RSA key of {MIN_KEY_BITS} bits or more")
    return key


def _check_date(value: str | None, now: datetime) -> None:
    try:
        sent = parsedate_to_datetime(value or "")
    except (TypeError, ValueError, IndexError) as error:
        raise BadSignature("the Date header is missing or not a date") from error
    if sent.tzinfo is None or not now - PAST <= sent <= now + FUTURE:
        raise BadSignature("the Date header is too far from now")


def _digest_matches(header: str, body: bytes) -> bool:
    sent = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        sent[name.lower()] = value
    return sent.get("sha-256") == digest(body).split("=", 1)[1]
