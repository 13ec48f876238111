"""A fediverse server of one actor, on 127.0.0.1, for the federation tests:
its actor document (with its own RSA key), an inbox that keeps what it is
sent and checks the signature with the key it is told to trust, and signed
requests to our inbox made with its key."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.datastructures import Headers

from dreamweaver.federation import signatures


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem_of(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args):
        pass

    def _answer(self, status: int, body: bytes = b"", content_type="application/activity+json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        peer = self.server.peer
        if self.path == "/users/peer":
            self._answer(200, json.dumps(peer.document()).encode())
        elif self.path == "/avatar.png" and peer.avatar:
            self._answer(200, peer.avatar, "image/png")
        else:
            self._answer(404)

    def do_POST(self):  # noqa: N802
        peer = self.server.peer
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path not in ("/users/peer/inbox", "/inbox"):  # its own, and the shared one
            self._answer(404)
            return
        verified = None
        headers = Headers(dict(self.headers))
        try:
            pem = peer.trusted.get(signatures.key_id(headers), peer.trusted_pem)
        except signatures.BadSignature:
            pem = peer.trusted_pem
        if pem:
            try:
                signatures.verify("POST", self.path, headers, body, pem)
                verified = True
            except signatures.BadSignature:
                verified = False
        peer.received.append({"headers": dict(self.headers), "body": json.loads(body),
                              "verified": verified, "path": self.path})
        self._answer(202)


class FediversePeer:
    def __init__(self):
        self.key = new_key()
        self.trusted_pem = None  # the key our deliveries must be signed with
        self.trusted: dict[str, str] = {}  # or, by key id, the keys of several actors
        self.received: list[dict] = []
        self.avatar = b""  # what /avatar.png answers (the actor's icon), if set
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.peer = self
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.actor = self.base + "/users/peer"
        self.key_id = self.actor + "#main-key"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def document(self) -> dict:
        return {"@context": ["https://www.w3.org/ns/activitystreams",
                             "https://w3id.org/security/v1"],
                "id": self.actor, "type": "Person", "preferredUsername": "peer",
                "name": "Peer Reviewer", "inbox": self.actor + "/inbox",
                "endpoints": {"sharedInbox": self.base + "/inbox"},
                "icon": {"type": "Image", "url": self.base + "/avatar.png"},
                "publicKey": {"id": self.key_id, "owner": self.actor,
                              "publicKeyPem": pem_of(self.key)}}

    def rotate(self) -> None:
        """A new key under the same key id (as a server that rotated its keys)."""
        self.key = new_key()

    def activity(self, kind: str, obj, **fields) -> dict:
        return {"@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{self.actor}#{kind.lower()}s/{uuid.uuid4().hex}", "type": kind,
                "actor": self.actor, "object": obj, **fields}

    def note(self, in_reply_to: str, content: str, public: bool = True, **fields) -> dict:
        """A note of the peer's, as Mastodon writes a reply (public, or to its
        addressees only)."""
        audience = (["https://www.w3.org/ns/activitystreams#Public"] if public
                    else [self.base + "/users/someone"])
        return {"id": f"{self.actor}/statuses/{uuid.uuid4().int % 10**18}", "type": "Note",
                "attributedTo": self.actor, "inReplyTo": in_reply_to, "content": content,
                "to": audience, "cc": [self.actor + "/followers"], **fields}

    def signed(self, url: str, body: bytes, key=None, key_id: str | None = None) -> dict:
        return signatures.sign("POST", url, key_id or self.key_id, key or self.key, body=body)

    def post(self, client, url: str, activity: dict, **signing):
        """POST `activity` to our inbox at `url` through the test client, signed."""
        body = json.dumps(activity).encode()
        headers = self.signed(url, body, **signing)
        path = urlsplit(url).path
        return client.post(path, data=body, headers=headers)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
