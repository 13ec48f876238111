"""From an author's source text to the HTML we store, and from HTML to excerpts."""

import html
import re

import markdown

from .sanitize import clean_post

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists", "smarty", "abbr"]
EXCERPT_WORDS = 55  # WordPress's excerpt_length

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def render(source: str, fmt: str) -> str:
    """content_html for a post: its source rendered, then kept to the post policy."""
    if fmt == "markdown":
        rendered = markdown.markdown(source, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    else:
        rendered = source
    return clean_post(rendered)


def text_of(content_html: str) -> str:
    """Plain text of HTML that the post policy already cleaned (for excerpts, not safety)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", content_html))).strip()


def auto_excerpt(content_html: str, words: int = EXCERPT_WORDS) -> str:
    """The first 55 words and an ellipsis, as WordPress's automatic excerpt."""
    parts = text_of(content_html).split(" ")
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + " [\u2026]"
