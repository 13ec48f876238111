"""`<!--more-->` and excerpts: what a listing, a feed and a meta description show
of a post, and "Continue reading" only when there is more to read."""


import feedparser
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.markup import render_teaser
from dreamweaver.models import Post
from tests.support.auth import csrf_token
from tests.support.responses import section, text
from tests.support.scripts import load_migration
from tests.support.wxr_files import item_xml, write_wxr

MORE_LINK = 'class="more-link"'
LONG = " ".join(f"w{i}" for i in range(100))


def entry(client, post_id, url="/"):
    """The listing's summary of one post."""
    html = text(client.get(url))
    start = html.index(f'id="post-{post_id}"')
    return html[start:html.index("</article>", start)]


def test_teaser_markdown_listed_as_html_with_continue_reading(client, make):
    post = make.post("Split", source="Intro with *emphasis*.\n\n<!--more-->\n\nThe hidden rest.")
    summary = entry(client, post.id)
    assert "<p>Intro with <em>emphasis</em>.</p>" in summary
    assert "hidden rest" not in summary
    assert MORE_LINK in summary
    single = text(client.get(f"/{post.published_local:%Y/%m/%d}/split/"))
    assert "Intro with <em>emphasis</em>." in single and "The hidden rest." in single


def test_teaser_ends_at_marker_even_before_55_words(client, make):
    post = make.post("Early", source=f"One two three. <!--more--> {LONG}")
    summary = entry(client, post.id)
    assert "One two three." in summary and "w0" not in summary
    assert "[\u2026]" not in summary and MORE_LINK in summary


def test_teaser_wins_over_written_excerpt_in_listing(client, make):
    post = make.post("Both", excerpt="Written summary.",
                     source="Teaser words.\n\n<!--more-->\n\nRest.")
    summary = entry(client, post.id)
    assert "Teaser words." in summary and "Written summary." not in summary


def test_short_post_without_marker_has_no_continue_reading(client, make):
    post = make.post("Short", source="All there is.")
    summary = entry(client, post.id)
    assert "All there is." in summary
    assert MORE_LINK not in summary


def test_55_words_exactly_is_whole(client, make):
    post = make.post("Exact", source=" ".join(f"w{i}" for i in range(55)))
    summary = entry(client, post.id)
    assert "w54" in summary and "[\u2026]" not in summary and MORE_LINK not in summary


def test_long_post_without_marker_cut_at_55_words_with_continue_reading(client, make):
    post = make.post("Long", source=LONG)
    summary = entry(client, post.id)
    assert "w54 [\u2026]" in summary and "w55" not in summary
    assert MORE_LINK in summary


def test_written_excerpt_has_continue_reading(client, make):
    post = make.post("Summarised", excerpt="A summary.", source="Body.")
    summary = entry(client, post.id)
    assert "A summary." in summary and "Body." not in summary
    assert MORE_LINK in summary


def test_marker_with_nothing_after_is_no_teaser(client, make):
    post = make.post("Trailing", source="Only this.\n\n<!--more-->\n")
    with client.application.app_context():
        assert db.session.get(Post, post.id).teaser_html == ""
    summary = entry(client, post.id)
    assert "Only this." in summary and MORE_LINK not in summary


def test_marker_inside_markdown_code_is_text():
    assert render_teaser("```\n<!--more-->\n```\n\nAfter.", "markdown") == ""
    assert render_teaser("Say `<!--more-->` to split.\n\nAfter.", "markdown") == ""


def test_teaser_of_html_source_is_balanced():
    assert render_teaser("<p>Intro <b>bold <!--more--> still</b> after</p>", "html") == (
        "<p>Intro <b>bold </b></p>")


def test_custom_more_text_splits_too():
    assert render_teaser("<p>Intro</p><!--more Read on--><p>After</p>", "html") == "<p>Intro</p>"


def test_feed_and_meta_description_use_teaser_words(client, make):
    post = make.post("Fed", source=f"Teaser only here.\n\n<!--more-->\n\n{LONG}")
    parsed = feedparser.parse(client.get("/feed/").data)
    assert parsed.entries[0].description == "Teaser only here."
    single = text(client.get(f"/{post.published_local:%Y/%m/%d}/fed/"))
    assert '<meta name="description" content="Teaser only here.">' in single


def test_written_excerpt_wins_in_feed(client, make):
    make.post("Fed", excerpt="Written summary.", source="Teaser.\n\n<!--more-->\n\nRest.")
    parsed = feedparser.parse(client.get("/feed/").data)
    assert parsed.entries[0].description == "Written summary."


def test_editor_save_stores_teaser(app, client, auth):
    auth.login()
    response = client.post("/admin/posts/new", data={
        "csrf_token": csrf_token(client, "/admin/posts/new"), "title": "Edited",
        "source": "<p>Intro</p>\n<!--more-->\n<p>Rest</p>", "format": "html",
        "status": "published", "comments_open": "y"})
    assert response.status_code == 303
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.title == "Edited"))
        assert post.teaser_html == "<p>Intro</p>"
        post_id = post.id
    auth.logout()
    summary = entry(client, post_id)
    assert "Intro" in summary and "Rest" not in summary and MORE_LINK in summary


def test_import_stores_teaser(app, runner, client, tmp_path):
    content = "First paragraph.\n\n<!--more-->\n\nSecond paragraph."
    path = write_wxr(tmp_path / "more.xml", item_xml(7, "Imported", content=content))
    assert runner.invoke(args=["import-wxr", str(path)]).exit_code == 0
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.title == "Imported"))
        assert "<!--more-->" in post.source
        assert post.teaser_html == "<p>First paragraph.</p>"
        assert "Second paragraph." in post.content_html


# --- 0012: teasers for posts stored before ------------------------------------------

post_teasers = load_migration("0012_post_teasers.py")


def test_migration_fills_teasers(app, make, client):
    split = make.post("Split", source="Before.\n\n<!--more-->\n\nAfter.")
    plain = make.post("Plain", source="No marker.")
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.update(Post).values(teaser_html=""))
        with db.engine.begin() as connection:
            post_teasers.fill(connection)
        db.session.remove()
        teasers = dict(db.session.execute(sa.select(Post.id, Post.teaser_html)).all())
    assert teasers == {split.id: "<p>Before.</p>", plain.id: ""}
    assert "After." not in section(client.get("/"), f"post-{split.id}")
