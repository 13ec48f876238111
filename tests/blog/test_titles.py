"""Post titles get the typographic quotes, dashes and ellipses their bodies get,
wherever a title is shown, and stay what the author typed where they edit it."""

import json
import re

import pytest

from dreamweaver.markup import render, smart_title, text_of
from tests.support.responses import section, text

TYPED = "The \"Inner\" Healer's Guide -- Part 1..."
SHOWN = "The \u201cInner\u201d Healer\u2019s Guide \u2013 Part 1\u2026"


@pytest.mark.parametrize("title", [
    TYPED,
    "'Tis the '90s --- or the 1960s?",
    '("Set") and "setting"',
    'He said, "\'Hi\'"',
    '"Mind"-Altering',
    "A plain title",
])
def test_smart_title_is_what_the_body_gets(title):
    assert smart_title(title) == text_of(render(title, "markdown"))


def test_smart_title_example():
    assert smart_title(TYPED) == SHOWN


@pytest.mark.parametrize("title", [
    "1. Not a list",
    "- Not a list",
    "# Not a heading",
    "*Not em* _nor_ `code` [x](y) ~~z~~ [^1] | a | b |",
    "<b>tags</b> &amp; \\ www.example.com <http://example.org>",
])
def test_smart_title_keeps_markdown_as_text(title):
    assert smart_title(title) == title


def test_smart_title_of_a_dash_line_and_of_nothing():
    assert smart_title("---") == "\u2014"
    assert smart_title("") == ""


def test_title_is_smart_wherever_it_is_shown(client, make):
    post = make.post(TYPED, slug="inner-healer")
    make.comment(post, author_name="Reader")
    local = post.published_local
    url = f"/{local:%Y/%m/%d}/inner-healer/"
    single = text(client.get(url))
    assert f'<h1 class="entry-title p-name">{SHOWN}</h1>' in single
    assert f"<title>{SHOWN} \u2013 Psychedelic Dreamweaver</title>" in single
    assert f'<meta property="og:title" content="{SHOWN} \u2013 Psychedelic Dreamweaver">' in single
    structured = re.search(r'<script type="application/ld\+json">(.*?)</script>', single).group(1)
    assert json.loads(structured)["headline"] == SHOWN
    assert f"thoughts on &ldquo;{SHOWN}&rdquo;" in single or \
        f"One thought on &ldquo;{SHOWN}&rdquo;" in single
    home = client.get("/")
    assert f'rel="bookmark">{SHOWN}</a></h2>' in text(home)
    assert f">{SHOWN}</a>" in section(home, "recent-posts")
    assert f">{SHOWN}</a>" in section(home, "recent-comments")
    assert f"<title>{SHOWN}</title>" in text(client.get("/feed/"))
    assert f'<title type="text">{SHOWN}</title>' in text(client.get("/feed/atom/"))
    assert f"Comment on {SHOWN} by Reader" in text(client.get("/comments/feed/"))
    assert f"Comments on: {SHOWN}" in text(client.get(url + "feed/"))
    assert TYPED.replace("'", "&#39;").replace('"', "&#34;") not in single


def test_page_title_and_menu_are_smart(client, make):
    make.post('About "Us"', kind="page", slug="about-us")
    body = text(client.get("/about-us/"))
    assert '<h1 class="entry-title">About \u201cUs\u201d</h1>' in body
    assert re.search(r'<a href="/about-us/"[^>]*>About \u201cUs\u201d</a>', body)


def test_title_is_escaped_text(client, make):
    make.post('<script>alert("x")</script>', slug="tagged")
    body = text(client.get("/"))
    assert "&lt;script&gt;alert(\u201cx\u201d)&lt;/script&gt;" in body
    assert "<script>alert" not in body


def test_owner_edits_the_title_as_typed(app, client, auth, make):
    auth.login()
    post = make.post(TYPED, slug="as-typed")
    editor = text(client.get(f"/admin/posts/{post.id}/edit"))
    assert 'value="The &#34;Inner&#34; Healer&#39;s Guide -- Part 1..."' in editor
    assert f">{SHOWN}</a>" in text(client.get("/admin/posts/"))
