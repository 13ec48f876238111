"""A reader's search words, parsed once into terms both search engines use.

As WordPress reads `?s=`: every term is required, `"quoted words"` match as a
phrase, `-word` leaves out the posts that hold the word. A bare word matches
as the start of a word (`psilo` finds psilocybin); see docs/decisions.md,
"Search: prefixes, phrases, exclusions".

Only letters and digits survive into a term: nothing a reader types can be
query syntax for FTS5 or tsquery, whatever the builders do with it.
"""

import re
import unicodedata
from dataclasses import dataclass

from ..inputs import ANY_CONTROL

MAX_QUERY_CHARS = 200
MAX_WORDS = 12  # in all terms, phrases' words included
MAX_WORD_CHARS = 40
# A shorter bare word matches whole words only: "a"* or "ps"* would read the
# postings of most of the index (see docs/decisions.md).
MIN_PREFIX_CHARS = 3

# A quoted phrase (an unbalanced quote runs to the end), or a bare word.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# What both engines' tokenizers index: runs of letters and digits.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """Words that must stand together, in order; the last one as a prefix or not."""

    words: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True)
class SearchQuery:
    required: tuple[Term, ...]
    excluded: tuple[Term, ...]


def clean_query(raw: str | None) -> str:
    """What we search for, as shown back: control characters out, length capped."""
    return " ".join(ANY_CONTROL.sub(" ", raw or "").split())[:MAX_QUERY_CHARS]


def parse(raw: str | None) -> SearchQuery | None:
    """The terms of `raw`, or None when no term is required (nothing, or only
    exclusions: a search for "everything but x" lists nothing)."""
    text = unicodedata.normalize("NFC", clean_query(raw))
    required, excluded, budget = [], [], MAX_WORDS
    for match in _TOKEN.finditer(text):
        quoted_minus, phrase, bare_minus, bare = match.groups()
        words = [w[:MAX_WORD_CHARS] for w in _WORD.findall(phrase if bare is None else bare)]
        words = words[:budget]
        if not words:
            continue
        budget -= len(words)
        if quoted_minus or bare_minus:
            # An excluded word is a whole word: "-a" must not leave out every post.
            excluded.append(Term(tuple(words), prefix=False))
        else:
            # "title:foo" or "e-mail" are words in a row, as the tokenizers see them.
            prefix = bare is not None and len(words[-1]) >= MIN_PREFIX_CHARS
            required.append(Term(tuple(words), prefix=prefix))
        if not budget:
            break
    if not required:
        return None
    return SearchQuery(tuple(required), tuple(excluded))
