"""Search terms as WordPress readers type them: word prefixes, "phrases",
-exclusions, on SQLite FTS5 and PostgreSQL alike (dreamweaver/blog/search_query.py)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from dreamweaver.blog import search, search_query
from dreamweaver.blog.search_query import MAX_WORD_CHARS, MAX_WORDS, Term, parse
from dreamweaver.extensions import db
from tests.support.responses import text, titles


@pytest.fixture(params=["few", "many"])
def sqlite_plan(request, monkeypatch):
    """Both of SQLite's ways of reading a group (PostgreSQL ignores it)."""
    if request.param == "many":
        monkeypatch.setattr(search, "FEW_MATCHES", 1)
    return request.param


@pytest.fixture
def shelf(make):
    make.post("Neuroscience of awe", source="Brains at rest.",
              published_at=datetime(2022, 1, 1, tzinfo=UTC))
    make.post("Notes", source="On microdosing psilocybin in a forest walk.",
              published_at=datetime(2023, 1, 1, tzinfo=UTC))
    make.post("Psilocybin trials", source="A walk in the forest, then rain.",
              published_at=datetime(2021, 1, 1, tzinfo=UTC))
    make.post("Rain", source="Forest rain and neurons.",
              published_at=datetime(2024, 1, 1, tzinfo=UTC))


def search_titles(client, words):
    response = client.get("/", query_string={"s": words})
    assert response.status_code == 200, words
    return titles(response)


def test_parse_terms_phrases_and_exclusions():
    assert parse('psilo "forest walk" -rain -"dark night" x') == search_query.SearchQuery(
        required=(Term(("psilo",), True), Term(("forest", "walk"), False), Term(("x",), False)),
        excluded=(Term(("rain",), False), Term(("dark", "night"), False)),
    )


def test_parse_keeps_only_letters_and_digits():
    query = parse('title:foo NEAR(a b) ba\\lan\'ced AND^ e-mail * ( ) - :* "x\'" "')
    words = [word for term in query.required + query.excluded for word in term.words]
    assert all(word.isalnum() for word in words), words
    assert Term(("title", "foo"), True) in query.required  # words in a row, as indexed
    assert Term(("e", "mail"), True) in query.required


def test_parse_caps_words_and_their_length():
    query = parse(" ".join(f"w{n:03}" for n in range(50)) + " " + "y" * 500)
    assert sum(len(term.words) for term in query.required) == MAX_WORDS
    assert parse("z" * 500).required[0].words == ("z" * MAX_WORD_CHARS,)


@pytest.mark.parametrize("words", ["", "-rain", '-"forest walk" -x', "- -- ---", '""', "\x00\x01"])
def test_parse_nothing_required_is_no_search(words):
    assert parse(words) is None


def test_search_prefix_finds_partial_words(client, shelf, sqlite_plan):
    assert search_titles(client, "neuro") == ["Neuroscience of awe", "Rain"]
    assert search_titles(client, "psilo") == ["Psilocybin trials", "Notes"]
    assert search_titles(client, "microdos") == ["Notes"]
    assert search_titles(client, "PSILO micro") == ["Notes"]  # every term required


def test_search_short_word_is_not_a_prefix(client, make):
    make.post("Psilocybin", source="x")
    make.post("PS", source="A postscript.")
    assert search_titles(client, "ps") == ["PS"]
    assert search_titles(client, "psi") == ["Psilocybin"]


def test_search_prefix_is_highlighted_in_the_snippet(client, make):
    make.post("Notes", source="On microdosing & psilocybin.")
    assert "microdosing &amp; <mark>psilocybin</mark>" in text(client.get("/?s=psilo"))


def test_search_phrase_matches_words_together(client, shelf, sqlite_plan):
    # "A walk in the forest" holds both words, not the phrase.
    assert search_titles(client, '"forest walk"') == ["Notes"]
    assert search_titles(client, "forest walk") == ["Notes", "Psilocybin trials"]
    assert search_titles(client, '"forest walk') == ["Notes"]  # unbalanced: to the end
    assert search_titles(client, '"forest wal"') == []  # a phrase's words are whole


def test_search_exclusion_leaves_out_posts_with_the_word(client, shelf, sqlite_plan):
    assert search_titles(client, "forest -rain") == ["Notes"]
    assert search_titles(client, "psilo -rain") == ["Notes"]
    # A title hit is left out too when its body holds the word.
    assert search_titles(client, "psilocybin -rain") == ["Notes"]
    # Whole words only: -rai is not a prefix.
    assert search_titles(client, "forest -rai") == ["Rain", "Notes", "Psilocybin trials"]
    assert search_titles(client, 'forest -"forest walk"') == ["Rain", "Psilocybin trials"]


def test_search_mixed_terms(client, shelf, sqlite_plan):
    assert search_titles(client, 'psilo "forest walk" -neurons') == ["Notes"]
    assert search_titles(client, 'fore -"forest walk" -awe') == ["Rain", "Psilocybin trials"]


def test_search_phrase_stop_words_per_engine(client, shelf, database_uri):
    """PostgreSQL indexes no stop words: a phrase's leading ones are dropped and
    inner ones only keep their distance. SQLite indexes every word."""
    found = search_titles(client, 'fore -"in a forest"')
    assert search_titles(client, '"walk in the forest"') == ["Psilocybin trials"]
    if database_uri.startswith("postgresql"):
        assert found == []  # -"forest"
        assert search_titles(client, '"the rain"') == ["Rain", "Psilocybin trials"]
    else:
        assert found == ["Rain", "Psilocybin trials"]
        assert search_titles(client, '"the rain"') == []


def test_search_only_exclusions_lists_nothing(client, shelf):
    response = client.get("/", query_string={"s": "-rain"})
    assert response.status_code == 200
    assert titles(response) == []
    assert "nothing matched your search terms" in text(response)
    assert client.get("/page/2/", query_string={"s": "-rain"}).status_code == 404


def test_search_operators_are_plain_words(client, make, sqlite_plan):
    make.post("Do not disturb", source="Near the door, or else.")
    make.post("Other", source="Nothing.")
    assert search_titles(client, "NOT dist") == ["Do not disturb"]
    assert search_titles(client, "NEAR(the door)") == ["Do not disturb"]  # near, the, door
    assert search_titles(client, "door OR nothing") == []  # OR is a word, required
    assert search_titles(client, "title:disturb") == []  # not a column filter


def test_search_words_past_the_cap_are_ignored(client, make):
    words = [f"w{n}" for n in range(MAX_WORDS)]
    make.post("Many", source=" ".join(words))
    assert search_titles(client, " ".join(words) + " zebra") == ["Many"]


@pytest.mark.parametrize("words", [
    '"unbalanced', 'un"balanced"quotes"', "-", "--", "- -", "*", "psilo*", "**a**",
    "NEAR", "NEAR(psilo forest, 2)", "psilo AND forest", "psilo OR", "NOT psilo", "^psilo",
    "psilo ^forest", "title:psilo", "{title}: psilo", "content_text:x", ":", "::*", "(", ")",
    "(psilo", "psilo)", "((()))", "'", "''", "\\", "\\'", "psilo:*", "a & b | !c <-> d",
    "!(x)", "x:A", "'x':*", "\x00psilo\x1f", "x" * 10_000, "psilo " * 2_000,
    " ".join(f"t{n}" for n in range(500)), "-\u0301", "e\u0301te\u0301", "\u00e9t\u00e9 -",
    "_", "_psilo_", "psilo-", "-psilo-", "1e9", "\U0001f344 mush",
])
def test_search_hostile_terms_give_a_normal_page(client, shelf, words):
    response = client.get("/", query_string={"s": words})
    assert response.status_code == 200
    assert "Search Results for:" in text(response)
    assert client.get("/page/2/", query_string={"s": words}).status_code == 404


def test_sqlite_prefix_snippets_in_one_fts5_pass(app, client, make, database_uri):
    """FTS5 merges a prefix's postings on every evaluation: a prefix query's
    snippets come from one pass over the page, a whole word's from a seek per
    post (search._sqlite_snippets). PostgreSQL makes each with ts_headline."""
    for n in range(3):
        make.post(f"Post {n}", source="On psilocybin.")
    seen = []

    def statement(_conn, _cursor, sql, *_):
        seen.append(sql)

    def snippet_sql(words):
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", statement)
        try:
            assert len(search_titles(client, words)) == 3
        finally:
            event.remove(db.engine, "before_cursor_execute", statement)
        return [sql for sql in seen if "snippet(" in sql or "ts_headline(" in sql]

    with app.app_context():
        prefix, whole = snippet_sql("psilo"), snippet_sql('"psilocybin"')
    if database_uri.startswith("postgresql"):
        assert all("ts_headline(" in sql for sql in prefix + whole)
        return
    assert len(prefix) == 1 and "WITH snippets AS MATERIALIZED" in prefix[0]
    assert len(whole) == 1 and "MATERIALIZED" not in whole[0]
    assert "posts_fts.rowid = posts.id" in whole[0]
