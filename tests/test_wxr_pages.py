"""Imported pages: WordPress's nested page addresses and renamed pages redirect;
slugs that would shadow the site's own routes are moved aside."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import OldSlug, Post

PAGES = Path(__file__).with_name("fixtures") / "wxr" / "pages.xml"


@pytest.fixture
def imported(runner):
    result = runner.invoke(args=["import-wxr", str(PAGES)])
    assert result.exit_code == 0, result.output
    return result.output


def slugs(app) -> dict[int, str]:
    with app.app_context():
        return dict(db.session.execute(
            sa.select(Post.id, Post.slug).where(Post.type == "page")).all())


@pytest.mark.parametrize("old, new", [
    ("/guides/first-trip/", "/first-trip/"),
    ("/guides/first-trip/set-and-setting/", "/set-and-setting/"),  # listed before its parents
    ("/old-about/", "/about-us/"),
])
def test_old_page_addresses_redirect(client, imported, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(new)
    assert client.get(new).status_code == 200
    assert f"{old} -> {new}" in imported


def test_slugs_that_would_shadow_routes_are_moved_aside(app, client, imported):
    assert slugs(app)[204] == "feed-2"
    assert slugs(app)[205] == "2024-2"
    assert "slug 'feed' is one of this site's own addresses; imported as 'feed-2'" in imported
    assert client.get("/feed/").mimetype == "application/rss+xml"
    assert "The page called Feed Page." in client.get("/feed-2/").get_data(as_text=True)
    assert "The page called The Year." not in client.get("/2024/").get_data(as_text=True)


def test_second_run_keeps_pages_and_redirects(app, runner, imported):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(OldSlug.id)))
    again = runner.invoke(args=["import-wxr", str(PAGES)])
    assert again.exit_code == 0, again.output
    assert "pages: 0 imported, 0 updated, 6 skipped" in again.output
    assert "old slugs: 0 imported, 0 updated, 3 skipped" in again.output
    assert slugs(app)[204] == "feed-2"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OldSlug.id))) == before == 3


@pytest.mark.parametrize("path", [
    "/no/such/page/", "/guides/first%00trip/", "/a/" + "b" * 300 + "/", "/guides/nope/",
])
def test_unknown_nested_paths_are_404(client, imported, path):
    assert client.get(path).status_code == 404
