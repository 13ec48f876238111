"""Handing a message to the mail server with smtplib, as the MAIL_* settings
say: implicit TLS (MAIL_USE_SSL, usually port 465), STARTTLS (MAIL_USE_TLS,
usually 587) or plain (25, a relay on the same machine); the certificate is
checked against the system's authorities either way."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

# A server that accepts the connection and then says nothing must not hold a
# worker thread for long.
TIMEOUT_SECONDS = 20


class NotConfigured(Exception):
    """No MAIL_SERVER: messages wait in the outbox."""


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(message: EmailMessage) -> None:
    """Deliver `message` or raise (smtplib.SMTPException, OSError)."""
    config = current_app.config
    if not configured():
        raise NotConfigured("No mail server is configured (MAIL_SERVER).")
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    context = ssl.create_default_context()
    if config.get("MAIL_USE_SSL"):
        connection = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        connection = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    with connection:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            connection.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        connection.send_message(message)
