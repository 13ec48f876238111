"""`flask --app app import-wxr FILE`: WordPress exports in, all or nothing, idempotent."""

import os
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own trusted test files
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Category, Comment, OldSlug, Post, Tag, User
from tests.support import paths
from tests.support.factories import empty_database
from tests.support.snapshots import checksum, row_counts
from tests.support.wxr_files import SITE, import_file

FIXTURES = paths.FIXTURES / "wxr"
SHARED = paths.SHARED / "wxr"
SHARED_FILES = sorted(SHARED.glob("*.xml")) if SHARED.is_dir() else []

WP = {f"{s}://wordpress.org/export/{v}/" for s in ("http", "https") for v in ("1.0", "1.1", "1.2")}
DC = "http://purl.org/dc/elements/1.1/"
STATUSES = {"publish", "future", "draft", "pending", "private", "trash"}
APPROVED = {"1", "0", "spam", "trash", "approve", "hold", "post-trashed"}


def need_shared():
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing; CI must have the shared WXR files")
        pytest.skip(f"{SHARED} is not here")


# -- helpers ------------------------------------------------------------------

def snapshot(app) -> dict:
    """Every imported fact by natural keys (surrogate ids of users and terms differ
    between databases and runs)."""
    with app.app_context():
        users = {u.id: u.login for u in db.session.scalars(sa.select(User))}
        cats = {c.id: c.slug for c in db.session.scalars(sa.select(Category))}
        skip = {"id", "author_id", "user_id", "parent_id", "sort_key", "created_at"}

        def plain(row):
            return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}

        return {
            "users": {u.login: (u.display_name, u.email, u.slug)
                      for u in db.session.scalars(sa.select(User))},
            "categories": {c.slug: (c.name, c.description, cats.get(c.parent_id))
                           for c in db.session.scalars(sa.select(Category))},
            "tags": {t.slug: (t.name, t.description) for t in db.session.scalars(sa.select(Tag))},
            "posts": {p.id: (plain(p), users.get(p.author_id), p.created_at,
                             sorted(c.slug for c in p.categories), sorted(t.slug for t in p.tags),
                             sorted(o.slug for o in p.old_slugs))
                      for p in db.session.scalars(sa.select(Post))},
            "comments": {c.id: (plain(c), c.parent_id, users.get(c.user_id), c.created_at)
                         for c in db.session.scalars(sa.select(Comment))},
        }




def local(tag: str) -> tuple[str, str]:
    """('wp', 'post_id') for a WXR element, independently of the importer's reader."""
    if tag.startswith("{"):
        uri, _, name = tag[1:].partition("}")
        if uri in WP:
            return "wp", name
        if uri == DC:
            return "dc", name
        return uri, name
    return "", tag


def first(element, prefix, name):
    for child in element:
        if local(child.tag) == (prefix, name):
            return (child.text or "").strip()
    return None


def expected(path: Path):
    """What a file should import, by a separate simple parse; None if it must be refused."""
    try:
        tree = ET.parse(path)  # noqa: S314 - trusted test data
    except ET.ParseError:
        return None
    root = tree.getroot()
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return None
    version = first(channel, "wp", "wxr_version")
    if version is not None and version not in ("1.0", "1.1", "1.2"):
        return None
    logins, categories, tags = set(), set(), set()
    posts, comments = {}, set()
    for child in channel:
        kind = local(child.tag)
        if kind == ("wp", "author"):
            login = first(child, "wp", "author_login")
            if login:
                logins.add(login)
        elif kind == ("wp", "category"):
            categories.add(first(child, "wp", "category_nicename"))
        elif kind == ("wp", "tag"):
            tags.add(first(child, "wp", "tag_slug"))
        elif kind == ("wp", "term"):
            taxonomy = first(child, "wp", "term_taxonomy")
            if taxonomy == "category":
                categories.add(first(child, "wp", "term_slug"))
            elif taxonomy == "post_tag":
                tags.add(first(child, "wp", "term_slug"))
        elif kind == ("", "item"):
            post_id = first(child, "wp", "post_id") or ""
            if (first(child, "wp", "post_type") not in ("post", "page")
                    or first(child, "wp", "status") not in STATUSES or not post_id.isdigit()):
                continue
            posts[int(post_id)] = (first(child, "", "title") or "", first(child, "wp", "post_type"))
            creator = first(child, "dc", "creator")
            if creator:
                logins.add(creator)
            for sub in child:
                if local(sub.tag) == ("", "category") and sub.get("nicename") is not None:
                    if sub.get("domain") == "category":
                        categories.add(sub.get("nicename").strip())
                    elif sub.get("domain") in ("post_tag", "tag"):
                        tags.add(sub.get("nicename").strip())
                elif local(sub.tag) == ("wp", "comment"):
                    comment_id = first(sub, "wp", "comment_id") or ""
                    if comment_id.isdigit() and first(sub, "wp", "comment_approved") in APPROVED:
                        comments.add(int(comment_id))
    categories.discard("")
    categories.discard(None)
    tags.discard("")
    tags.discard(None)
    return {"users": len(logins), "posts": posts, "comments": len(comments),
            "categories": len(categories), "tags": len(tags)}


def content_of(path: Path, post_id: int) -> tuple[str, str]:
    for item in ET.parse(path).getroot().find("channel").iter("item"):  # noqa: S314
        if first(item, "wp", "post_id") == str(post_id):
            encoded = "{http://purl.org/rss/1.0/modules/content/}encoded"
            return item.findtext("title"), item.findtext(encoded) or ""
    raise AssertionError(post_id)


# -- the real exports ----------------------------------------------------------

def test_shared_folder_present():
    need_shared()
    assert SHARED_FILES


@pytest.mark.parametrize("path", SHARED_FILES, ids=lambda p: p.name)
def test_real_export(app, runner, path):
    need_shared()
    want = expected(path)
    before = row_counts(app)
    result = import_file(runner, path)
    if want is None:
        assert result.exit_code != 0, result.output
        assert "nothing was imported" in result.output
        assert row_counts(app) == before
        return
    assert result.exit_code == 0, result.output
    with app.app_context():
        posts = db.session.execute(sa.select(Post.id, Post.title, Post.type)).all()
        assert {p.id: (p.title, p.type) for p in posts} == {
            i: (t.strip()[:500], k) for i, (t, k) in want["posts"].items()}
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == want["users"]
        assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == want["comments"]
        assert db.session.scalar(sa.select(sa.func.count(Category.id))) == want["categories"]
        assert db.session.scalar(sa.select(sa.func.count(Tag.id))) == want["tags"]
    # and a second run changes nothing
    sums = checksum(app, {"users.created_at"})
    again = import_file(runner, path)
    assert again.exit_code == 0, again.output
    assert checksum(app, {"users.created_at"}) == sums


def test_readme_facts(app, runner):
    need_shared()
    for name, posts in (("valid-wxr-1.1.xml", 2), ("wxr-utf-8-challenges.xml", 1)):
        empty_database(app)
        result = import_file(runner, SHARED / name)
        assert result.exit_code == 0, result.output
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Post.id))) == posts
            assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


@pytest.mark.parametrize("name", ["malformed.xml", "malformed-simple.xml"])
def test_malformed_refused(app, runner, make, name):
    need_shared()
    make.post("Already here")
    before = row_counts(app)
    result = import_file(runner, SHARED / name)
    assert result.exit_code != 0
    assert "not well-formed XML" in result.output
    assert row_counts(app) == before


def test_utf8_and_slashes_survive(app, runner):
    need_shared()
    for name in ("wxr-utf-8-challenges.xml", "slashes.xml"):
        empty_database(app)
        path = SHARED / name
        assert import_file(runner, path).exit_code == 0
        with app.app_context():
            for post in db.session.scalars(sa.select(Post)):
                title, content = content_of(path, post.id)
                assert post.title == title.strip()
                for line in content.splitlines():
                    assert line.strip() in post.source
    with app.app_context():  # slashes.xml is the last one imported
        assert db.session.scalar(sa.select(Category.name)) == 'a \\"great\\" category'
        assert db.session.scalar(sa.select(Tag.name)) == "foo\\'bar"
        assert "\\o/ ¯\\_(ツ)_/¯" in db.session.scalar(sa.select(Comment.content_html))
        assert "aren\\'t \\\"cool\\\"" in db.session.get(Post, 1).content_html


# -- our own fixture -------------------------------------------------------------

def test_fixture_imports_everything(app, runner):
    result = import_file(runner, SITE)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "posts: 4 imported, 0 updated, 0 skipped" in out
    assert "pages: 1 imported" in out
    assert "comments: 8 imported" in out
    assert "attachment" in out
    assert "/2023/04/02/hello-world-old/ -> /2023/04/02/hello-dreams/" in out
    assert "https://old.example.org/wp-content/uploads/2023/04/cat.jpg" in out
    assert "https://old.example.org/wp-content/uploads/2023/04/guide.pdf" in out
    with app.app_context():
        users = {u.login: u for u in db.session.scalars(sa.select(User))}
        assert set(users) == {"alice", "bob"}
        assert users["alice"].display_name == "Alice Ärger"
        assert users["alice"].email == "alice@example.org"
        assert users["alice"].password_hash == ""
        assert not users["alice"].check_password("")

        posts = {p.id: p for p in db.session.scalars(sa.select(Post))}
        assert {i: (p.type, p.status) for i, p in posts.items()} == {
            101: ("post", "published"), 102: ("post", "scheduled"), 103: ("post", "draft"),
            104: ("page", "published"), 105: ("post", "published")}
        hello = posts[101]
        assert hello.slug == "hello-dreams" and hello.format == "html"
        assert hello.author.login == "alice"
        assert hello.sticky and hello.comments_open
        assert not posts[102].comments_open
        assert hello.published_at == datetime(2023, 4, 1, 22, 30, tzinfo=UTC)
        assert hello.published_local == datetime(2023, 4, 2, 0, 30)
        assert hello.excerpt == "A short excerpt."
        html = hello.content_html
        assert "<p>First paragraph with a line<br>\nand a second line.</p>" in html
        assert '<figure id="user-content-attachment_9" class="wp-caption alignright">' in html
        assert '<figcaption class="wp-caption-text">A calm cat</figcaption>' in html
        assert "[gallery" not in html and "[note]" not in html and "Kept inner text" in html
        assert "<pre>code line 1\n\ncode line 2</pre>" in html
        assert posts[103].slug == "unfinished-thoughts"
        # A draft with a zero GMT date has no publication time yet (WordPress's
        # "floating" draft); its post_date is only when it was last written.
        assert (posts[103].published_at, posts[103].published_local) == (None, None)
        assert posts[105].password == "opensesame"
        assert [c.slug for c in hello.categories] == ["grandchild"]
        assert sorted(t.slug for t in hello.tags) == ["awe", "set-setting"]

        cats = {c.slug: c for c in db.session.scalars(sa.select(Category))}
        assert cats["grandchild"].parent.slug == "mind-child"
        assert cats["mind-child"].parent.slug == "mind"
        assert cats["mind"].parent is None
        assert cats["mind"].name == "Mind & Brain"
        assert cats["mind"].description == "All about the mind"

        comments = {c.id: c for c in db.session.scalars(sa.select(Comment))}
        assert {i: (c.status, c.type, c.parent_id, c.thread_id) for i, c in comments.items()} == {
            11: ("approved", "comment", None, None), 12: ("approved", "comment", 11, 11),
            13: ("approved", "comment", 12, 11), 14: ("pending", "comment", 11, 11),
            15: ("spam", "comment", None, None), 16: ("trash", "comment", None, None),
            17: ("approved", "pingback", None, None), 21: ("approved", "comment", None, None)}
        first_comment = comments[11]
        assert first_comment.author_name == "Reader One"
        assert first_comment.author_email == "one@example.org"
        assert first_comment.author_url == "https://one.example.org/"
        assert first_comment.ip == "192.0.2.1"
        assert first_comment.created_at == datetime(2023, 4, 2, 8, 0, tzinfo=UTC)
        assert first_comment.content_html.count("<p>") == 2
        assert "<script" not in first_comment.content_html
        assert comments[12].user_id == users["alice"].id
        assert hello.comment_count == 4
        assert posts[105].comment_count == 1
        assert [o.slug for o in db.session.scalars(sa.select(OldSlug))] == ["hello-world-old"]


def test_imported_site_serves_old_links(app, runner, client):
    assert import_file(runner, SITE).exit_code == 0
    response = client.get("/?p=101")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/2023/04/02/hello-dreams/")
    assert client.get("/?p=104").headers["Location"].endswith("/about/")
    old = client.get("/2023/04/02/hello-world-old/")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/2023/04/02/hello-dreams/")
    page = client.get("/2023/04/02/hello-dreams/")
    assert page.status_code == 200
    assert "A calm cat" in page.get_data(as_text=True)
    protected = client.get("/2023/03/03/members-only/")
    assert protected.status_code == 200
    body = protected.get_data(as_text=True)
    assert "post-password-form" in body
    assert "marmalade-owl" not in body and "kiwi" not in body and "zebra" not in body
    home = client.get("/").get_data(as_text=True)
    assert "marmalade-owl" not in home and "zebra" not in home


def test_second_run_changes_nothing(app, runner):
    assert import_file(runner, SITE).exit_code == 0
    counts, sums = row_counts(app), checksum(app)
    result = import_file(runner, SITE)
    assert result.exit_code == 0, result.output
    assert "posts: 0 imported, 0 updated, 4 skipped" in result.output
    assert "comments: 0 imported, 0 updated, 8 skipped" in result.output
    assert "authors: 0 imported, 0 updated, 2 skipped" in result.output
    assert row_counts(app) == counts
    assert checksum(app) == sums


def test_https_namespaces_import_the_same(app, runner, tmp_path):
    assert import_file(runner, SITE).exit_code == 0
    plain = snapshot(app)
    empty_database(app)
    https = tmp_path / "https.xml"
    https.write_text(SITE.read_text(encoding="utf-8").replace(
        "http://wordpress.org/export/1.2/", "https://wordpress.org/export/1.2/"), encoding="utf-8")
    assert "https://wordpress.org/export/1.2/" in https.read_text(encoding="utf-8")
    result = import_file(runner, https)
    assert result.exit_code == 0, result.output
    assert snapshot(app) == plain


@pytest.mark.parametrize("name, message", [
    ("bomb.xml", "DTD"),
    ("external-entity.xml", "DTD"),
    ("not-wxr.xml", "not a WordPress export"),
])
def test_dangerous_or_foreign_files_refused(app, runner, make, name, message):
    make.post("Already here")
    before = row_counts(app)
    result = import_file(runner, FIXTURES / name)
    assert result.exit_code != 0
    assert message in result.output
    assert "nothing was imported" in result.output
    assert row_counts(app) == before


def test_truncated_file_refused(app, runner, tmp_path):
    data = SITE.read_bytes()
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    before = row_counts(app)
    result = import_file(runner, truncated)
    assert result.exit_code != 0
    assert "not well-formed XML" in result.output
    assert row_counts(app) == before


def test_failure_halfway_writes_nothing(app, runner, tmp_path):
    assert import_file(runner, SITE).exit_code == 0
    with app.app_context():  # item 105, imported as a post, is now a page here
        db.session.execute(sa.update(Post).where(Post.id == 105).values(type="page"))
        db.session.commit()
    before, sums = row_counts(app), checksum(app)
    changed = tmp_path / "changed.xml"
    changed.write_text(SITE.read_text(encoding="utf-8").replace(
        "<title>Hello Dreams</title>", "<title>Hello Again</title>"), encoding="utf-8")
    result = import_file(runner, changed)
    assert result.exit_code != 0
    assert "imported it before as the page" in result.output
    assert "nothing was imported" in result.output
    assert row_counts(app) == before and checksum(app) == sums


def test_sequences_move_past_imported_ids(app, runner, make):
    assert import_file(runner, SITE).exit_code == 0
    post = make.post("Written after the import")
    assert post.id > 105
    comment = make.comment(post)
    assert comment.id > 21


def test_autop_and_shortcodes():
    from dreamweaver.wxr.content import prepare

    html = prepare('Intro\n<ul>\n<li>a</li>\n</ul>\nafter\nmore\n\n'
                   '[caption align="aligncenter" caption="Attr cap"]<img src="x.png">[/caption]\n\n'
                   '[[gallery]] and [sic] and [video src="a.mp4"] and [x/]')
    assert "Intro\n<ul>" in html and "after<br>\nmore" in html
    assert '<figure class="wp-caption aligncenter"><img src="x.png">' in html
    assert '<figcaption class="wp-caption-text">Attr cap</figcaption>' in html
    assert "[gallery] and [sic] and" in html and "video" not in html and "[x/]" not in html


def categories_wxr(path, links) -> Path:
    """A file declaring categories (slug, parent slug), in this order."""
    from tests.support.wxr_files import write_wxr

    declared = "".join(
        f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
        f"<wp:category_parent>{parent}</wp:category_parent>"
        f"<wp:cat_name>{slug.title()}</wp:cat_name></wp:category>\n" for slug, parent in links)
    return write_wxr(path, declared)


def test_category_loop_cut_at_the_last_declared(app, runner, tmp_path):
    path = categories_wxr(tmp_path / "loop.xml", [("a", "c"), ("b", "a"), ("c", "b"),
                                                 ("d", "d"), ("e", "b")])
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert "category 'c': its parent 'b' would make a loop" in result.output

    def parents():
        with app.app_context():
            rows = db.session.scalars(sa.select(Category)).all()
            return {c.slug: c.parent.slug if c.parent else None for c in rows}

    assert parents() == {"a": "c", "b": "a", "c": None, "d": None, "e": "b",
                         "dreams": None}
    sums = checksum(app)
    assert import_file(runner, path).exit_code == 0
    assert checksum(app) == sums


def test_category_chain_linear(app, runner, tmp_path):
    """Each category the child of the one before: checking for loops by walking
    up from every one, a query per step, took 51 s for 1,000."""
    import time

    seconds = []
    for n in (300, 1200):
        empty_database(app)
        path = categories_wxr(tmp_path / f"chain{n}.xml",
                              [(f"c{i}", f"c{i - 1}" if i else "") for i in range(n)])
        started = time.process_time()
        result = import_file(runner, path)
        seconds.append(time.process_time() - started)
        assert result.exit_code == 0, result.output
        with app.app_context():
            deepest = db.session.scalar(sa.select(Category).where(Category.slug == f"c{n - 1}"))
            assert deepest.parent.slug == f"c{n - 2}"
    assert seconds[0] < 5
    assert seconds[1] < 8 * seconds[0], seconds
