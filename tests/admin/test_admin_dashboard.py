"""The admin dashboard and the editor's details (issue 16, item 14)."""

import re

import pytest

from tests.support.auth import csrf_token
from tests.support.responses import text


def glance(body: str) -> list[str]:
    panel = body.split('id="glance-title"', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", panel)]


@pytest.mark.parametrize(("pending", "line"), [
    (0, "No comments awaiting moderation"),
    (1, "1 comment awaiting moderation"),
    (2, "2 comments awaiting moderation"),
])
def test_dashboard_pending_count_singular_and_plural(client, auth, make, pending, line):
    post = make.post("Talked about")
    for _ in range(pending):
        make.comment(post, status="pending")
    auth.login()
    assert line in glance(text(client.get("/admin/")))


def test_dashboard_post_counts_singular_and_plural(client, auth, make):
    make.post("Out there")
    make.post("Not yet", status="draft")
    auth.login()
    assert glance(text(client.get("/admin/")))[:3] == [
        "1 published post", "0 scheduled", "1 draft"]


def test_dashboard_offers_add_new(client, auth):
    auth.login()
    body = text(client.get("/admin/"))
    assert re.search(r'<a class="button" href="/admin/posts/new">Add New Post</a>', body)


def test_dashboard_author_sees_own_counts(client, auth, make):
    writer = auth.login("writer", role="author")
    other = make.account("other", role="author")
    mine = make.post("Mine", author=writer)
    make.post("My draft", author=writer, status="draft")
    theirs = make.post("Theirs", author=other)
    for title in ("Their draft", "Their other draft"):
        make.post(title, author=other, status="draft")
    make.comment(mine, status="pending")
    for _ in range(3):
        make.comment(theirs, status="pending")
    body = text(client.get("/admin/"))
    assert glance(body) == ["1 published post", "0 scheduled", "1 draft",
                            "1 comment awaiting moderation"]
    assert 'aria-label="1 pending">1</span>' in body


def test_dashboard_admin_sees_site_counts(client, auth, make):
    other = make.account("other", role="author")
    make.post("Theirs", author=other)
    make.post("Their draft", author=other, status="draft")
    auth.login()
    assert glance(text(client.get("/admin/")))[:3] == ["1 published post", "0 scheduled", "1 draft"]


def category_labels(body: str) -> list[str]:
    choices = body.split('id="categories"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<label[^>]*>([^<]*)</label>", choices)


def test_post_edit_lists_checked_categories_first(client, auth, make):
    names = [f"Topic {letter}" for letter in "ABCDEFGHIJKLMNOPQRST"]
    categories = [make.category(name) for name in names]
    post = make.post("Filed late in the alphabet", categories=[categories[-1], categories[7]])
    auth.login()
    labels = category_labels(text(client.get(f"/admin/posts/{post.id}/edit")))
    assert labels[:2] == ["Topic H", "Topic T"]
    assert labels[2:] == [n for n in names if n not in ("Topic H", "Topic T")]


def test_post_saved_shows_its_categories(client, auth, make):
    names = [f"Topic {letter}" for letter in "ABCDEFGHIJKLMNOPQRST"]
    categories = [make.category(name) for name in names]
    auth.login()
    response = client.post("/admin/posts/new", data={
        "csrf_token": csrf_token(client, "/admin/posts/new"), "title": "Chosen",
        "source": "Text.", "format": "markdown", "status": "draft",
        "categories": str(categories[-1].id)})
    assert response.status_code == 303
    body = text(client.get(response.headers["Location"]))
    assert re.search(r'<p class="notice" role="status">Post saved\..*Filed under Topic T\.', body)
    assert category_labels(body)[0] == "Topic T"


def test_post_form_with_errors_keeps_checked_categories_first(client, auth, make):
    categories = [make.category(f"Topic {letter}") for letter in "ABCDE"]
    auth.login()
    response = client.post("/admin/posts/new", data={
        "csrf_token": csrf_token(client, "/admin/posts/new"), "title": "",
        "source": "Text.", "format": "markdown", "status": "draft",
        "categories": str(categories[3].id)})
    assert response.status_code == 422
    assert category_labels(text(response))[0] == "Topic D"


def test_list_cells_carry_labels_for_narrow_screens(client, auth, make):
    post = make.post("Labelled")
    make.comment(post, status="pending")
    auth.login()
    posts = text(client.get("/admin/posts/"))
    for label in ("Author", "Categories", "Status", "Date"):
        assert f'data-label="{label}"' in posts
    comments = text(client.get("/admin/comments/?status=pending"))
    for label in ("In response to", "Submitted on"):
        assert f'data-label="{label}"' in comments
