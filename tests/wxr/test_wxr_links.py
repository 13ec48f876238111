"""Imported links follow the comment form's rules: a commenter's website that
is not an http(s) address is dropped (and counted), and links inside imported
posts and comments go through the sanitizer, whatever the CSP would block."""

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post
from tests.support.wxr_files import comment_xml, item_xml, write_wxr

URLS = {  # as written in the file -> as stored
    "javascript:alert(document.cookie)": "",
    " JaVaScRiPt:alert(1)": "",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==": "",
    "vbscript:msgbox(1)": "",
    "http://": "",
    "https://exa mple.org/": "",
    "https://" + "a" * 500 + ".example.org/": "",
    "https://ok.example.org/path?q=1": "https://ok.example.org/path?q=1",
    "example.org": "https://example.org",
    "": "",
}
DROPPED = 7


@pytest.fixture
def imported(runner, tmp_path):
    comments = "".join(comment_xml(10 + n, author=f"Reader {n}", url=url)
                       for n, url in enumerate(URLS))
    path = write_wxr(tmp_path / "links.xml", item_xml(1, "Links", comments=comments))
    result = runner.invoke(args=["import-wxr", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_import_unsafe_author_urls_dropped(app, imported):
    with app.app_context():
        stored = dict(db.session.execute(
            sa.select(Comment.author_name, Comment.author_url)).all())
    assert stored == {f"Reader {n}": kept for n, kept in enumerate(URLS.values())}
    assert (f"unsafe links dropped: {DROPPED} commenter website(s) that were not http:// "
            "or https:// addresses") in imported


def test_imported_unsafe_author_url_not_a_link(client, imported):
    body = client.get("/2022/05/01/imported-1/").get_data(as_text=True)
    assert "javascript" not in body.lower() and "data:text/html" not in body
    assert '<b class="fn">Reader 0</b>' in body
    assert '<a class="url" href="https://ok.example.org/path?q=1"' in body


def test_stored_unsafe_author_url_not_a_link(client, make):
    """A row written before the importer checked (or by any other path)."""
    post = make.post("Older row")
    make.comment(post, author_name="Old Import", author_url="javascript:alert(1)")
    body = client.get(f"/?p={post.id}", follow_redirects=True).get_data(as_text=True)
    assert "javascript:" not in body
    assert '<b class="fn">Old Import</b>' in body


CONTENT = ('<a href="javascript:alert(1)">js</a> <a href=" JAVASCRIPT:alert(2)">js2</a> '
           '<a href="data:text/html,&lt;script&gt;alert(3)&lt;/script&gt;">data</a> '
           '<img src="javascript:alert(4)" alt="i"> <a href="https://fine.example.org/">ok</a>')


class Targets(HTMLParser):
    """Every address in an attribute a browser would follow or load."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs
                       if name in ("href", "src", "action", "formaction", "cite", "data")]


def test_imported_content_links_sanitized(app, runner, client, tmp_path):
    path = write_wxr(tmp_path / "content.xml", item_xml(
        1, "Content", content=CONTENT, comments=comment_xml(10, content=CONTENT)))
    result = runner.invoke(args=["import-wxr", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = [db.session.get(Post, 1).content_html,
                  db.session.scalar(sa.select(Comment.content_html))]
    for html in stored:
        assert Targets(html).found == ["https://fine.example.org/"], html
    body = client.get("/2022/05/01/imported-1/").get_data(as_text=True)
    targets = Targets(body).found
    assert targets.count("https://fine.example.org/") == 2
    assert not [t for t in targets if t.strip().lower().startswith(("javascript", "data:text"))]
