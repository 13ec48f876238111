"""SQL statements per page do not grow with the size of the site: the tag,
author and search pages beyond their first page, as htmx fragments, and a
search that finds nothing (test_queries.py has their first pages)."""

from datetime import UTC, datetime, timedelta

from dreamweaver import dates
from dreamweaver.extensions import db
from dreamweaver.models import Category, Post, Tag, User

START = datetime(2023, 1, 1, tzinfo=UTC)
HX = {"HX-Request": "true"}


def add_posts(app, first: int, last: int):
    """Posts first..last-1 by author "a", each in a category and tagged "t"."""
    with app.app_context():
        author = (db.session.query(User).filter_by(login="a").first()
                  or User(login="a", display_name="A", slug="a"))
        category = db.session.query(Category).first() or Category(name="C", slug="c")
        tag = db.session.query(Tag).first() or Tag(name="t", slug="t")
        for n in range(first, last):
            moment = START + timedelta(hours=7 * n)
            db.session.add(Post(
                type="post", status="published", title=f"Post {n}", slug=f"post-{n}",
                content_html=f"<p>Words of post {n}.</p>", published_at=moment,
                published_local=dates.to_local(moment), author=author,
                categories=[category], tags=[tag]))
        db.session.commit()


def pages():
    return [
        "/tag/t/page/2/", "/author/a/page/2/", ("/tag/t/", HX), ("/author/a/", HX),
        ("/?s=words", HX), "/?s=nothing-is-called-this", "/?s=post+words",
    ]


def statements(client, counter, url) -> int:
    url, headers = url if isinstance(url, tuple) else (url, {})
    with counter:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return counter.count


def test_archive_and_search_statements_constant_from_10_to_1000_posts(app, client,
                                                                     count_queries):
    app.config["POSTS_PER_PAGE"] = 5
    add_posts(app, 0, 10)
    small = {str(url): statements(client, count_queries, url) for url in pages()}
    add_posts(app, 10, 1000)
    large = {str(url): statements(client, count_queries, url) for url in pages()}
    assert small == large
    assert max(large.values()) <= 14, large
