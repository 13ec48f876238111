"""The two HTML policies of DESIGN.md. Nothing else in the project calls bleach.

Sanitize once, on write: what these functions return is stored and later
rendered with |safe. Each returns a fixed point: cleaning its own output
changes nothing. Every text is measured first (htmlshape.py) and refused with
TooComplex beyond its policy's limits; the cleaners walk their trees with
treewalk.py's walker (html5lib's own is quadratic in siblings).
"""

import re
from collections import Counter
from functools import partial

from bleach.callbacks import nofollow
from bleach.html5lib_shim import Filter
from bleach.html5lib_shim import allowed_protocols as _bleach_protocols
from bleach.linkifier import TLDS, LinkifyFilter
from bleach.sanitizer import Cleaner

from .. import budget
from ..inputs import IN_TEXT
from .htmlshape import Limits, TooComplex, attributes, check, tags
from .treewalk import LinearTreeWalker

__all__ = ["NOTHING_LEFT", "TooComplex", "check_comment", "clean_comment", "clean_comment_html",
           "clean_post", "explain_comment"]

PROTOCOLS = frozenset({"http", "https", "mailto"})

# WordPress's $allowedtags (kses.php), the markup a commenter may use.
COMMENT_TAGS = frozenset(
    {"a", "abbr", "acronym", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "s",
     "strike", "strong", "p", "br"}
)
COMMENT_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "acronym": ["title"],
    "blockquote": ["cite"],
    "del": ["datetime"],
    "q": ["cite"],
}

POST_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span",
     "ul", "ol", "li", "dl", "dt", "dd",
     "a", "img", "figure", "figcaption",
     "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
     "pre", "code", "kbd", "samp", "var", "blockquote", "q", "cite",
     "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
     "abbr", "acronym", "time", "details", "summary", "section"}
)
_POST_ATTRIBUTES = {
    "*": {"id", "title"},
    "a": {"href", "rel", "name"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "time": {"datetime"},
    "abbr": {"title"},
}
# WordPress's alignment and media classes (galleries as wxr/gallery.py writes
# them), plus code-language classes from Markdown fences and footnote classes;
# any other class is dropped.
_POST_CLASS = re.compile(
    r"^(align(left|right|center|none|wide|full)|wp-caption(-text)?|wp-image-\d+"
    r"|gallery(-columns-[1-9]|-item|-caption)?"
    r"|size-(thumbnail|medium|medium_large|large|full)|language-[a-z0-9_+-]+"
    r"|footnote(s|-ref|-backref)?|has-text-align-(left|center|right))$"
)


def _post_attribute(tag: str, name: str, value: str) -> bool:
    # Classes are kept here and pruned one by one in _PruneClasses.
    return name == "class" or name in _POST_ATTRIBUTES["*"] or name in _POST_ATTRIBUTES.get(
        tag, ()
    )


class _PruneClasses(Filter):
    """Keep only the allowed classes of a class attribute, so that WordPress's
    `wp-block-image aligncenter size-large` keeps its alignment."""

    def __iter__(self):
        for token in super().__iter__():
            attributes = token.get("data") if token["type"] in ("StartTag", "EmptyTag") else None
            if attributes and (None, "class") in attributes:
                kept = [c for c in attributes[(None, "class")].split() if _POST_CLASS.match(c)]
                if kept:
                    attributes[(None, "class")] = " ".join(kept)
                else:
                    del attributes[(None, "class")]
            yield token


# Ids in a post get this prefix (as GitHub does), so an author's id="respond"
# or id="comments" can never capture the page's own htmx targets.
ID_PREFIX = "user-content-"


class _PrefixIds(Filter):
    """Prefix every id and anchor name in a post, and point the post's own
    "#fragment" links at the prefixed names; links to fragments the post does
    not define (the page's #comments) are left alone. Already prefixed names
    stay as they are, so cleaning stays a fixed point."""

    def __iter__(self):
        tokens = list(super().__iter__())
        defined = set()
        for token in tokens:
            if token["type"] in ("StartTag", "EmptyTag"):
                for key in ((None, "id"), (None, "name")):
                    if token["data"].get(key):
                        defined.add(token["data"][key])
        for token in tokens:
            if token["type"] in ("StartTag", "EmptyTag"):
                attributes = token["data"]
                for key in ((None, "id"), (None, "name")):
                    value = attributes.get(key)
                    if value and not value.startswith(ID_PREFIX):
                        attributes[key] = ID_PREFIX + value
                href = attributes.get((None, "href"), "")
                if (href.startswith("#") and href[1:] in defined
                        and not href.startswith("#" + ID_PREFIX)):
                    attributes[(None, "href")] = "#" + ID_PREFIX + href[1:]
            yield token


# bleach's own URL pattern is tried at every word boundary and scans the rest
# of the word each time ("a-a-a-…" at 65 KB took 46 s), then tries its 274
# top-level domains one by one after every "word." (14 µs each). This one is
# bleach's, but it starts only where a word or a run of "(" before a word
# starts (the lookahead lets the regex engine skip every other position), so
# each is scanned once ("(" × 1,500 took 0.4 s when every "(" was a start), and
# takes any run of letters as the top-level domain; _allowed_link then keeps
# only bleach's list of real ones. Unlike bleach, "-example.org" is not linked:
# starting after a hyphen is what made "a-a-a-…" quadratic.
_URL = re.compile(
    r"""(?=[(\w])(?:(?<![\w@.(-])\(+(?=[\w-])|(?<![\w@.(-])(?=\w)|(?<=\()(?=\w))
    (?:(?:{}):/{{0,3}}(?:(?:\w+:)?\w+@)?)?
    ([\w-]+\.)+[a-z]{{2,63}}(?::[0-9]+)?(?!\.\w)\b
    (?:[/?][^\s\{{\}}\|\\\^`<>"]*)?""".format("|".join(sorted(_bleach_protocols))),
    re.IGNORECASE | re.VERBOSE | re.UNICODE,
)


_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*:/{0,3})?(?:[^@/?#]*@)?([^:/?#]*)", re.IGNORECASE)


def _real_domain(href: str) -> bool:
    """Whether the host of a linkified address (mailto's too) ends in a real TLD."""
    host = _HOST.match(href).group(1)
    return host.rpartition(".")[2].lower() in TLDS


def _allowed_link(attrs, new=False):
    """Links keep only PROTOCOLS, whoever made them, and the linkifier's new
    ones only a real top-level domain (see _URL).

    The linkifier runs after the cleaner, so the cleaner's protocol check never
    sees the links it makes, and bleach's URL pattern knows ftp:, data:, feed:,
    xmpp: and more. A bare URL in such a scheme is left as text, whole (the
    pattern still recognises it, so no part of it is linked to http instead).
    """
    href = attrs.get((None, "href"))
    if new and href is not None and not _real_domain(href):
        return None
    if href is None or _safe_href(href):
        return attrs
    if new:
        return None
    del attrs[(None, "href")]
    return attrs


def _nofollow_ugc(attrs, new=False):
    """Links in comments are user-generated: rel="nofollow ugc", as WordPress does."""
    attrs = nofollow(attrs, new)
    rel_key = (None, "rel")
    rel = set(attrs.get(rel_key, "").split()) | {"nofollow", "ugc"}
    attrs[rel_key] = " ".join(sorted(rel))
    return attrs


class _TidyParagraphs(Filter):
    """No paragraph without text, and no whitespace at the start of one.

    The parser makes empty paragraphs of markup readers type ("<p><blockquote>",
    a stray "</p>", "<b><blockquote>"), and removing a block-level tag leaves a
    newline where it was; neither shows on the page, and neither is stored.
    """

    def __iter__(self):
        held = []  # a <p> and what follows it, until some text comes
        for token in super().__iter__():
            if not held:
                if token["type"] == "StartTag" and token["name"] == "p":
                    held.append(token)
                else:
                    yield token
                continue
            if token["type"] == "SpaceCharacters":
                continue
            if token["type"] == "EndTag" and token["name"] == "p":
                held = []  # the tokens between are balanced: the tree was well formed
                continue
            if token["type"] == "Characters":
                token["data"] = token["data"].lstrip(_SPACE)
            if token["type"] == "Entity" or token["type"] == "Characters" and token["data"]:
                yield from held  # bleach passes a character reference as an Entity
                yield token
                held = []
            elif token["type"] != "Characters":
                held.append(token)
        yield from held


# HTML's whitespace (the parser's, not str.isspace's).
_SPACE = " \t\n\f\r"

# As WordPress's wp_kses: a tag outside the allowlist is removed and the text
# inside it kept (<script> and <style> too; see docs/decisions.md).
_comment_cleaner = Cleaner(
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    protocols=PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_TidyParagraphs,
             partial(LinkifyFilter, callbacks=[_allowed_link, _nofollow_ugc], parse_email=False,
                     url_re=_URL)],
)

_post_cleaner = Cleaner(
    tags=POST_TAGS,
    attributes=_post_attribute,
    protocols=PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_PruneClasses, _PrefixIds],
)

# See treewalk.py: html5lib's own walker is quadratic in the number of siblings.
_comment_cleaner.walker = _post_cleaner.walker = LinearTreeWalker

_BLANK_LINES = re.compile(r"\n\s*\n")
# Control characters other than tab and newlines: html5lib turns some into "?"
# only on a second pass, so they go first (NUL too, which PostgreSQL refuses).
# The HTML parser drops one newline right after <pre>; putting one back keeps
# the cleaned text a fixed point and what the reader sees unchanged.
_PRE_NEWLINE = re.compile(r"(<pre(?:\s[^>]*)?>)\n")


# The block-level tags of the comment policy. Any other tag is removed before
# the tree is built, so these alone decide where paragraphs may go. ("<" ends
# the attributes too, which keeps the search linear.)
_BLOCK_OPEN = re.compile(r"(?=<(?:blockquote|p)(?=[\s/>])[^<>]*>)", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(r"</(?:blockquote|p)\s*>", re.IGNORECASE)
_LEADING_BLOCK = re.compile(r"<(blockquote|p)(?=[\s/>])[^<>]*>", re.IGNORECASE)
_TRAILING_BLOCK = re.compile(r"</(blockquote|p)\s*>\Z", re.IGNORECASE)


def _paragraphs(text: str) -> str:
    """Blank lines make paragraphs and single newlines line breaks (wpautop's gist).

    As wpautop, a block-level tag stands on its own: the text before and after
    it is a paragraph of its own, a quotation's text is a paragraph inside it,
    and a paragraph the commenter opened is not wrapped in another.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BLOCK_CLOSE.sub(lambda m: m.group() + "\n\n", _BLOCK_OPEN.sub("\n\n", text))
    out = []
    for block in filter(None, map(_paragraph, _BLANK_LINES.split(text))):
        # A line between blocks, but none just inside a quotation's tags.
        if out and not _LEADING_BLOCK.fullmatch(out[-1]) and not _BLOCK_CLOSE.fullmatch(block):
            out.append("\n")
        out.append(block)
    return "".join(out)


def _paragraph(block: str) -> str:
    """One block: an opening block-level tag at its start and a closing one at
    its end at most (_paragraphs put blank lines around them), text between."""
    block = block.strip()
    opening = _LEADING_BLOCK.match(block)
    start = opening.group() if opening else ""
    closing = _TRAILING_BLOCK.search(block, len(start))
    end = closing.group() if closing else ""
    inner = block[len(start):len(block) - len(end)].strip().replace("\n", "<br>\n")
    if not inner:
        return start + end
    if opening and opening.group(1).lower() == "p":
        return start + inner + end  # the commenter's own paragraph
    return f"{start}<p>{inner}</p>{end}"


# What each policy's parser may be given (htmlshape.py; the reasons in
# docs/decisions.md). Within these, bleach takes at most a few tens of
# milliseconds on a comment and a few hundred on a post (bench/worst_case.py).
COMMENT_LIMITS = Limits("comment", chars=80_000, tags=1_000, depth=16, formatting=16,
                        reopened=2_000, attributes=8, ampersands=1_000, fostered=100,
                        links=500)
POST_LIMITS = Limits("post", chars=600_000, tags=12_000, depth=64, formatting=24,
                     reopened=40_000, attributes=16, ampersands=12_000, fostered=500)


def clean_comment(text: str) -> str:
    """A commenter's plain text (with WordPress's comment markup) as safe HTML.
    Raises TooComplex for a text beyond COMMENT_LIMITS."""
    return _clean_comment(_paragraphs(IN_TEXT.sub("", text)))


def check_comment(text: str) -> None:
    """Raise TooComplex where clean_comment(text) would (a form's validator)."""
    check(_paragraphs(IN_TEXT.sub("", text)), COMMENT_LIMITS, COMMENT_TAGS)


def clean_comment_html(html: str) -> str:
    """Re-clean comment HTML that is already paragraphed (imports, edits)."""
    return _clean_comment(IN_TEXT.sub("", html))


def _clean_comment(html: str) -> str:
    check(html, COMMENT_LIMITS, COMMENT_TAGS)
    with budget.for_input():
        return _comment_cleaner.clean(html).strip(_SPACE)


def clean_post(html: str) -> str:
    """An author's rendered HTML, kept to the post policy.
    Raises TooComplex for HTML beyond POST_LIMITS."""
    html = IN_TEXT.sub("", html)
    check(html, POST_LIMITS, POST_TAGS)
    with budget.for_input():
        cleaned = _post_cleaner.clean(html)
    return _PRE_NEWLINE.sub(r"\1\n\n", cleaned)


# Block markup a description written in HTML brings its own paragraphs with.
_BLOCKS = re.compile(r"<(?:p|div|ul|ol|blockquote|h[1-6]|table|figure|pre)\b", re.IGNORECASE)


def clean_description(text: str) -> str:
    """A category's or tag's description, stored as typed (or as WordPress
    exported it, HTML allowed), as safe HTML for its archive page: blank lines
    make paragraphs unless it has its own, and the post policy keeps it (the
    owner wrote it, as they write posts). Raises TooComplex beyond POST_LIMITS."""
    text = IN_TEXT.sub("", text).strip()
    return clean_post(text if _BLOCKS.search(text) else _paragraphs(text))


class _TagCount:
    """Tag names and (tag, attribute) pairs of a piece of HTML, counted (in
    htmlshape's linear pass: the standard library's HTMLParser is quadratic on
    some malformed input in the Python versions we run on)."""

    def __init__(self, html: str):
        self.tags: Counter = Counter()
        self.attributes: Counter = Counter()
        for closing, tag, attribute_text in tags(html):
            if closing:
                continue
            self.tags[tag] += 1
            for name, value in attributes(attribute_text):
                self.attributes[(tag, name)] += 1
                if name == "href" and value and not _safe_href(value):
                    self.attributes[(tag, "unsafe-href")] += 1


# Never part of an address (RFC 3986); a quote or "<" in an href also makes
# html5lib's serializer escape it differently on a second pass.
_NOT_IN_URLS = re.compile(r'["<>`]')


def _safe_href(value: str) -> bool:
    if _NOT_IN_URLS.search(value):
        return False
    scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
    return scheme in PROTOCOLS or not scheme


# Said by the preview and by the form that refuses such a comment.
NOTHING_LEFT = ("Nothing would be left of your comment: it holds only tags that are not "
                "allowed in comments, and they are removed.")

# Markup the comment policy adds itself, never reported as removed.
_ADDED = {"p", "br"}


def explain_comment(text: str) -> tuple[str, list[str]]:
    """clean_comment(text), and what it took out, in words.

    bleach does not report what it removes, so the tags and attributes of
    the input and of the output are compared.
    """
    cleaned = clean_comment(text)
    before, after = _TagCount(text), _TagCount(cleaned)
    notes = []
    for tag in sorted(before.tags):
        if tag not in _ADDED and after.tags[tag] < before.tags[tag]:
            notes.append(f"The <{tag}> tag is not allowed in comments; it was removed "
                         "and any text inside it kept.")
    for (tag, name), count in sorted(before.attributes.items()):
        if name == "unsafe-href":
            notes.append(f"A link on <{tag}> used an address that is not allowed; "
                         "only http, https and mailto links are kept.")
        elif name == "href" and before.attributes[(tag, "unsafe-href")]:
            continue
        elif after.tags[tag] and after.attributes[(tag, name)] < count and name != "rel":
            notes.append(f"The {name} attribute is not allowed on <{tag}>; it was removed.")
    if not cleaned and text.strip():
        notes.append(NOTHING_LEFT)
    return cleaned, notes
