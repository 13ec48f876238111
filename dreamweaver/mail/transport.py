"""Handing messages to the mail server with smtplib, as the MAIL_* settings
say: implicit TLS (MAIL_USE_SSL, usually port 465), STARTTLS (MAIL_USE_TLS,
usually 587) or plain (25, a relay on the same machine); the certificate is
checked against the system's authorities either way.

A Connection opens on its first message and is reused for the next ones (the
periodic sweep sends a batch over one); after any error it is closed, and the
next message opens a fresh one, since the session's state is then unknown.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

from .. import public_url

# A server that accepts the connection and then says nothing must not hold a
# worker thread for long.
TIMEOUT_SECONDS = 20


class NotConfigured(Exception):
    """No MAIL_SERVER: messages wait in the outbox."""


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _open() -> smtplib.SMTP:
    config = current_app.config
    if not configured():
        raise NotConfigured("No mail server is configured (MAIL_SERVER).")
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    # EHLO with the site's own name (servers check it), not the machine's.
    name = public_url.host()
    if config.get("MAIL_USE_SSL"):
        connection = smtplib.SMTP_SSL(host, port, local_hostname=name, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(host, port, local_hostname=name, timeout=TIMEOUT_SECONDS)
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            connection.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        connection.close()
        raise
    return connection


class Connection:
    """`with Connection() as smtp: smtp.send(message)`; opened when first used."""

    def __init__(self):
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` or raise (smtplib.SMTPException, OSError)."""
        if self._smtp is None:
            self._smtp = _open()
        try:
            self._smtp.send_message(message)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
