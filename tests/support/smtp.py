"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and
readers for the messages: their parts and the links in them."""

from __future__ import annotations

import re
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.servers import free_port

LINK = re.compile(r"https?://[^\s<>\"']+")


class Inbox:
    """aiosmtpd's handler: every message accepted, parsed and kept in order."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.changed = threading.Condition()
        # Addresses answered "550 no such user", as a real server would.
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
        with self.changed:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.changed.notify_all()
        return "250 OK"


class SmtpServer:
    """Started on a free port of 127.0.0.1; stop() and start() again keep the
    port, so an app configured for it finds it back. `options` go to aiosmtpd's
    Controller (TLS contexts, an authenticator: tests/mail/test_tls.py)."""

    def __init__(self, **options):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None
        self.options = options

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     **self.options)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def wait_for(self, count: int, seconds: float = 20) -> list[EmailMessage]:
        """The first `count` messages, waiting for them to arrive."""
        deadline = time.monotonic() + seconds
        with self.inbox.changed:
            while len(self.inbox.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.inbox.messages)} of {count} messages arrived"
                self.inbox.changed.wait(left)
            return list(self.inbox.messages[:count])

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def links(message: EmailMessage) -> list[str]:
    """Every address in the plain-text part, in order."""
    return [url.rstrip(".,)") for url in LINK.findall(text_of(message))]


def path_of(url: str) -> str:
    """The path and query of `url`, for a test client."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
