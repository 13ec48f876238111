"""From an author's source text to the HTML we store, and from HTML to excerpts."""

import ctypes
import functools
import html
import re

from cmarkgfm import _cmark, cmark
from cmarkgfm.cmark import Options

from .inputs import BUT_LINES
from .media.embeds import as_links, embed_videos
from .sanitize import clean_post
from .sanitize.htmlshape import TooComplex

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


def render(source: str, fmt: str) -> str:
    """content_html for a post: its source rendered, then kept to the post policy,
    then a video address alone in a paragraph made a click-to-load card (after
    the policy, which would drop the card's markup: media/embeds.py).
    Raises TooComplex for a source longer than SOURCE_MAX or rendering to HTML
    beyond the post policy's limits."""
    return embed_videos(clean_post(to_html(source, fmt)))


# WordPress's <!--more--> (and <!--more Custom text-->): the post's teaser ends there.
MORE = "<!--more"
_CLOSING_OR_SPACE = re.compile(r"</[a-zA-Z0-9]+>|\s+")


def render_teaser(source: str, fmt: str) -> str:
    """The teaser a listing shows: the post's HTML before its first <!--more-->,
    kept to the post policy; "" without a marker or with nothing after it.

    The marker is looked for in the source rendered (not cleaned: the policy
    drops comments), so a marker inside Markdown code, which renders as text,
    does not count. Cut there, the HTML may leave elements open (a marker
    inside a paragraph); the post policy closes them, as WordPress's
    force_balance_tags.
    """
    html = to_html(source, fmt)
    at = html.find(MORE)
    if at == -1:
        return ""
    end = html.find("-->", at)
    rest = "" if end == -1 else html[end + 3:]
    if not _CLOSING_OR_SPACE.sub("", rest):
        return ""
    return embed_videos(clean_post(html[:at]).strip())


def to_html(source: str, fmt: str) -> str:
    """The source as HTML, not yet cleaned (Markdown rendered, HTML as it is)."""
    if len(source) > SOURCE_MAX:
        raise TooComplex(f"This post is too long: at most {SOURCE_MAX:,} characters.")
    if fmt == "markdown":
        return _markdown_to_html(source).strip()
    return source


# cmarkgfm's own wrappers never free the document tree nor the HTML string
# cmark hands back (about 30 MB per 500 KB source: the live preview would eat
# a worker's memory in minutes). This is its markdown_to_html_with_extensions
# with both freed; cmark allocates with the C library's malloc.
_LIBCMARK = ctypes.CDLL(_cmark.__file__)
_LIBCMARK.cmark_node_free.argtypes = [ctypes.c_void_p]
_LIBC_FREE = ctypes.CDLL(None).free
_LIBC_FREE.argtypes = [ctypes.c_void_p]


def _address(pointer) -> int:
    return int(_cmark.ffi.cast("uintptr_t", pointer))


def _markdown_to_html(text: str, options: int = MARKDOWN_OPTIONS,
                      extensions=MARKDOWN_EXTENSIONS) -> str:
    cmark.core_extensions_ensure_registered()
    parser = cmark.parser_new(options=options)
    try:
        for name in extensions:
            cmark.parser_attach_syntax_extension(parser, cmark.find_syntax_extension(name))
        cmark.parser_feed(parser, text)
        root = cmark.parser_finish(parser)
        try:
            raw = _cmark.lib.cmark_render_html(root, options,
                                               cmark.parser_get_syntax_extensions(parser))
            try:
                return _cmark.ffi.string(raw).decode("utf-8")
            finally:
                _LIBC_FREE(_address(raw))
        finally:
            _LIBCMARK.cmark_node_free(_address(root))
    finally:
        cmark.parser_free(parser)


# Titles are text; WordPress shows them through the body's wptexturize. Ours go
# through the body's own smart punctuation (cmark's), so a title and a sentence
# in a post get the same quotes and dashes. Every other character Markdown
# would read is escaped, so the title stays text; it comes out of cmark as a
# paragraph, led by a no-break space that no block syntax starts with ("1. ",
# "- ", "# ", "---") and that counts as the space before a quote as the start
# of a line does.
_TITLE_OPTIONS = Options.CMARK_OPT_SMART | Options.CMARK_OPT_VALIDATE_UTF8
_MARKDOWN_PUNCTUATION = re.compile(r"""([!#$%&()*+,/:;<=>?@[\\\]^_`{|}~])""")
_LINE_BREAKS = re.compile(r"[\r\n]+")
_TITLE_LEAD = "\u00a0"


@functools.lru_cache(maxsize=4096)
def smart_title(title: str) -> str:
    """A post's title with typographic quotes, dashes and ellipses, as its body
    gets them: text in, text out (to be escaped where it is shown, as any text).
    The stored title stays as the author typed it."""
    if not title or not any(c in title for c in "\"'-."):
        return title
    source = _TITLE_LEAD + _MARKDOWN_PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", title))
    rendered = _markdown_to_html(source, _TITLE_OPTIONS, ()).strip()
    text = html.unescape(rendered.removeprefix("<p>").removesuffix("</p>"))
    return text.removeprefix(_TITLE_LEAD)


def as_plain_text(markup: str) -> str:
    """Markup beyond the limits, kept as its words: tags dropped, the rest
    escaped, one paragraph (for imports, which must not lose a post). Linear:
    each "<" looks for its ">" once."""
    parts, position = [], 0
    while (start := markup.find("<", position)) != -1:
        parts.append(markup[position:start])
        end = markup.find(">", start)
        position = len(markup) if end == -1 else end + 1
    parts.append(markup[position:])
    words = _SPACE.sub(" ", BUT_LINES.sub(" ", html.unescape("".join(parts)))).strip()
    return f"<p>{html.escape(words, quote=False)}</p>" if words else ""


def text_of(content_html: str) -> str:
    """Plain text of HTML that the post policy already cleaned (for excerpts, not
    safety). A video card reads as the address the author wrote, not as its
    label and button."""
    text = html.unescape(_TAG.sub(" ", as_links(content_html)))
    return _SPACE.sub(" ", BUT_LINES.sub(" ", text)).strip()


def auto_excerpt(content_text: str, words: int = EXCERPT_WORDS) -> str:
    """The first 55 words and an ellipsis, as WordPress's automatic excerpt."""
    parts = content_text.split(" ")
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + " [\u2026]"
