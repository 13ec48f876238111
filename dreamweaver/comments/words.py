"""The owner's word lists (Settings > Discussion: Comment Moderation and
Disallowed Comment Keys), matched as WordPress's check_comment and
wp_check_comment_disallowed_list match them: each line a word, phrase or IP
address, found anywhere inside the comment, its author's name, email, website,
IP address or browser's user agent, whatever its case.

Plain substring search on case-folded text: no pattern is built from what the
owner typed, and a list is bounded in size (settings/discussion.py), so one
comment costs at most a list's length of searches through its parts.
"""

from __future__ import annotations

from typing import NamedTuple

from ..settings.discussion import keys

# The parts of a comment a word is looked for in, as a held reason names them.
PARTS = ("comment", "name", "email address", "website", "IP address", "browser’s user agent")


class Found(NamedTuple):
    word: str
    part: str


def find(word_list: str, parts: dict[str, str]) -> Found | None:
    """The first word of `word_list` found in any of `parts` ({PARTS name: text})."""
    words = keys(word_list)
    if not words:
        return None
    folded = [(name, (parts.get(name) or "").casefold()) for name in PARTS]
    for word in words:
        for name, text in folded:
            if word in text:
                return Found(word, name)
    return None
