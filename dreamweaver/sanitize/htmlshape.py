"""The shape of a piece of HTML, measured in one linear pass before bleach sees it.

html5lib (under bleach) is linear on what people write and super-linear on
what they do not: its cost grows with the tags times the elements still open,
with the formatting elements it must reopen after every block, and with the
attributes of one tag. A 23 KB comment of nested formatting tags with
distinct attributes once took it 20 seconds. So every text is measured here
first, in time proportional to its length, and refused when it asks for more
than `Limits` allows; within those limits the parser's cost is bounded (see
docs/decisions.md, "Bounded input", and bench/worst_case.py).

The pass follows HTML's tokenizer where it matters for counting (tag names,
attributes with quoted values, comments) and errs on the side of counting
more than the parser will see, never less.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

# Tags that never hold anything, so never open an element.
VOID = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image",
    "img", "input", "keygen", "link", "menuitem", "meta", "param", "source", "track", "wbr",
})
# HTML's formatting elements: the parser keeps them in a list and reopens them
# inside every new block until their own end tag comes.
FORMATTING = frozenset({
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
    "tt", "u",
})
# A start tag of one of these ends an open element of a name it lists (an
# unclosed <li> before the next <li>), as the parser's implied end tags do, but
# only when nothing stands between them except phrasing elements and the ones
# listed second: an <li> inside a nested <ul> ends nothing, and the list nests.
SIBLING_CLOSES = {
    "li": ({"li"}, set()),
    "dt": ({"dt", "dd"}, set()),
    "dd": ({"dt", "dd"}, set()),
    "p": ({"p"}, set()),
    "td": ({"td", "th"}, set()),
    "th": ({"td", "th"}, set()),
    "tr": ({"tr"}, {"td", "th"}),
    "thead": ({"thead", "tbody", "tfoot"}, {"tr", "td", "th"}),
    "tbody": ({"thead", "tbody", "tfoot"}, {"tr", "td", "th"}),
    "tfoot": ({"thead", "tbody", "tfoot"}, {"tr", "td", "th"}),
    "option": ({"option"}, set()),
    "optgroup": ({"optgroup", "option"}, set()),
}
# Inside these, anything but table parts and white space is moved out in front
# of the table ("foster parenting"), and html5lib finds the table among its
# parent's children by list index each time: quadratic in what is moved.
TABLE_CONTEXT = frozenset({"table", "tbody", "thead", "tfoot", "tr"})
TABLE_PARTS = frozenset({"caption", "colgroup", "col", "tbody", "thead", "tfoot", "tr", "td",
                         "th", "table"})
# Attribute text of a formatting element weighs one more for each this many characters.
ATTRIBUTE_CHARS = 32
PHRASING = FORMATTING | {
    "abbr", "acronym", "cite", "dfn", "del", "ins", "kbd", "mark", "q", "samp", "span", "sub",
    "sup", "time", "var",
}

_SPACE = "\t\n\f\r "
# A tag as HTML's tokenizer reads it: a name, then attributes whose values may
# be quoted (a quoted ">" does not end the tag). Each repetition consumes at
# least one character of a name and the character classes are disjoint, so
# the pattern never backtracks; an unterminated tag ends at the end of text.
_TAG = re.compile(
    rf"<(/?)([A-Za-z][^{_SPACE}/>]*)"
    rf"((?:[{_SPACE}/]*[^{_SPACE}/>][^{_SPACE}/>=]*"
    rf"(?:[{_SPACE}]*=[{_SPACE}]*(?:\"[^\"]*\"|'[^']*'|[^{_SPACE}>]*))?)*)"
    rf"[{_SPACE}/]*>?"
)
_ATTRIBUTE = re.compile(
    rf"[^{_SPACE}/>][^{_SPACE}/>=]*(?:[{_SPACE}]*=[{_SPACE}]*(?:\"[^\"]*\"|'[^']*'|[^{_SPACE}>]*))?"
)
# Something bleach's linkifier may turn into a link: a dot between a word
# character and a letter ("example.org", "www.", "a.b.c"), counted generously.
_LINKISH = re.compile(r"\w\.[^\W\d_]")


@dataclass(frozen=True)
class Limits:
    """What one kind of text may hold. Each bound keeps one of the parser's
    costs linear; the numbers are in docs/decisions.md with their reasons."""

    kind: str  # "comment" or "post", for the messages
    chars: int
    tags: int  # every "<" that starts a tag, comment or declaration
    depth: int  # elements open at once
    formatting: int  # weight of formatting elements not closed by their own end tag
    reopened: int  # that weight summed over the tags that follow (the parser's copies)
    attributes: int  # on one tag
    ampersands: int
    fostered: int  # text and tags inside a table but outside its cells
    links: int | None = None  # candidates for the linkifier, where it runs


class TooComplex(ValueError):
    """The text asks more of the HTML parser than anyone's writing does.
    Its message is for the person who wrote it."""


def check(html: str, limits: Limits, allowed: frozenset[str]) -> None:
    """Raise TooComplex unless `html` stays within `limits`.

    `allowed` is the policy's tag list: the sanitizer turns any other tag into
    text before the tree is built, so only these open elements.
    """
    kind = limits.kind
    if html.count("<") > limits.tags:
        raise TooComplex(f"This {kind} holds more than {limits.tags:,} tags or “<” "
                         "characters (line breaks count as tags). Please shorten it.")
    if html.count("&") > limits.ampersands:
        raise TooComplex(f"This {kind} holds more than {limits.ampersands:,} “&” characters "
                         "(character references). Please shorten it.")
    if limits.links is not None and _count_up_to(_LINKISH, html, limits.links) > limits.links:
        raise TooComplex(f"This {kind} holds more than {limits.links:,} web addresses "
                         "or dotted names. Please shorten it.")
    if len(html) > limits.chars:
        raise TooComplex(f"This {kind} is too long: at most {limits.chars:,} characters.")
    _check_tags(html, limits, allowed)


def _count_up_to(pattern: re.Pattern, text: str, limit: int) -> int:
    count = 0
    for _ in pattern.finditer(text):
        count += 1
        if count > limit:
            break
    return count


def tags(html: str) -> Iterator[tuple[bool, str, str]]:
    """(closing, lower-case name, attribute text) of every tag, in one pass."""
    for _, _, closing, name, attribute_text in _tags_at(html):
        yield closing, name, attribute_text


def _tags_at(html: str) -> Iterator[tuple[int, int, bool, str, str]]:
    """tags(), each with where it starts and ends."""
    position = html.find("<")
    while position != -1:
        if html.startswith("<!--", position):
            end = html.find("-->", position + 4)
            position = len(html) if end == -1 else end + 3
        elif (match := _TAG.match(html, position)) is None:
            # "<" then no letter: text, or a bogus comment ("<!x>", "<?x>", "</1>")
            # that runs to the next ">"; either way no element opens.
            position += 1
        else:
            position = match.end()
            yield (match.start(), position, bool(match.group(1)), match.group(2).lower(),
                   match.group(3))
        position = html.find("<", position)


def attributes(text: str) -> Iterator[tuple[str, str]]:
    """(lower-case name, value with character references resolved) of a tag's
    attribute text, as tags() gives it."""
    for match in _ATTRIBUTE.finditer(text):
        name, _, value = match.group().partition("=")
        value = value.strip(_SPACE)
        if value[:1] in ("'", '"') and value[-1:] == value[:1] and len(value) > 1:
            value = value[1:-1]
        yield name.strip(_SPACE).lower(), unescape(value)


def _check_tags(html: str, limits: Limits, allowed: frozenset[str]) -> None:
    kind = limits.kind
    elements = _OpenElements()
    fostered, text_from = 0, 0
    for start, end, closing, name, attribute_text in _tags_at(html):
        count = 0 if closing else _count_up_to(_ATTRIBUTE, attribute_text, limits.attributes)
        if count > limits.attributes:
            raise TooComplex(f"A tag in this {kind} has more than {limits.attributes} "
                             "attributes.")
        in_table = elements.in_table()
        text = start > text_from and not html[text_from:start].isspace()
        text_from = end
        if name not in allowed:
            # The sanitizer makes it text, which a table moves out too.
            fostered += in_table + (text and in_table)
        else:
            fostered += (text and in_table) + elements.step(
                name, closing, count + len(attribute_text) // ATTRIBUTE_CHARS)
        if fostered > limits.fostered:
            raise TooComplex(f"This {kind} puts text or tags directly inside a table, "
                             f"outside its cells, more than {limits.fostered} times.")
        if name not in allowed:
            continue
        if len(elements.stack) > limits.depth:
            raise TooComplex(f"This {kind} nests tags more than {limits.depth} deep.")
        if elements.formatting_weight > limits.formatting or elements.reopened > limits.reopened:
            raise TooComplex(f"This {kind} leaves too many formatting tags (such as <b>, "
                             "<i>, <a>) open, or their attributes are too long. Please close "
                             "the ones you open.")


class _OpenElements:
    """The parser's open elements and formatting list, as far as cost goes.

    A formatting element stays in the parser's list until its own end tag,
    even after another end tag closed it, and the parser copies it, with its
    attributes, into every block that follows: its weight is one plus its
    attributes plus one for every ATTRIBUTE_CHARS characters of them (a
    60,000-character title copied into 980 paragraphs made 59 MB), and
    `reopened` adds up the weight open at every tag, an upper bound of what
    the parser copies. Popping searches a stack the caller keeps within its
    depth limit, so each step is bounded.
    """

    def __init__(self):
        self.stack: list[str] = []
        self.formatting: dict[str, list[int]] = {}
        self.formatting_weight = 0
        self.reopened = 0

    def in_table(self) -> bool:
        return bool(self.stack) and self.stack[-1] in TABLE_CONTEXT

    def step(self, name: str, closing: bool, attributes: int) -> bool:
        """Apply one tag; True when the parser moves it out of a table (it
        arrives where a table holds only table parts, once implied end tags
        have closed what they close)."""
        self.reopened += self.formatting_weight
        if closing:
            moved = self.in_table() and name not in TABLE_PARTS
            if self.formatting.get(name):
                self.formatting_weight -= self.formatting[name].pop()
            self._pop_to(name)
            return moved
        if name in SIBLING_CLOSES:
            self._close_sibling(*SIBLING_CLOSES[name])
        moved = self.in_table() and name not in TABLE_PARTS
        if name not in VOID:
            self.stack.append(name)
            if name in FORMATTING:
                self.formatting.setdefault(name, []).append(1 + attributes)
                self.formatting_weight += 1 + attributes
        return moved

    def _close_sibling(self, closes: set[str], passes: set[str]) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            open_name = self.stack[index]
            if open_name in closes:
                del self.stack[index:]
                return
            if open_name not in PHRASING and open_name not in passes:
                return

    def _pop_to(self, name: str) -> None:
        if name in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(name):]
