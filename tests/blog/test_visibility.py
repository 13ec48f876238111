"""Drafts, pending, private, trashed and future posts never show to readers."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.responses import text

HIDDEN = ["draft", "pending", "private", "trash"]


@pytest.fixture
def hidden_posts(make):
    """One visible post, and one hidden post per status, all in one category."""
    category = make.category("Shared")
    secret_category = make.category("Only Hidden")
    make.post("Visible Post", categories=[category],
              published_at=datetime(2024, 1, 5, tzinfo=UTC))
    posts = []
    for n, status in enumerate(HIDDEN):
        posts.append(make.post(f"Secret {status}", status=status,
                               categories=[category, secret_category],
                               published_at=datetime(2023, 6 + n, 5, tzinfo=UTC)))
    future = datetime.now(UTC) + timedelta(days=30)
    for status in ("scheduled", "published"):
        posts.append(make.post(f"Secret future {status}", status=status, published_at=future,
                               categories=[category, secret_category]))
    for post in posts:
        make.comment(post, author_name=f"Commenter on {post.title}")
    return posts


def test_hidden_posts_absent_from_home_and_widgets(client, hidden_posts):
    body = text(client.get("/"))
    assert "Visible Post" in body
    assert "Secret" not in body
    assert "Only Hidden" not in body  # category widget lists only categories in use
    assert "June 2023" not in body and "January 2024" in body  # archives widget
    assert "No comments to show." in body


def test_hidden_posts_not_counted_in_the_category_filter(client, hidden_posts):
    body = text(client.get("/"))
    assert ">Shared (1)</option>" in body
    assert "Only Hidden" not in body


def test_hidden_posts_have_no_permalink(client, hidden_posts):
    for post in hidden_posts:
        local = post.published_local
        url = f"/{local:%Y/%m/%d}/{post.slug}/"
        assert client.get(url).status_code == 404, post.status


def test_hidden_posts_absent_from_archives(client, hidden_posts):
    assert "Secret" not in text(client.get("/category/shared/"))
    assert client.get("/category/only-hidden/").status_code == 200
    assert "Secret" not in text(client.get("/category/only-hidden/"))
    assert "Secret" not in text(client.get("/2023/06/"))
    assert "Secret" not in text(client.get("/2023/"))


def test_hidden_posts_absent_from_day_archives_and_feeds(client, hidden_posts):
    for post in hidden_posts:
        local = post.published_local
        day = client.get(f"/{local:%Y/%m/%d}/")
        assert day.status_code == 200 and "Secret" not in text(day), post.status
        assert client.get(f"/?p={post.id}&feed=rss2").status_code == 404, post.status
    for url in ("/feed/atom/", "/feed/", "/category/shared/feed/"):
        assert "Secret" not in text(client.get(url)), url


def test_scheduled_post_appears_when_its_time_comes(client, make):
    soon = make.post("Coming Soon", status="scheduled",
                     published_at=datetime.now(UTC) + timedelta(days=1))
    assert "Coming Soon" not in text(client.get("/"))
    make.post("Arrived", status="scheduled",
              published_at=datetime.now(UTC) - timedelta(minutes=1))
    assert "Arrived" in text(client.get("/"))
    assert soon.id


def test_hidden_pages_are_404_and_not_in_menu(client, make):
    make.post("Draft Page", kind="page", status="draft")
    assert client.get("/draft-page/").status_code == 404
    assert "Draft Page" not in text(client.get("/"))
