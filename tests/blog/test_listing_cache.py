"""A listing's section is rendered once per content generation and shared by
every reader (blog/listings.py): the readers the page cache cannot serve (a
returning commenter, the page cache off) get it without its queries, and
any change readers could see is in the next request."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from dreamweaver.comments.cookies import AUTHOR_COOKIE
from dreamweaver.extensions import db
from dreamweaver.models import Category, Post
from tests.support.listings import PLAYER_ORIGIN, frame_src, listed, video_teaser_post
from tests.support.settings import app_with_cache

LATER = datetime(2024, 3, 6, tzinfo=UTC)  # newer than every post of `site`
LISTINGS = ("/", "/page/2/", "/category/notes/", "/tag/dreams/", "/author/writer/",
            "/2024/03/", "/2024/", "/2024/03/05/", "/?s=lucid")


@pytest.fixture
def site(app, make):
    writer, notes, dreams = make.user("writer"), make.category("Notes"), make.tag("dreams")
    for number in range(12):
        make.post(f"Lucid dream {number}", categories=[notes], tags=[dreams],
                  author=writer, published_at=datetime(2024, 3, 5, number, tzinfo=UTC))


@pytest.fixture
def reader(app, database_uri):
    """A returning commenter (their cookie keeps them out of the page cache) on
    an app with a real cache, the page cache on."""
    cached = app_with_cache(database_uri, PAGE_CACHE=True,
                            MEDIA_STORAGE_URL=app.config["MEDIA_STORAGE_URL"])
    client = cached.test_client()
    client.set_cookie(AUTHOR_COOKIE, "anything")
    return cached, client


def statements(app, client, url, **headers) -> tuple[list[str], str]:
    sent = []
    with app.app_context():
        engine = db.engine
    record = lambda *args: sent.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url, headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    assert "X-Cache" not in response.headers  # not the page cache's answer
    return sent, response.get_data(as_text=True)


@pytest.mark.parametrize("url", LISTINGS)
def test_second_rendering_reads_no_posts(site, reader, url):
    app, client = reader
    first, page = statements(app, client, url)
    again, same = statements(app, client, url)
    assert any("FROM posts" in sql for sql in first)
    assert not any("posts" in sql for sql in again), again
    assert same == page


def test_htmx_fragment_and_full_page_are_kept_apart(site, reader):
    app, client = reader
    _, full = statements(app, client, "/category/notes/")
    _, fragment = statements(app, client, "/category/notes/", **{"HX-Request": "true"})
    _, full_again = statements(app, client, "/category/notes/")
    assert "<html" in full and "<html" not in fragment
    assert fragment.lstrip().startswith("<title>")
    assert full_again == full


def test_a_new_post_is_listed_at_once(site, reader, make, app):
    cached, client = reader
    statements(cached, client, "/")
    statements(cached, client, "/category/notes/")
    with app.app_context():
        notes = db.session.scalar(sa.select(Category).where(Category.slug == "notes"))
    make.post("Fresh from the press", categories=[notes], published_at=LATER)
    assert "Fresh from the press" in listed(statements(cached, client, "/")[1])
    assert "Fresh from the press" in listed(statements(cached, client, "/category/notes/")[1])


def test_an_unpublished_post_leaves_the_listing_at_once(site, reader, app):
    cached, client = reader
    assert "Lucid dream 11" in listed(statements(cached, client, "/")[1])
    with app.app_context():
        db.session.execute(sa.update(Post).where(Post.title == "Lucid dream 11")
                           .values(status="draft"))
        db.session.commit()
    assert "Lucid dream 11" not in listed(statements(cached, client, "/")[1])


def test_each_search_is_its_own_listing(site, reader, make):
    app, client = reader
    make.post("Flying saucers", source="About saucers.", published_at=LATER)
    lucid = listed(statements(app, client, "/?s=lucid")[1])
    saucers = listed(statements(app, client, "/?s=saucers")[1])
    assert "Lucid dream 3" in lucid and "Flying saucers" not in lucid
    assert "Flying saucers" in saucers and "Lucid dream 3" not in saucers


def test_a_cached_teaser_still_lets_its_video_frame(app, database_uri):
    video_teaser_post(app)
    cached = app_with_cache(database_uri, PAGE_CACHE=False,
                            MEDIA_STORAGE_URL=app.config["MEDIA_STORAGE_URL"])
    client = cached.test_client()
    first = client.get("/")
    again, _ = statements(cached, client, "/")
    second = client.get("/")
    assert not any("posts" in sql for sql in again)
    for response in (first, second):
        assert frame_src(response) == f"frame-src {PLAYER_ORIGIN}"


def test_a_page_past_the_end_stays_not_found(site, reader):
    _, client = reader
    for _ in range(2):
        assert client.get("/page/99/").status_code == 404
        assert client.get("/category/notes/page/9/").status_code == 404
