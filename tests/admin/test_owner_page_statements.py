"""The owner's pages send as many SQL statements with 75 posts as with 25
(issue 21, target 5): the posts list, the comment moderation tabs and
the editor ask nothing per row."""

from datetime import UTC, datetime, timedelta

import pytest

from dreamweaver.extensions import db
from dreamweaver.models import Category, Comment, Post, Tag, User

START = datetime(2024, 1, 1, tzinfo=UTC)


def add_posts(app, first: int, last: int):
    """Posts first..last-1 by one author, each in two categories with a tag, two
    approved comments (one a reply) and a pending, a spam and a trashed one."""
    with app.app_context():
        author = (db.session.query(User).filter_by(login="a").first()
                  or User(login="a", display_name="A", slug="a"))
        categories = db.session.query(Category).order_by(Category.id).all() or [
            Category(name=f"Category {n}", slug=f"category-{n}") for n in range(5)]
        tag = db.session.query(Tag).first() or Tag(name="t", slug="t")
        for n in range(first, last):
            moment = START + timedelta(hours=n)
            post = Post(type="post", status="published" if n % 4 else "draft",
                        title=f"Post {n}", slug=f"post-{n}", content_html="<p>Words.</p>",
                        published_at=moment, published_local=moment.replace(tzinfo=None),
                        modified_at=moment, author=author, tags=[tag],
                        categories=[categories[n % 5], categories[(n + 1) % 5]])
            db.session.add(post)
            first_comment = Comment(post=post, author_name="R", content_html="<p>x</p>",
                                    status="approved", created_at=moment)
            db.session.add(first_comment)
            db.session.add(Comment(post=post, parent=first_comment, author_name="S",
                                   content_html="<p>y</p>", status="approved",
                                   created_at=moment + timedelta(minutes=1)))
            for status in ("pending", "spam", "trash"):
                db.session.add(Comment(post=post, author_name=status, content_html="<p>z</p>",
                                       status=status, created_at=moment))
            post.comment_count = 2
        db.session.commit()


def owner_pages(app) -> list[str]:
    with app.app_context():
        newest = db.session.query(Post.id).filter_by(slug="post-1").scalar()
    return [
        "/admin/", "/admin/posts/", "/admin/posts/?page=2", "/admin/posts/?status=published",
        "/admin/posts/?status=draft", "/admin/posts/?s=Post", "/admin/pages/",
        "/admin/comments/", "/admin/comments/?status=approved",
        "/admin/comments/?status=spam", "/admin/comments/?status=trash",
        "/admin/comments/?status=approved&page=2", "/admin/comments/?s=x",
        f"/admin/posts/{newest}/edit",
    ]


def statements(client, counter, url) -> int:
    with counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.mark.parametrize("comments_per_page", [50, 1], ids=["one-page", "paged-threads"])
def test_owner_pages_statements_do_not_grow_with_the_site(app, client, auth, count_queries,
                                                          comments_per_page):
    # With one thread to a page, each approved comment's View link needs its
    # page looked up: still one statement for the whole list.
    app.config["COMMENTS_PER_PAGE"] = comments_per_page
    add_posts(app, 0, 25)
    auth.login()
    small = {url: statements(client, count_queries, url) for url in owner_pages(app)}
    add_posts(app, 25, 75)
    large = {url: statements(client, count_queries, url) for url in owner_pages(app)}
    assert small == large
    # The user, the navigation's pending count, the tab counts, the rows and
    # one look-up for the whole page (categories, comment links, the
    # editor's categories, tags and images): a handful, whatever the size.
    assert max(large.values()) <= 8, large
