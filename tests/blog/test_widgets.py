"""The sidebar's four widgets, as the seed page shows them."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from tests.support.responses import has_link, section, text


def test_recent_posts_shows_five_latest_titles(client, make):
    for n in range(7):
        make.post(f"Post number {n}", published_at=datetime(2024, 1, 1 + n, tzinfo=UTC))
    widget = section(client.get("/"), "recent-posts")
    assert "Recent Posts" in widget
    expected = [f"Post number {n}" for n in (6, 5, 4, 3, 2)]
    assert re.findall(r">(Post number \d)</a>", widget) == expected


def test_recent_comments_empty_says_so(client, make):
    make.post("Lonely")
    widget = section(client.get("/"), "recent-comments")
    assert "<h2" in widget and "Recent Comments" in widget
    assert "No comments to show." in widget


def test_recent_comments_shows_five_latest_approved(client, make):
    post = make.post("Busy & Bright")
    for n in range(6):
        make.comment(post, author_name=f"Reader {n}",
                     created_at=datetime(2024, 2, 1 + n, tzinfo=UTC))
    make.comment(post, author_name="Pending Person", status="pending")
    widget = section(client.get("/"), "recent-comments")
    assert re.findall(r"(Reader \d)</span> on", widget) == [f"Reader {n}" for n in (5, 4, 3, 2, 1)]
    assert "on <a href=" in widget and "Busy &amp; Bright</a>" in widget
    assert "Pending Person" not in widget


def test_recent_comments_link_to_the_comment_page(app, client, make):
    """Three threads, two to a page: the permalink shows the last page (thread
    3), so a late reply in thread 1 is linked on page 1."""
    app.config["COMMENTS_PER_PAGE"] = 2
    post = make.post("Talkative", published_at=datetime(2024, 1, 5, tzinfo=UTC))
    threads = [make.comment(post, created_at=datetime(2024, 2, 1 + n, tzinfo=UTC))
               for n in range(3)]
    reply = make.comment(post, parent=threads[0], created_at=datetime(2024, 3, 1, tzinfo=UTC))
    widget = section(client.get("/"), "recent-comments")
    url = "/2024/01/05/talkative/"
    assert re.findall(r'href="([^"]*)"', widget) == [
        f"{url}comment-page-1/#comment-{reply.id}", f"{url}#comment-{threads[2].id}",
        f"{url}comment-page-1/#comment-{threads[1].id}",
        f"{url}comment-page-1/#comment-{threads[0].id}",
    ]


def test_recent_comments_one_page_links_to_permalink(app, client, make):
    post = make.post("Quiet", published_at=datetime(2024, 1, 5, tzinfo=UTC))
    top = make.comment(post, created_at=datetime(2024, 2, 1, tzinfo=UTC))
    reply = make.comment(post, parent=top, created_at=datetime(2024, 2, 2, tzinfo=UTC))
    widget = section(client.get("/"), "recent-comments")
    assert re.findall(r'href="([^"]*)"', widget) == [
        f"/2024/01/05/quiet/#comment-{reply.id}", f"/2024/01/05/quiet/#comment-{top.id}"]


def test_recent_comments_link_commenter_website(client, make):
    # As WordPress's get_comment_author_link: the name to the website, the
    # title to the comment.
    post = make.post("Linked", published_at=datetime(2024, 1, 5, tzinfo=UTC))
    comment = make.comment(post, author_name="Ann & Co", author_url="https://ann.example/?a=1&b=2")
    widget = section(client.get("/"), "recent-comments")
    author = re.search(r'<span class="comment-author-link">(.*?)</span> on (<a [^>]*>)', widget)
    assert author.group(1) == ('<a class="url" href="https://ann.example/?a=1&amp;b=2" '
                               'rel="external nofollow ugc">Ann &amp; Co</a>')
    assert author.group(2) == f'<a href="/2024/01/05/linked/#comment-{comment.id}">'


@pytest.mark.parametrize(
    "website", ["", "javascript:alert(1)", "ftp://ann.example/", "//ann.example/", "ann.example"],
    ids=["none", "javascript", "ftp", "scheme-relative", "bare"],
)
def test_recent_comments_name_only_without_http_website(client, make, website):
    post = make.post("Plain")
    make.comment(post, author_name="Ann", author_url=website)
    widget = section(client.get("/"), "recent-comments")
    assert '<span class="comment-author-link">Ann</span> on <a href=' in widget
    assert widget.count("href=") == 1


def test_recent_comments_hide_protected_posts(client, make):
    post = make.post("Locked", password="sesame")
    make.comment(post, author_name="Insider")
    assert "Insider" not in section(client.get("/"), "recent-comments")


def test_archives_lists_months_newest_first(client, make):
    for month in (5, 12):
        make.post(f"In {month}", published_at=datetime(2023, month, 3, tzinfo=UTC))
    make.post("In May 2024", published_at=datetime(2024, 5, 20, tzinfo=UTC))
    make.post("Also May 2024", published_at=datetime(2024, 5, 21, tzinfo=UTC))
    widget = section(client.get("/"), "archives-title")
    assert re.findall(r">(\w+ \d{4})</a>", widget) == ["May 2024", "December 2023", "May 2023"]
    assert 'href="/2024/05/"' in widget


def test_archives_use_local_months(app, client, make):
    app.config["SITE_TIMEZONE"] = "Asia/Tokyo"
    make.post("New Year", published_at=datetime(2023, 12, 31, 20, tzinfo=UTC))  # Jan 1 in Tokyo
    widget = section(client.get("/"), "archives-title")
    assert "January 2024" in widget and "December 2023" not in widget


def test_categories_ordered_case_insensitively_only_in_use(client, make):
    names = ["mental Health", "Art and Music", "Zen", "Unused", "ayahuasca"]
    categories = {name: make.category(name) for name in names}
    make.post("Tagged", categories=[c for n, c in categories.items() if n != "Unused"])
    widget = section(client.get("/"), "categories-title")
    expected = ["Art and Music", "ayahuasca", "mental Health", "Zen"]
    assert re.findall(r'">([^<]+)</a>', widget) == expected
    assert 'href="/category/mental-health/"' in widget


def test_categories_sort_punctuation_in_byte_order_on_every_database(app, client, make):
    names = ["Psychology and Art", "Psychology & Spirituality", "Psychology/Spirituality"]
    make.post("Tagged", categories=[make.category(name) for name in names])
    widget = section(client.get("/"), "categories-title")
    # As the seed site lists them: a locale that skips punctuation would not.
    assert re.findall(r'">([^<]+)</a>', widget) == [
        "Psychology &amp; Spirituality", "Psychology and Art", "Psychology/Spirituality"]
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            collation = db.session.execute(sa.text(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'categories' AND column_name = 'sort_key'")).scalar()
            assert collation == "C"


def test_category_slugs_clash_in_creation_order(client, make):
    first = make.category("Psychology & Spirituality")
    second = make.category("Psychology/Spirituality")
    make.post("Both", categories=[first, second])
    assert (first.slug, second.slug) == ("psychology-spirituality", "psychology-spirituality-2")
    body = text(client.get("/"))
    assert has_link(body, "/category/psychology-spirituality/", "Psychology &amp; Spirituality")
    assert has_link(body, "/category/psychology-spirituality-2/", "Psychology/Spirituality")


def many_categories(make):
    """Twelve categories, "Cat 00" to "Cat 11"; Cat 11 has 3 posts, Cat 00 and
    Cat 05 have 2, the others 1: two more than the widget's short form shows."""
    categories = [make.category(f"Cat {n:02d}") for n in range(12)]
    make.post("Every one", categories=categories)
    make.post("Two more", categories=[categories[0], categories[5], categories[11]])
    make.post("Three", categories=[categories[11]])
    return categories


def test_many_categories_show_the_most_used_with_counts(client, make):
    many_categories(make)
    widget = section(client.get("/"), "categories-title")
    short, everything = widget.split("<details", 1)
    # The ten with most posts, ties broken by the list's order, kept in that order.
    assert re.findall(r'">(Cat \d\d)</a> \((\d)\)', short) == [
        ("Cat 00", "2"), ("Cat 01", "1"), ("Cat 02", "1"), ("Cat 03", "1"), ("Cat 04", "1"),
        ("Cat 05", "2"), ("Cat 06", "1"), ("Cat 07", "1"), ("Cat 08", "1"), ("Cat 11", "3")]
    assert "<summary>All categories (12)</summary>" in everything
    assert re.findall(r'">(Cat \d\d)</a>', everything) == [f"Cat {n:02d}" for n in range(12)]
    assert 'href="/category/cat-10/"' in everything


def test_shown_category_joins_the_short_list(client, make):
    many_categories(make)
    widget = section(client.get("/category/cat-10/"), "categories-title")
    short, everything = widget.split("<details", 1)
    assert re.findall(r'">(Cat 1\d)</a>', short) == ["Cat 10", "Cat 11"]
    current = 'href="/category/cat-10/" hx-get="/category/cat-10/" aria-current="page"'
    assert f"{current}>Cat 10</a> (1)" in short
    assert everything.startswith(' class="all-categories" data-swap-links-on-open>')  # closed


def test_few_categories_are_one_list(client, make):
    make.post("Tagged", categories=[make.category(f"Cat {n}") for n in range(10)])
    widget = section(client.get("/"), "categories-title")
    assert "<details" not in widget and "(1)" not in widget
    assert len(re.findall(r'">(Cat \d)</a>', widget)) == 10
