"""From an author's source text to the HTML we store, and from HTML to excerpts."""

import html
import re

import markdown

from .sanitize import clean_post

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists", "smarty", "abbr"]
EXCERPT_WORDS = 55  # WordPress's excerpt_length

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# Control characters never belong in text, and search uses two as highlight marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def render(source: str, fmt: str) -> str:
    """content_html for a post: its source rendered, then kept to the post policy."""
    if fmt == "markdown":
        rendered = markdown.markdown(source, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    else:
        rendered = source
    return clean_post(rendered)


def text_of(content_html: str) -> str:
    """Plain text of HTML that the post policy already cleaned (for excerpts, not safety)."""
    text = html.unescape(_TAG.sub(" ", content_html))
    return _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()


def auto_excerpt(content_text: str, words: int = EXCERPT_WORDS) -> str:
    """The first 55 words and an ellipsis, as WordPress's automatic excerpt."""
    parts = content_text.split(" ")
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + " [\u2026]"
