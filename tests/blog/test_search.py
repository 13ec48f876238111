"""Search: `/?s=<words>` over titles and bodies, on SQLite FTS5 and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from dreamweaver.blog import search
from dreamweaver.blog.queries import NEWEST_FIRST
from dreamweaver.extensions import db
from dreamweaver.models import utcnow
from tests.support.responses import text, titles

HOSTILE = [
    "% _ \\ ' \" * ( ) NEAR AND OR -",
    "\"unbalanced",
    "title:foo",
    "foo*",
    "NEAR(a b)",
    "' OR 1=1 --",
    "a\x00b\x01c\x1f",
    "x" * 10_000,
    "word " * 2_000,
    "-",
    "()",
    "^",
    "<script>alert(1)</script>",
]


@pytest.fixture
def library(make):
    make.post("Mycelium Networks", source="How fungi talk underground.",
              published_at=datetime(2023, 5, 1, tzinfo=UTC))
    make.post("Forest Walks", source="We found mycelium under every log on the trail.",
              published_at=datetime(2024, 5, 1, tzinfo=UTC))
    make.post("Unrelated", source="Nothing to see here.",
              published_at=datetime(2024, 4, 1, tzinfo=UTC))


def test_search_finds_by_title_and_body_title_first(client, library):
    response = client.get("/?s=mycelium")
    assert response.status_code == 200
    assert titles(response) == ["Mycelium Networks", "Forest Walks"]
    assert "Search Results for: \u201cmycelium\u201d" in text(response)


def test_search_lists_title_hits_then_the_rest_each_newest_first(client, make):
    day = datetime(2024, 1, 1, tzinfo=UTC)
    make.post("Old spore prints", published_at=day)
    make.post("Newer body", source="A spore print.", published_at=day + timedelta(days=3))
    make.post("Spore season", published_at=day + timedelta(days=1))
    make.post("Newest body", source="Spores everywhere.", published_at=day + timedelta(days=4))
    make.post("Older body", source="One spore.", published_at=day - timedelta(days=9))
    assert titles(client.get("/?s=spore")) == [
        "Spore season", "Old spore prints", "Newest body", "Newer body", "Older body"]


def test_search_title_hit_holds_every_word(client, make):
    make.post("Spore prints", source="In ink.")  # one word in the title: not a title hit
    make.post("Spore ink", source="Prints.", published_at=datetime(2020, 1, 1, tzinfo=UTC))
    make.post("Ink", source="A spore.", published_at=datetime(2021, 1, 1, tzinfo=UTC))
    make.post("Spore", source="No other word.")
    assert titles(client.get("/?s=spore+ink")) == ["Spore ink", "Spore prints", "Ink"]


@pytest.fixture(params=["few", "many"])
def sqlite_plan(request, monkeypatch):
    """SQLite reads a group with few FTS matches by rowid, a big one along the
    listing index: run a test both ways (PostgreSQL ignores it)."""
    if request.param == "many":
        monkeypatch.setattr(search, "FEW_MATCHES", 1)
    return request.param


def test_search_pages_across_title_hits_and_the_rest(app, client, make, sqlite_plan):
    app.config["POSTS_PER_PAGE"] = 2
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(3):
        make.post(f"Spore title {n}", source="x", published_at=start + timedelta(days=n))
    for n in range(4):
        make.post(f"Body {n}", source="a spore", published_at=start + timedelta(days=10 + n))
    make.post("Draft spore", status="draft", published_at=start + timedelta(days=30))
    pages = [titles(client.get(url)) for url in (
        "/?s=spore", "/page/2/?s=spore", "/page/3/?s=spore", "/page/4/?s=spore")]
    # Page 3 starts past the last title hit: the title hits are counted, not listed.
    assert pages == [["Spore title 2", "Spore title 1"], ["Spore title 0", "Body 3"],
                     ["Body 2", "Body 1"], ["Body 0"]]
    assert 'href="/page/4/?s=spore"' in text(client.get("/page/3/?s=spore"))
    assert 'href="/page/5/?s=spore"' not in text(client.get("/page/4/?s=spore"))
    assert client.get("/page/5/?s=spore").status_code == 404


def test_search_by_title_only_or_body_only(client, make, sqlite_plan):
    make.post("Mycelium", source="x")
    assert titles(client.get("/?s=mycelium")) == ["Mycelium"]
    assert titles(client.get("/?s=trail")) == []
    make.post("Walks", source="trail")
    assert titles(client.get("/?s=trail")) == ["Walks"]


def test_search_excluded_word_in_body_excludes_title_hit(client, make, sqlite_plan):
    make.post("Mycelium networks", source="Along the trail.")
    make.post("Mycelium maps", source="Underground.")
    make.post("Trail mycelium", source="Roots.")
    assert titles(client.get("/", query_string={"s": "mycelium -trail"})) == ["Mycelium maps"]


@pytest.mark.parametrize(("few", "plan"), [
    (1000, "SEARCH posts USING INTEGER PRIMARY KEY"),  # few matches: looked up, sorted
    (1, "SEARCH posts USING INDEX ix_posts_listing"),  # many: the listing index walked
])
def test_sqlite_search_plans(app, make, monkeypatch, database_uri, few, plan):
    """The hints in search._sqlite_group keep SQLite on the intended plan: the
    other one is 100 times slower at 100,000 posts. (PostgreSQL plans for
    itself, from the statistics of the title index that migration 0007 makes.)"""
    if database_uri.startswith("postgresql"):
        with app.app_context():
            assert db.session.scalar(sa.text(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_posts_title_vector'")) == 1
        return
    make.post("Spore", source="A spore.")
    make.post("Spore again", source="More spores.")
    monkeypatch.setattr(search, "FEW_MATCHES", few)
    seen = []

    def statement(_conn, _cursor, sql, parameters, *_):
        seen.append((sql, parameters))

    with app.app_context():
        query = search._sqlite_group('"spore"', utcnow())()
        event.listen(db.engine, "before_cursor_execute", statement)
        try:
            assert db.session.scalars(query.order_by(*NEWEST_FIRST).limit(11)).all()
        finally:
            event.remove(db.engine, "before_cursor_execute", statement)
        sql, parameters = seen[-1]
        steps = [row[3] for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql, parameters)]
    assert steps[0].startswith(plan), steps
    assert ("USE TEMP B-TREE FOR ORDER BY" in steps) == (few > 1), steps


def test_search_finds_by_body_word(client, library):
    assert titles(client.get("/?s=trail")) == ["Forest Walks"]


def test_search_highlights_words_safely(client, make):
    make.post("Tags <b>inside</b>", source="mycelium grows where x &lt; y &amp; z &gt; w")
    body = text(client.get("/?s=mycelium"))
    assert "<mark>mycelium</mark>" in body
    assert "x &lt; y &amp; z &gt; w" in body
    assert "<b>inside</b>" not in body and "Tags &lt;b&gt;inside&lt;/b&gt;" in body


def test_search_all_terms_required(client, library):
    assert titles(client.get("/?s=mycelium+trail")) == ["Forest Walks"]


def test_search_no_results_page(client, library):
    response = client.get("/?s=zebra")
    assert response.status_code == 200
    assert "nothing matched your search terms" in text(response)
    assert 'id="search-again"' in text(response)


def test_search_hides_invisible_and_protected_posts(client, make):
    make.post("Draft mycelium", status="draft")
    make.post("Future mycelium", status="scheduled",
              published_at=datetime.now(UTC) + timedelta(days=2))
    make.post("Locked mycelium", password="pw")
    make.post("Page mycelium", kind="page")
    make.post("Public mycelium")
    assert titles(client.get("/?s=mycelium")) == ["Public mycelium"]


def test_search_paging(app, client, make):
    app.config["POSTS_PER_PAGE"] = 2
    for n in range(5):
        make.post(f"Spore {n}", source="spore print")
    pages = [titles(client.get(url)) for url in ("/?s=spore", "/page/2/?s=spore",
                                                 "/page/3/?s=spore")]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == [f"Spore {n}" for n in range(5)]
    first = text(client.get("/?s=spore"))
    assert 'href="/page/2/?s=spore"' in first
    assert client.get("/page/4/?s=spore").status_code == 404


def test_search_follows_edits(app, client, make):
    post = make.post("Before Edit", source="old words")
    from dreamweaver.extensions import db
    from dreamweaver.markup import render
    from dreamweaver.models import Post

    with app.app_context():
        row = db.session.get(Post, post.id)
        row.title, row.content_html = "After Edit", render("fresh words", "markdown")
        db.session.commit()
    assert titles(client.get("/?s=fresh")) == ["After Edit"]
    assert titles(client.get("/?s=old")) == []


@pytest.mark.parametrize("words", HOSTILE)
def test_search_hostile_input_gives_a_normal_page(client, library, words):
    response = client.get("/", query_string={"s": words})
    assert response.status_code == 200
    assert "Search Results for:" in text(response)
    assert "<script>alert(1)</script>" not in text(response)


def test_search_invalid_percent_encoding(client, library):
    for raw in ("/?s=%ZZ", "/?s=%", "/?s=%E2%82", "/?s=%00%01", "/?s=%ff%fe"):
        response = client.get(raw)
        assert response.status_code == 200, raw


def test_search_form_in_header(client, library):
    body = text(client.get("/2024/"))
    assert 'role="search"' in body and 'id="site-search"' in body and 'name="s"' in body


def test_p_redirects_to_permalink(client, make):
    post = make.post("Old Link", published_at=datetime(2023, 8, 2, tzinfo=UTC))
    page = make.post("Old Page", kind="page")
    response = client.get(f"/?p={post.id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/2023/08/02/old-link/")
    assert client.get(f"/?page_id={page.id}").headers["Location"].endswith("/old-page/")


def test_p_unknown_or_bad_is_404(client, make):
    draft = make.post("Draft", status="draft")
    for value in (str(draft.id), "999999", "abc", "-1", "1e3", "9" * 40, "", "2147483648", "²"):
        assert client.get("/", query_string={"p": value}).status_code == 404, value
