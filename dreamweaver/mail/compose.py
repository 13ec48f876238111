"""What a message says and how it is put together: both parts rendered from
templates/mail/<name>.txt and .html, and the EmailMessage built from an outbox
row with the standard library (which refuses a header holding a line break).

No tracking: links are the site's own addresses, unchanged, and no image is
loaded from anywhere.
"""

from __future__ import annotations

import re
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app, render_template

from .. import public_url, settings
from ..inputs import ANY_CONTROL
from ..models import OutboxMessage

SUBJECT_LENGTH = 200
# Headers an outbox row may add to the ones every message has.
EXTRA_HEADERS = frozenset({"Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id",
                           "In-Reply-To", "References"})
# The email package of our Pythons folds a long non-ASCII header into encoded
# words with the space between two words left outside them, where RFC 2047
# says to ignore it: "“Quick Moderator”" arrives as "“QuickModerator”"
# (CPython gh-144156, fixed upstream in 2026). So
# headers are written unfolded (a subject is at most 200 characters; RFC 5322
# allows 998 per line); the bodies are encoded before, under the default policy.
UNFOLDED = policy.default.clone(max_line_length=998)
_SPACE = re.compile(r"\s+")


def one_line(text: str, limit: int = SUBJECT_LENGTH) -> str:
    """`text` made fit for a header: any run of white space (line breaks
    included) becomes one space, other control characters go, and it is cut at
    `limit` characters. What people wrote (a post title, a name) reaches a
    subject through here, so it can never start a header of its own."""
    text = ANY_CONTROL.sub("", _SPACE.sub(" ", text or "")).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render(template: str, **context) -> tuple[str, str]:
    """The plain text and HTML parts of mail/<template>."""
    context = {"site_title": settings.current().site_title,
               "home_url": public_url.public_url("blog.index"),
               "link": public_url.public_url, **context}
    return (render_template(f"mail/{template}.txt", **context),
            render_template(f"mail/{template}.html", **context))


def sender() -> str:
    """MAIL_FROM, or the site's name at noreply@ its host, as WordPress sends
    from wordpress@ its host."""
    configured = current_app.config.get("MAIL_FROM")
    if configured:
        return configured
    return str(Address(one_line(settings.current().site_title, 100), "noreply",
                       public_url.host()))


def new_message_id() -> str:
    return make_msgid(domain=public_url.host())


def build(row: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender()
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    # RFC 3834: a machine wrote this; autoresponders should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (row.headers or {}).items():
        if name in EXTRA_HEADERS:
            message[name] = value
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    message.policy = UNFOLDED  # what smtplib flattens it with
    return message
