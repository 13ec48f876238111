"""Full-text search behind one function: SQLite FTS5 or PostgreSQL tsvector.

What a reader types is parsed once (search_query.parse: terms, "phrases",
-exclusions) and each engine's query is built from those terms: on SQLite
every term is quoted as an FTS5 string, on PostgreSQL as a tsquery lexeme;
no operator a reader types survives. Both mark the matched words in the
snippet with two control characters that cannot occur in stored text, and
highlight() turns them into <mark> after escaping everything else.

Order, as WordPress orders its search: posts whose title holds every word
first, then the other matches, each group newest first (ties by id). Ranking
every match by relevance (bm25, ts_rank) before taking a page cost 230-930 ms
for a word in most of 100,000 posts; a date order lets both engines walk the
listing index and stop after one page. See docs/decisions.md.
"""

import sqlalchemy as sa
from markupsafe import Markup, escape

from ..extensions import db
from ..models import Post, utcnow
from .queries import NEWEST_FIRST, is_visible
from .search_query import SearchQuery, Term, parse

START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
# SQLite: a group with fewer FTS matches than this is read from the FTS index
# and sorted; a bigger one is read by walking the listing index (see _sqlite_group).
FEW_MATCHES = 1000

fts = sa.table("posts_fts", sa.column("rowid"))
FTS_TABLE = sa.literal_column("posts_fts")
# PostgreSQL: the title's own vector, as ix_posts_title_vector indexes it (the
# configuration is a literal so that the planner can match the index).
ENGLISH = sa.literal_column("'english'::regconfig")
TITLE_VECTOR = sa.func.to_tsvector(ENGLISH, Post.title)


def fts5_phrase(term: Term) -> str:
    """A term as one quoted FTS5 string (a phrase when it has several words),
    with FTS5's prefix mark after the quotes when it is a prefix."""
    quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def fts5_match(query: SearchQuery) -> tuple[str, str]:
    """FTS5 expressions for (every required term, any excluded term or '')."""
    return (" ".join(fts5_phrase(term) for term in query.required),
            " OR ".join(fts5_phrase(term) for term in query.excluded))


def tsquery_text(terms: tuple[Term, ...], negate: bool = False) -> str:
    """Terms in to_tsquery syntax: each word a quoted lexeme, a phrase's words
    joined by <->, a prefix marked :*. Words hold only letters and digits
    (search_query), and quotes and backslashes are escaped all the same."""
    parts = []
    for term in terms:
        lexemes = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
                   for word in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        parts.append(("!" if negate else "") + "(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


def search_posts(words: str):
    """Visible, unprotected posts matching `words`, title hits first, each with a snippet.

    Returns window(limit, offset): the select of those (Post, snippet) rows in
    order, or None when there are none, for queries.paginate(). None when there
    is nothing to search for (no term, or only exclusions).
    """
    query = parse(words)
    if query is None:
        return None
    now = utcnow()
    if db.engine.dialect.name == "sqlite":
        required, excluded = fts5_match(query)
        title = f"{{title}} : ({required})"
        other = f"({required}) NOT {title}"
        match = required
        if excluded:
            title, other, match = (f"({expression}) NOT ({excluded})"
                                   for expression in (title, other, match))
        groups = [_sqlite_group(title, now), _sqlite_group(other, now)]
        any_prefix = any(term.prefix for term in query.required)

        def posts_with_snippets(ids):
            return _sqlite_snippets(match, ids, once=any_prefix)
    else:
        required = tsquery_text(query.required)
        whole = " & ".join(filter(None, [required, tsquery_text(query.excluded, negate=True)]))
        tsquery = sa.func.to_tsquery(ENGLISH, whole)
        in_title = TITLE_VECTOR.op("@@", is_comparison=True)(
            sa.func.to_tsquery(ENGLISH, required))
        anywhere = sa.literal_column("posts.search_vector").op("@@", is_comparison=True)(tsquery)
        # A title can hold every term while the body holds an excluded word: then
        # the whole post must match too. Only then: that test reads each post's
        # whole vector (16 ms instead of 4 for page 3 of a common word).
        title_hit = in_title & anywhere if query.excluded else in_title
        groups = [_postgres_group(title_hit, now),
                  _postgres_group(anywhere & ~in_title, now)]
        snippet = sa.func.ts_headline(
            ENGLISH, Post.content_text, tsquery,
            f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12",
        )

        def posts_with_snippets(ids):
            return sa.select(Post, snippet).where(Post.id.in_(ids))

    def window(limit: int, offset: int):
        ids = _page_ids(groups, limit, offset)
        if not ids:
            return None
        # The page's posts in the order found, with snippets made for these only.
        order = sa.case({post_id: n for n, post_id in enumerate(ids)}, value=Post.id)
        return posts_with_snippets(ids).order_by(order)

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


def _sqlite_snippets(match: str, ids: list[int], *, once: bool):
    """The posts of `ids` with their FTS5 snippets.

    A whole-word query is evaluated for each post (a seek, 0.1 ms). A prefix
    query cannot seek: FTS5 merges the postings of every word with the prefix
    each time it is evaluated (5-30 ms at 100,000 posts), so it is evaluated
    once for the whole page, in a materialized CTE; `rowid + 0` keeps the ids a
    filter rather than one evaluation per id.
    """
    snippet = sa.func.snippet(FTS_TABLE, 1, START, STOP, "\u2026", SNIPPET_WORDS)
    if not once:
        return sa.select(Post, (
            sa.select(snippet).where(FTS_TABLE.op("MATCH")(match), fts.c.rowid == Post.id)
            .scalar_subquery()
        )).where(Post.id.in_(ids))
    found = (
        sa.select(fts.c.rowid.label("id"), snippet.label("snippet"))
        .where(FTS_TABLE.op("MATCH")(match), (fts.c.rowid + 0).in_(ids),
               fts.c.rowid.between(min(ids), max(ids)))
        .cte("snippets").prefix_with("MATERIALIZED")
    )
    return (sa.select(Post, found.c.snippet)
            .outerjoin(found, found.c.id == Post.id).where(Post.id.in_(ids)))


def highlight(snippet: str | None) -> Markup:
    """The snippet escaped, with matched words in <mark>."""
    text = str(escape(snippet or ""))
    # Safe: everything but our own two marks was escaped just above.
    return Markup(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704
