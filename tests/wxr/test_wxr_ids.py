"""An import never overwrites content that did not come from the same site: an
item whose WordPress id is held here by other content gets a new id (and its
old /?p= id still leads to it while nothing here answers to that id); a
re-import of the same file updates what it made, and only that."""

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, ImportedComment, ImportedPost, Post, User
from tests.support.snapshots import checksum, row_counts
from tests.support.wxr_files import SITE, comment_xml, item_xml, write_wxr

SITE_A, SITE_B = "https://a.example.org", "https://b.example.org"


def import_file(runner, path):
    result = runner.invoke(args=["import-wxr", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def post_row(app, post_id):
    with app.app_context():
        post = db.session.get(Post, post_id)
        return (post.title, post.slug, post.author.login if post.author else None,
                post.source, post.content_html, post.type, post.status)


def imported_as(app, source, wp_id):
    with app.app_context():
        return db.session.scalar(sa.select(ImportedPost.post_id).where(
            ImportedPost.source == source, ImportedPost.wp_id == wp_id))


@pytest.fixture
def own(make):
    """The site's own post, written here, and a comment on it."""
    owner = make.user("owner", display_name="Site Owner")
    post = make.post("My Own Post", author=owner, source="Written **here**.", slug="my-own")
    comment = make.comment(post, author_name="Own Reader", content="<p>Mine.</p>")
    return post, comment


def test_import_keeps_own_post_at_taken_id(app, runner, client, own, tmp_path):
    post, comment = own
    before = post_row(app, post.id)
    wxr = write_wxr(tmp_path / "a.xml", item_xml(
        post.id, "Imported Title", slug="imported-title", content="From the old site.",
        comments=comment_xml(comment.id, author="Old Reader")
        + comment_xml(comment.id + 100, parent=comment.id, author="Old Replier")),
        site=SITE_A)
    output = import_file(runner, wxr)
    assert post_row(app, post.id) == before
    new_id = imported_as(app, "a.example.org", post.id)
    assert new_id not in (None, post.id)
    title, slug, author, _source, html, _type, _status = post_row(app, new_id)
    assert (title, slug, author) == ("Imported Title", "imported-title", "writer")
    assert "From the old site." in html
    assert "given new ids: 1 comment(s), 1 post(s)" in output
    assert f"post {post.id}: that id is taken here by the post 'my-own'" in output
    with app.app_context():
        mine = db.session.get(Comment, comment.id)
        assert (mine.post_id, mine.author_name, mine.content_html) == (
            post.id, "Own Reader", "<p>Mine.</p>")
        theirs = {c.author_name: c for c in db.session.scalars(
            sa.select(Comment).where(Comment.post_id == new_id))}
        top, reply = theirs["Old Reader"], theirs["Old Replier"]
        assert top.id != comment.id and top.parent_id is None
        assert (reply.parent_id, reply.thread_id) == (top.id, top.id)
    # /?p=<id> is the site's own post; the imported one answers to its new id.
    assert client.get(f"/?p={post.id}").headers["Location"].endswith("/my-own/")
    assert client.get(f"/?p={new_id}").headers["Location"].endswith("/imported-title/")


def test_reimport_idempotent_after_new_ids(app, runner, own, tmp_path):
    post, comment = own
    wxr = write_wxr(tmp_path / "a.xml", item_xml(
        post.id, "Imported Title", comments=comment_xml(comment.id)
        + comment_xml(comment.id + 1, parent=comment.id)), site=SITE_A)
    import_file(runner, wxr)
    counts, sums = row_counts(app), checksum(app)
    again = import_file(runner, wxr)
    assert "posts: 0 imported, 0 updated, 1 skipped" in again
    assert "comments: 0 imported, 0 updated, 2 skipped" in again
    assert "given new ids" not in again
    assert row_counts(app) == counts and checksum(app) == sums
    # The same site over http, with the title changed there: the same rows, updated.
    changed = write_wxr(tmp_path / "b.xml", item_xml(
        post.id, "Retitled", comments=comment_xml(comment.id)
        + comment_xml(comment.id + 1, parent=comment.id)), site="http://www.a.example.org/")
    assert "posts: 0 imported, 1 updated" in import_file(runner, changed)
    assert row_counts(app) == counts
    assert post_row(app, imported_as(app, "a.example.org", post.id))[0] == "Retitled"
    assert post_row(app, post.id)[0] == "My Own Post"


def test_two_sites_with_the_same_ids(app, runner, client, tmp_path):
    one = write_wxr(tmp_path / "a.xml", item_xml(7, "From A", slug="from-a"), site=SITE_A)
    two = write_wxr(tmp_path / "b.xml", item_xml(7, "From B", slug="from-b"), site=SITE_B)
    import_file(runner, one)
    assert "given new ids: 1 post(s)" in import_file(runner, two)
    a, b = imported_as(app, "a.example.org", 7), imported_as(app, "b.example.org", 7)
    assert a == 7 and b != 7
    assert post_row(app, a)[0] == "From A" and post_row(app, b)[0] == "From B"
    sums = checksum(app)
    import_file(runner, one)
    import_file(runner, two)
    assert checksum(app) == sums
    assert client.get("/?p=7").headers["Location"].endswith("/from-a/")


def test_old_id_leads_to_imported_post_when_free_for_readers(app, runner, client, make,
                                                             tmp_path):
    draft = make.post("Unfinished", status="draft", slug="unfinished")
    wxr = write_wxr(tmp_path / "a.xml", item_xml(draft.id, "Published There"), site=SITE_A)
    import_file(runner, wxr)
    assert post_row(app, draft.id)[0] == "Unfinished"
    response = client.get(f"/?p={draft.id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/imported-{draft.id}/")


def test_new_ids_after_explicit_ids(app, runner, make, tmp_path):
    """On PostgreSQL, a new id comes from the sequence, which the explicit ids
    written before it in the same import have overtaken."""
    taken = make.post("Here First").id
    wxr = write_wxr(tmp_path / "a.xml", item_xml(taken + 1, "Next", slug="next")
                    + item_xml(taken, "Clashing", slug="clashing"), site=SITE_A)
    import_file(runner, wxr)
    assert imported_as(app, "a.example.org", taken + 1) == taken + 1
    assert imported_as(app, "a.example.org", taken) > taken + 1
    assert post_row(app, taken)[0] == "Here First"


def test_site_imported_before_the_id_map_is_matched_again(app, runner):
    """Rows imported before the map existed hold their WordPress ids: a re-import
    of the same file claims them instead of making copies."""
    import_file(runner, SITE)
    with app.app_context():
        mapped = db.session.scalar(sa.select(sa.func.count()).select_from(ImportedPost))
        db.session.execute(sa.delete(ImportedComment))
        db.session.execute(sa.delete(ImportedPost))
        db.session.commit()
    skip = ("imported_posts", "imported_comments")
    counts = {k: v for k, v in row_counts(app).items() if k not in skip}
    output = import_file(runner, SITE)
    assert "posts: 0 imported, 0 updated, 4 skipped" in output
    assert "given new ids" not in output
    assert {k: v for k, v in row_counts(app).items() if k not in skip} == counts
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportedPost)) == mapped
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportedComment)) == 8
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2
