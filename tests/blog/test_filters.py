"""The list filters (`?cat=`, `?m=`), the list fragment's title and
announcement, and the widget partials."""

from datetime import UTC, datetime

import pytest

from tests.support.responses import text, titles

HX = {"HX-Request": "true"}


@pytest.fixture
def site(make):
    art = make.category("Art & Culture")
    make.category("Empty One")
    make.post("Painted", categories=[art], published_at=datetime(2024, 5, 2, tzinfo=UTC))
    make.post("Sculpted", categories=[art], published_at=datetime(2024, 4, 2, tzinfo=UTC))
    make.post("Plain", published_at=datetime(2023, 12, 2, tzinfo=UTC))


def test_filter_category_plain_redirects(client, site):
    response = client.get("/?cat=art-culture")
    assert response.status_code == 301  # as WordPress's old links (query_links.py)
    assert response.headers["Location"] == "/category/art-culture/"


def test_filter_category_htmx_renders_and_pushes_url(client, site):
    response = client.get("/?cat=art-culture", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == "/category/art-culture/"
    assert titles(response) == ["Painted", "Sculpted"]
    assert '<option value="art-culture" selected>Art &amp; Culture (2)</option>' in text(response)


def test_filter_month(client, site):
    assert client.get("/?m=202312").headers["Location"] == "/2023/12/"
    assert client.get("/?m=2024").headers["Location"] == "/2024/"
    response = client.get("/?m=202405", headers=HX)
    assert response.headers["HX-Push-Url"] == "/2024/05/"
    assert titles(response) == ["Painted"]
    assert '<option value="202405" selected>May 2024</option>' in text(response)


def test_filter_empty_choice_goes_home(client, site):
    assert client.get("/?cat=").headers["Location"] == "/"
    assert client.get("/?m=").headers["Location"] == "/"


@pytest.mark.parametrize("query", ["cat=nope", "m=202413", "m=20241", "m=abc", "m=²²²²",
                                   "m=99999999", "cat=%00"])
def test_filter_bad_values_are_404(client, site, query):
    assert client.get(f"/?{query}", headers=HX).status_code == 404
    assert client.get(f"/?{query}").status_code == 404


def test_filter_category_choices_have_counts_and_skip_empty(client, site):
    body = text(client.get("/"))
    assert '<label for="filter-category">Filter by category</label>' in body
    assert "Art &amp; Culture (2)" in body and "Empty One" not in body
    assert '<label for="filter-month">Archives</label>' in body
    assert '<option value="202312">December 2023</option>' in body


def test_list_fragment_has_title_and_announcement(client, site):
    body = text(client.get("/category/art-culture/", headers=HX))
    assert "<title>Category: Art &amp; Culture \u2013 Psychedelic Dreamweaver</title>" in body
    assert '<div id="announcer" hx-swap-oob="innerHTML">Category: Art &amp; Culture: 2 posts' \
        in body
    assert 'id="post-list-title" tabindex="-1" autofocus' in body


def test_full_page_has_no_fragment_title_or_autofocus(client, site):
    body = text(client.get("/category/art-culture/"))
    assert body.count("<title>") == 1 and "autofocus" not in body


def test_list_links_swap_content_and_push_url(client, site):
    body = text(client.get("/"))
    assert 'hx-target="#content"' in body and 'hx-push-url="true"' in body
    assert 'href="/category/art-culture/" hx-get="/category/art-culture/"' in body


@pytest.mark.parametrize("name", ["recent-posts", "recent-comments"])
def test_widget_partials(client, site, name):
    response = client.get(f"/partials/{name}")
    assert response.status_code == 200
    assert text(response).lstrip().startswith(f'<section class="widget widget-{name}"')
    assert "<html" not in text(response)


@pytest.mark.parametrize("query", ["cat=", "m="])
def test_filter_empty_choice_with_htmx_shows_home(client, site, query):
    response = client.get(f"/?{query}", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == "/"
    assert titles(response) == ["Painted", "Sculpted", "Plain"]


def test_filter_answer_pages_like_its_archive(app, client, site):
    app.config["POSTS_PER_PAGE"] = 1
    body = text(client.get("/?cat=art-culture", headers=HX))
    assert 'href="/category/art-culture/page/2/"' in body
    search = text(client.get("/?s=painted+OR+sculpted", headers=HX))
    assert "?cat=" not in search
