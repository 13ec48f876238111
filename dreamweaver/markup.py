"""From an author's source text to the HTML we store, and from HTML to excerpts."""

import html
import re

import cmarkgfm
from cmarkgfm.cmark import Options

from .htmlshape import TooComplex
from .sanitize import clean_post

# GitHub's CommonMark (cmark-gfm, in C): linear in its input by design and
# fuzzed for it, where Python-Markdown took 95 s on "[" * 20000 (its issue
# #798). Smart punctuation and footnotes as before; raw HTML passes through to
# the post policy, which is what keeps it safe.
MARKDOWN_EXTENSIONS = ["table", "autolink", "strikethrough"]
MARKDOWN_OPTIONS = (Options.CMARK_OPT_SMART | Options.CMARK_OPT_FOOTNOTES
                    | Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8)
# The longest source an author may save (a 60,000-word essay is about 400,000):
# at this size the worst a source can be still renders in well under a second
# (bench/worst_case.py).
SOURCE_MAX = 500_000
EXCERPT_WORDS = 55  # WordPress's excerpt_length

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# Control characters never belong in text, and search uses two as highlight marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def render(source: str, fmt: str) -> str:
    """content_html for a post: its source rendered, then kept to the post policy.
    Raises TooComplex for a source longer than SOURCE_MAX or rendering to HTML
    beyond the post policy's limits."""
    return clean_post(to_html(source, fmt))


def to_html(source: str, fmt: str) -> str:
    """The source as HTML, not yet cleaned (Markdown rendered, HTML as it is)."""
    if len(source) > SOURCE_MAX:
        raise TooComplex(f"This post is too long: at most {SOURCE_MAX:,} characters.")
    if fmt == "markdown":
        return cmarkgfm.markdown_to_html_with_extensions(
            source, options=MARKDOWN_OPTIONS, extensions=MARKDOWN_EXTENSIONS).strip()
    return source


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
