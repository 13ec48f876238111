"""Full-text search behind one function: SQLite FTS5 or PostgreSQL tsvector.

Reader input never reaches either query language as syntax: on SQLite every
term is quoted as an FTS5 string; on PostgreSQL websearch_to_tsquery parses
it (it never raises on bad syntax). Both mark the matched words in the
snippet with two control characters that cannot occur in stored text, and
highlight() turns them into <mark> after escaping everything else.
"""

import re

import sqlalchemy as sa
from markupsafe import Markup, escape

from .extensions import db
from .models import Post
from .queries import visible_posts

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

fts = sa.table("posts_fts", sa.column("rowid"))
FTS_TABLE = sa.literal_column("posts_fts")


def clean_query(raw: str | None) -> str:
    """What we search for: control characters out, length capped."""
    return " ".join(_CONTROL.sub(" ", raw or "").split())[:MAX_QUERY_CHARS]


def fts5_match(words: str) -> str:
    """Each term as a quoted FTS5 string, all required: no operator survives."""
    terms = words.split()[:MAX_TERMS]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def search_posts(words: str):
    """Visible, unprotected posts matching `words`, best first, each with a snippet.

    Returns (select of (Post, snippet), order_by) for paginate(); None when
    there is nothing to search for.
    """
    words = clean_query(words)
    if not words:
        return None
    base = visible_posts().where(Post.password == "")
    if db.engine.dialect.name == "sqlite":
        match = fts5_match(words)
        # Title weighted 1000:1 over the body: a title hit ranks first.
        rank = sa.func.bm25(FTS_TABLE, 1000.0, 1.0)
        snippet = sa.func.snippet(FTS_TABLE, 1, START, STOP, "\u2026", SNIPPET_WORDS)
        query = (
            base.add_columns(snippet)
            .join(fts, fts.c.rowid == Post.id)
            .where(FTS_TABLE.op("MATCH")(match))
        )
        return query, (rank, Post.id.desc())
    tsquery = sa.func.websearch_to_tsquery("english", words)
    vector = sa.literal_column("posts.search_vector")
    # Weights {D, C, B, A}: the title (A) outweighs the body (B) a thousandfold.
    rank = sa.func.ts_rank(sa.literal("{0, 0, 0.001, 1}").cast(sa.ARRAY(sa.REAL)), vector,
                           tsquery)
    snippet = sa.func.ts_headline(
        "english", Post.content_text, tsquery,
        f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12",
    )
    query = base.add_columns(snippet).where(vector.op("@@")(tsquery))
    return query, (rank.desc(), Post.id.desc())


def highlight(snippet: str | None) -> Markup:
    """The snippet escaped, with matched words in <mark>."""
    text = str(escape(snippet or ""))
    # Safe: everything but our own two marks was escaped just above.
    return Markup(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704
