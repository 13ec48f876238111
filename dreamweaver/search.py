"""Full-text search behind one function: SQLite FTS5 or PostgreSQL tsvector.

Reader input never reaches either query language as syntax: on SQLite every
term is quoted as an FTS5 string; on PostgreSQL websearch_to_tsquery parses
it (it never raises on bad syntax). Both mark the matched words in the
snippet with two control characters that cannot occur in stored text, and
highlight() turns them into <mark> after escaping everything else.

Order, as WordPress orders its search: posts whose title holds every word
first, then the other matches, each group newest first (ties by id). Ranking
every match by relevance (bm25, ts_rank) before taking a page cost 230-930 ms
for a word in most of 100,000 posts; a date order lets both engines walk the
listing index and stop after one page. See docs/decisions.md.
"""

import re

import sqlalchemy as sa
from markupsafe import Markup, escape

from .extensions import db
from .models import Post, utcnow
from .queries import NEWEST_FIRST, is_visible

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
# SQLite: a group with fewer FTS matches than this is read from the FTS index
# and sorted; a bigger one is read by walking the listing index (see _sqlite_group).
FEW_MATCHES = 1000

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

fts = sa.table("posts_fts", sa.column("rowid"))
FTS_TABLE = sa.literal_column("posts_fts")
# PostgreSQL: the title's own vector, as ix_posts_title_vector indexes it (the
# configuration is a literal so that the planner can match the index).
ENGLISH = sa.literal_column("'english'::regconfig")
TITLE_VECTOR = sa.func.to_tsvector(ENGLISH, Post.title)


def clean_query(raw: str | None) -> str:
    """What we search for: control characters out, length capped."""
    return " ".join(_CONTROL.sub(" ", raw or "").split())[:MAX_QUERY_CHARS]


def fts5_match(words: str) -> str:
    """Each term as a quoted FTS5 string, all required: no operator survives."""
    terms = words.split()[:MAX_TERMS]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def search_posts(words: str):
    """Visible, unprotected posts matching `words`, title hits first, each with a snippet.

    Returns window(limit, offset): the select of those (Post, snippet) rows in
    order, or None when there are none, for queries.paginate(). None when there
    is nothing to search for.
    """
    words = clean_query(words)
    if not words:
        return None
    now = utcnow()
    if db.engine.dialect.name == "sqlite":
        match = fts5_match(words)
        title = f"{{title}} : ({match})"
        groups = [_sqlite_group(title, now), _sqlite_group(f"({match}) NOT {title}", now)]
        snippet = (
            sa.select(sa.func.snippet(FTS_TABLE, 1, START, STOP, "\u2026", SNIPPET_WORDS))
            .where(FTS_TABLE.op("MATCH")(match), fts.c.rowid == Post.id)
            .scalar_subquery()
        )
    else:
        tsquery = sa.func.websearch_to_tsquery(ENGLISH, words)
        in_title = TITLE_VECTOR.op("@@", is_comparison=True)(tsquery)
        anywhere = sa.literal_column("posts.search_vector").op("@@", is_comparison=True)(tsquery)
        # A title alone can match "word -other" whose body holds "other": then the
        # whole post must match too. Only then: that test reads each post's whole
        # vector (16 ms instead of 4 for page 3 of a common word).
        title_hit = in_title & anywhere if "-" in words else in_title
        groups = [_postgres_group(title_hit, now),
                  _postgres_group(anywhere & ~in_title, now)]
        snippet = sa.func.ts_headline(
            ENGLISH, Post.content_text, tsquery,
            f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12",
        )

    def window(limit: int, offset: int):
        ids = _page_ids(groups, limit, offset)
        if not ids:
            return None
        # The page's posts in the order found, with snippets made for these only.
        order = sa.case({post_id: n for n, post_id in enumerate(ids)}, value=Post.id)
        return sa.select(Post, snippet).where(Post.id.in_(ids)).order_by(order)

    return window


def _page_ids(groups, limit: int, offset: int) -> list[int]:
    """Ids of posts offset to offset + limit of the groups read one after another.

    A group is read only if the page reaches it; when the page starts past a
    group's end, its rows are counted, but only up to the offset.
    """
    ids = []
    for group in groups:
        if len(ids) == limit:
            break
        query = group()
        if query is None:
            continue
        found = db.session.scalars(
            query.order_by(*NEWEST_FIRST).limit(limit - len(ids)).offset(offset)).all()
        if found:
            ids += found
            offset = 0
        elif offset:
            offset -= db.session.scalar(
                sa.select(sa.func.count()).select_from(query.limit(offset).subquery()))
    return ids


def _readable(now, post_type=Post.type):
    return sa.select(Post.id).where(post_type == "post", is_visible(now), Post.password == "")


def _postgres_group(condition, now):
    """The planner knows how often each word occurs (GIN statistics, also on the
    title index): it walks the listing index newest first for a common word and
    reads the GIN index, then sorts, for a rare one."""
    return lambda: _readable(now).where(condition)


def _sqlite_group(match: str, now):
    """FTS5 tells SQLite nothing about how many rows match, and a wrong guess is
    slow either way: walking the listing index and probing FTS5 once per post
    takes seconds when few posts match; sorting every match takes 200 ms when
    most do. So we ask: up to FEW_MATCHES rowids.

    - Fewer: those posts are looked up by rowid and sorted. `type || ''` keeps
      SQLite off the listing index, which it would otherwise walk for the ORDER BY.
    - More: SQLite walks ix_posts_listing newest first and keeps the posts found
      in the set of matches, built once (about 0.3 us a match); `id + 0` keeps it
      from looking each match up by rowid and sorting them all instead.
    """
    matches = sa.select(fts.c.rowid).where(FTS_TABLE.op("MATCH")(match))

    def query():
        few = db.session.scalars(matches.limit(FEW_MATCHES)).all()
        if not few:
            return None
        if len(few) < FEW_MATCHES:
            return _readable(now, Post.type + "").where(Post.id.in_(few))
        return _readable(now).where((Post.id + 0).in_(matches))

    return query


def highlight(snippet: str | None) -> Markup:
    """The snippet escaped, with matched words in <mark>."""
    text = str(escape(snippet or ""))
    # Safe: everything but our own two marks was escaped just above.
    return Markup(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704
