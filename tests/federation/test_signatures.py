"""HTTP Signatures as Mastodon makes and checks them (federation/signatures.py):
what we sign verifies, and what another implementation signed verifies (a
request signed once by pubby, kept as a fixture, so a mistake shared by our
signer and our checker cannot pass); anything stale, partial or altered is
refused."""

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from werkzeug.datastructures import Headers

from dreamweaver.federation.signatures import BadSignature, digest, key_id, sign, verify
from tests.support.paths import ROOT

VECTOR = json.loads((ROOT / "tests/fixtures/federation/pubby-signed-follow.json").read_text())
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()
KEY_ID = "https://blog.example/ap/blog#main-key"
BODY = b'{"type": "Create"}'


def signed(body=BODY, url="https://peer.example/inbox", method="POST", **extra):
    return Headers(sign(method, url, KEY_ID, KEY, body=body, **extra))


def test_what_we_sign_verifies():
    headers = signed()
    assert verify("POST", "/inbox", headers, BODY, PEM) == KEY_ID
    assert key_id(headers) == KEY_ID
    assert headers["Digest"] == digest(BODY)


def test_a_signed_get_verifies_and_covers_the_query():
    headers = signed(body=None, url="https://peer.example/users/ann?page=2", method="GET")
    assert verify("GET", "/users/ann?page=2", headers, None, PEM) == KEY_ID
    with pytest.raises(BadSignature):
        verify("GET", "/users/ann?page=3", headers, None, PEM)


def test_a_request_signed_by_another_implementation_verifies():
    sent = parsedate_to_datetime(VECTOR["headers"]["Date"])
    headers = Headers(VECTOR["headers"])
    body = VECTOR["body"].encode()
    kid = verify("POST", VECTOR["target"], headers, body, VECTOR["public_key_pem"], now=sent)
    assert kid == "https://peer.example/users/ann#main-key"
    with pytest.raises(BadSignature, match="Digest"):
        verify("POST", VECTOR["target"], headers, body + b" ", VECTOR["public_key_pem"], now=sent)


@pytest.mark.parametrize("change", [
    {"Host": "elsewhere.example"}, {"Date": "Sun, 06 Dec 2026 00:00:00 GMT"},
    {"Content-Type": "text/plain"},
])
def test_any_signed_header_changed_is_refused(change):
    headers = signed()
    for name, value in change.items():
        headers[name] = value
    with pytest.raises(BadSignature):
        verify("POST", "/inbox", headers, BODY, PEM)


def test_another_body_or_target_or_method_is_refused():
    headers = signed()
    with pytest.raises(BadSignature, match="Digest"):
        verify("POST", "/inbox", headers, b'{"type": "Delete"}', PEM)
    with pytest.raises(BadSignature):
        verify("POST", "/other-inbox", headers, BODY, PEM)
    with pytest.raises(BadSignature):
        verify("PUT", "/inbox", headers, BODY, PEM)


def test_a_body_swapped_with_its_digest_but_an_unsigned_digest_is_refused():
    """The forgery pubby lets through: the Digest header not covered by the signature."""
    headers = Headers(sign("GET", "https://peer.example/inbox", KEY_ID, KEY))
    forged = b'{"type": "Delete"}'
    headers["Digest"] = digest(forged)
    with pytest.raises(BadSignature, match="must cover digest"):
        verify("POST", "/inbox", headers, forged, PEM)


@pytest.mark.parametrize("age", [timedelta(hours=2), timedelta(days=30), -timedelta(hours=2)])
def test_a_stale_or_future_date_is_refused(age):
    headers = signed(now=datetime.now(UTC) - age)
    with pytest.raises(BadSignature, match="Date"):
        verify("POST", "/inbox", headers, BODY, PEM)


def test_an_hour_old_date_is_still_accepted():
    headers = signed(now=datetime.now(UTC) - timedelta(minutes=59))
    assert verify("POST", "/inbox", headers, BODY, PEM) == KEY_ID


def test_another_key_is_refused():
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    headers = Headers(sign("POST", "https://peer.example/inbox", KEY_ID, other, body=BODY))
    with pytest.raises(BadSignature, match="does not verify"):
        verify("POST", "/inbox", headers, BODY, PEM)


def test_a_short_or_non_rsa_key_is_refused():
    for key in (rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505
                ec.generate_private_key(ec.SECP256R1())):
        pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        with pytest.raises(BadSignature, match="RSA key"):
            verify("POST", "/inbox", signed(), BODY, pem.decode())
    with pytest.raises(BadSignature, match="PEM"):
        verify("POST", "/inbox", signed(), BODY, "not a key")


@pytest.mark.parametrize("value", [
    "", "garbage", 'keyId="a"', 'signature="AAAA"', 'keyId="a",keyId="b",signature="AAAA"',
    'keyId="a",signature="AAAA",algorithm="hmac-sha256"',
    'keyId="a",signature="AAAA",headers="date"',
    'keyId="a" signature="AAAA"', "x" * 5000,
    'keyId="a",signature="not base64!",headers="(request-target) host date digest"',
])
def test_a_malformed_signature_header_is_refused(value):
    headers = signed()
    headers["Signature"] = value
    with pytest.raises(BadSignature):
        verify("POST", "/inbox", headers, BODY, PEM)


def test_a_missing_signed_header_is_refused():
    headers = signed()
    del headers["Content-Type"]
    with pytest.raises(BadSignature, match="content-type is missing"):
        verify("POST", "/inbox", headers, BODY, PEM)
