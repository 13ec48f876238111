"""The moderation policy, in one place: which new comments are held, and why."""

import re

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .models import Comment

_LINK = re.compile(r"<a\s", re.IGNORECASE)


def count_links(content_html: str) -> int:
    """Links in cleaned comment HTML (bare URLs are already linkified by then)."""
    return len(_LINK.findall(content_html))


def hold_reason(email: str, content_html: str) -> str:
    """Why a new comment waits for the owner, or "" to approve it at once.

    With COMMENT_MODERATION on, as WordPress's discussion settings: too many
    links, or no earlier approved comment from this email address.
    """
    config = current_app.config
    if not config["COMMENT_MODERATION"]:
        return ""
    links, limit = count_links(content_html), config["COMMENT_MAX_LINKS"]
    if links > limit:
        return f"Too many links ({links}; more than {limit} are held)"
    known = db.session.scalar(
        sa.select(Comment.id)
        .where(Comment.author_email == email, Comment.status == "approved")
        .limit(1)
    )
    if known is None:
        return "First comment from this email address"
    return ""
