"""Search: `/?s=<words>` over titles and bodies, on SQLite FTS5 and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import text, titles

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
