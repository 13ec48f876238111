"""Comment markup as readers see it after posting through the form: tags
outside the allowlist are removed with their text kept (as wp_kses does), and
a quotation is never wrapped in a paragraph that the browser would split into
empty ones (as wpautop does)."""

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from dreamweaver.extensions import db
from dreamweaver.models import Comment
from dreamweaver.sanitize import NOTHING_LEFT
from tests.support.comment_client import HTMX, SAME_ORIGIN, send, stored
from tests.support.responses import text
from tests.support.scripts import load_migration


def shown(app, client, url, typed: str, htmx: bool) -> str:
    """Post `typed` as a comment, then the inner HTML of its .comment-content
    on the page a reader reads next (after the redirect, or in the swap)."""
    response = send(client, url, comment=typed, htmx=htmx)
    assert response.status_code == (200 if htmx else 303), text(response)[:300]
    page = text(response) if htmx else text(client.get(url))
    comment = stored(app)[-1]
    article = page[page.index(f'id="comment-{comment.id}"'):]
    return re.search(r'<div class="comment-content">(.*?)</div>', article, re.S).group(1)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_create_disallowed_tags_removed_text_kept(app, client, url, htmx):
    content = shown(app, client, url, "<h1>big</h1> news <script>alert(1)</script>", htmx)
    assert content == "<p>big news alert(1)</p>"
    assert "&lt;h1&gt;" not in content and "&lt;script&gt;" not in content


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_create_typed_entity_stays_text(app, client, url, htmx):
    content = shown(app, client, url, "Type &lt;h1&gt; for a heading.", htmx)
    assert content == "<p>Type &lt;h1&gt; for a heading.</p>"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("<blockquote>You said this.</blockquote>",
         "<blockquote><p>You said this.</p></blockquote>"),
        ("<blockquote>You said this.</blockquote>\nI agree.",
         "<blockquote><p>You said this.</p></blockquote>\n<p>I agree.</p>"),
        ("Quoting:\n\n<blockquote cite=\"https://example.org/\">One.\n\nTwo.</blockquote>\n\nEnd.",
         '<p>Quoting:</p>\n<blockquote cite="https://example.org/"><p>One.</p>\n<p>Two.</p>'
         "</blockquote>\n<p>End.</p>"),
    ],
    ids=["alone", "then-text", "between-paragraphs"],
)
def test_create_blockquote_leaves_no_empty_paragraph(app, client, url, htmx, typed, expected):
    content = shown(app, client, url, typed, htmx)
    assert content == expected
    assert not re.search(r"<p>\s*</p>", content)
    assert stored(app)[-1].content_html == expected


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_create_nothing_left_refused(app, client, url, htmx):
    response = send(client, url, comment="<script></script><img src=x>", htmx=htmx)
    assert response.status_code == 422
    assert str(escape(NOTHING_LEFT)) in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert stored(app) == []


def test_preview_says_tag_removed_text_kept(client):
    response = client.post("/partials/comment-preview", data={"comment": "<h1>big</h1>"},
                           headers={**SAME_ORIGIN, **HTMX})
    body = text(response)
    assert response.status_code == 200
    assert '<div class="comment-content"><p>big</p></div>' in body
    assert "The &lt;h1&gt; tag is not allowed in comments; it was removed and any text " \
           "inside it kept." in body
    assert "shown as text" not in body


def test_preview_says_nothing_left(client):
    response = client.post("/partials/comment-preview", data={"comment": "<style></style>"},
                           headers={**SAME_ORIGIN, **HTMX})
    assert response.status_code == 200
    assert str(escape(NOTHING_LEFT)) in text(response)
    assert 'class="comment-content"' not in text(response)


# --- 0014: empty paragraphs in comments stored before -------------------------------

comment_empty_paragraphs = load_migration("0014_comment_empty_paragraphs.py")


def test_repair_takes_empty_paragraphs_out_of_stored_comments(app, make):
    post = make.post("Before")
    quoted = make.comment(post, "Ann", "<p></p><blockquote>q</blockquote><p></p>\n<p>Yes.</p>")
    typed = make.comment(post, "Bob", "<p>Write &lt;p&gt;&lt;/p&gt; and &lt;h1&gt;.</p>")
    with app.app_context():
        with db.engine.begin() as connection:
            before = connection.execute(sa.text(
                "SELECT value FROM site_state WHERE key = 'content'")).scalar_one()
            comment_empty_paragraphs.repair(connection)
            after = connection.execute(sa.text(
                "SELECT value FROM site_state WHERE key = 'content'")).scalar_one()
        stored_html = dict(db.session.execute(sa.select(Comment.id, Comment.content_html)).all())
    assert stored_html[quoted.id] == "<blockquote>q</blockquote>\n<p>Yes.</p>"
    assert stored_html[typed.id] == "<p>Write &lt;p&gt;&lt;/p&gt; and &lt;h1&gt;.</p>"
    assert after == before + 1
