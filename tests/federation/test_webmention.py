"""Webmention (federation/webmention.py, mentions.py, webmention_send.py)
against pages served on loopback: a page that links to a post becomes a
held comment (a reply or a mention), a like or a boost, read from its
microformats; one that does not link stores nothing; one that stops linking,
or is gone, takes its mention away. Posts advertise the endpoint, and a new
post tells the sites it links to."""

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.federation import publishing
from dreamweaver.models import Comment, Post, SiteState
from tests.support.comment_client import permalink
from tests.support.site_settings import save_settings
from tests.support.web_pages import WebPages

ENDPOINT = "/webmention"


@pytest.fixture
def web():
    site = WebPages()
    yield site
    site.stop()


@pytest.fixture
def site(federated, make):
    federated.config.update(COMMENT_MODERATION=True)
    make.post("Lucid Nights")
    return federated


def target(app) -> str:
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.title == "Lucid Nights"))
    return "http://localhost" + permalink(app, post)


def entry(link: str, kind: str = "in-reply-to", content: str = "Nice one.") -> str:
    return f"""<!doctype html><html><head><title>A reply</title></head><body>
      <article class="h-entry">
        <a class="u-{kind}" href="{link}">that post</a>
        <div class="p-author h-card">
          <a class="u-url p-name" href="https://bo.example/">Bo Dreamer</a></div>
        <div class="e-content"><p>{content}</p><script>alert(1)</script></div>
      </article></body></html>"""


def mention(app, source: str, to: str):
    return app.test_client().post(ENDPOINT, data={"source": source, "target": to})


def comments(app) -> list[Comment]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Comment).order_by(Comment.id)))


def counts(app) -> tuple[int, int]:
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.title == "Lucid Nights"))
        return post.like_count, post.boost_count


def test_a_reply_becomes_a_held_comment_and_leaves_when_the_link_goes(site, web):
    to = target(site)
    source = web.page("/reply", entry(to))
    response = mention(site, source, to)
    assert response.status_code == 202
    [comment] = comments(site)
    assert comment.status == "pending" and comment.source == "webmention"
    assert comment.remote_id == source and comment.author_name == "Bo Dreamer"
    assert comment.author_url == "https://bo.example/"
    assert "Nice one." in comment.content_html and "<script" not in comment.content_html
    web.page("/reply", entry(to, content="Edited."))
    assert mention(site, source, to).status_code == 202
    [comment] = comments(site)
    assert "Edited." in comment.content_html  # read again, not stored twice
    web.page("/reply", entry("https://elsewhere.example/"))
    mention(site, source, to)
    assert comments(site) == []


def test_a_page_that_does_not_link_stores_nothing(site, web):
    to = target(site)
    assert mention(site, web.page("/nothing", entry("https://elsewhere.example/")),
                   to).status_code == 202
    assert comments(site) == []


def test_likes_and_reposts_are_counted_and_a_gone_page_takes_them_away(site, web):
    to = target(site)
    liked = web.page("/like", entry(to, "like-of"))
    mention(site, liked, to)
    mention(site, liked, to)  # sent twice: counted once
    mention(site, web.page("/repost", entry(to, "repost-of")), to)
    assert counts(site) == (1, 1) and comments(site) == []
    web.page("/like", "", status=410)
    mention(site, liked, to)
    assert counts(site) == (0, 1)


def test_a_page_without_microformats_is_a_mention(site, web):
    to = target(site)
    source = web.page("/plain", f'<title>Links I like</title><p><a href="{to}">this</a></p>')
    mention(site, source, to)
    [comment] = comments(site)
    assert comment.content_html == "<p>Links I like</p>"
    assert comment.author_name == web.base.removeprefix("http://")


@pytest.mark.parametrize("source,to", [
    ("not an address", None), ("javascript:alert(1)", None),
    ("https://bo.example/post", "https://elsewhere.example/post"),
    ("https://bo.example/post", "http://localhost/no-such-post/"),
    (None, None),
])
def test_what_cannot_be_a_webmention_is_refused(site, source, to):
    to = to or target(site)
    source = to if source is None else source
    assert mention(site, source, to).status_code == 400
    assert comments(site) == []


def test_a_private_source_is_never_fetched(site, web):
    site.config.update(FEDERATION_ALLOW_LOOPBACK=False)
    to = target(site)
    assert mention(site, web.page("/reply", entry(to)), to).status_code == 202
    assert comments(site) == []


def test_posts_advertise_the_endpoint(site):
    page = site.test_client().get(target(site).removeprefix("http://localhost"))
    assert page.headers["Link"] == '<http://localhost/webmention>; rel="webmention"'
    assert '<link rel="webmention" href="http://localhost/webmention">' in page.get_data(
        as_text=True)


def test_a_new_post_tells_the_sites_it_links_to(site, web, make):
    with site.app_context():  # federation began long ago: the post is new to it
        db.session.merge(SiteState(key=publishing.SINCE, value=0))
        db.session.commit()
    by_header = web.page("/by-header", "<p>hi</p>", Link='</in>; rel="webmention"')
    by_html = web.page("/by-html", '<link rel="webmention" href="/html-in">')
    none = web.page("/none", "<p>no endpoint</p>")
    post = make.post("Linking Out", source=f"See [one]({by_header}), [two]({by_html}), "
                                           f"[three]({none}) and [us](http://localhost/).")
    with site.app_context():
        publishing.sync()
        db.session.commit()
    source = "http://localhost" + permalink(site, post)
    assert sorted(web.posted) == [("/html-in", {"source": source, "target": by_html}),
                                  ("/in", {"source": source, "target": by_header})]


def test_our_pages_read_as_microformats2(site):
    import mf2py

    to = target(site)
    client = site.test_client()
    single = mf2py.parse(doc=client.get(to.removeprefix("http://localhost")).get_data(
        as_text=True), url=to)
    [entry] = [item for item in single["items"] if "h-entry" in item["type"]]
    properties = entry["properties"]
    assert properties["name"] == ["Lucid Nights"] and properties["url"] == [to]
    assert properties["published"] and "Body of Lucid Nights." in \
        properties["content"][0]["html"]
    home = mf2py.parse(doc=client.get("/").get_data(as_text=True), url="http://localhost/")
    [feed] = [item for item in home["items"] if "h-feed" in item["type"]]
    assert [child["properties"]["name"] for child in feed["children"]] == [["Lucid Nights"]]


def generation(app) -> int:
    with app.app_context():
        return db.session.get(SiteState, "content").value


def test_another_address_of_the_post_does_not_make_us_forget(site, web):
    to = target(site)
    source = web.page("/reply", entry(to))
    mention(site, source, to)
    with site.app_context():
        post_id = db.session.scalar(sa.select(Post.id))
    for other in (f"http://localhost/ap/posts/{post_id}", to + "comment-page-1/",
                  to.replace("/20", "/19", 1)):
        assert mention(site, source, other).status_code == 202
    assert len(comments(site)) == 1


def test_the_server_that_served_the_page_is_who_vouches(site, web):
    to = target(site)
    elsewhere = WebPages()
    try:
        landing = elsewhere.page("/spam", entry(to, content="Buy pills."))
        source = web.page("/go", "", status=302, Location=landing)
        mention(site, source, to)
    finally:
        elsewhere.stop()
    [comment] = comments(site)
    assert comment.remote_actor == f"{elsewhere.base} https://bo.example/"
    assert comment.remote_id == source


def test_a_like_that_becomes_a_reply_is_a_reply_only(site, web):
    to = target(site)
    source = web.page("/changing", entry(to, "like-of"))
    mention(site, source, to)
    web.page("/changing", entry(to))
    mention(site, source, to)
    assert counts(site) == (0, 0) and len(comments(site)) == 1


def test_a_page_sent_again_unchanged_moves_no_cache(site, web):
    to = target(site)
    liked, replied = web.page("/like", entry(to, "like-of")), web.page("/reply", entry(to))
    mention(site, liked, to)
    mention(site, replied, to)
    before = generation(site)
    mention(site, liked, to)
    mention(site, replied, to)
    assert generation(site) == before


def test_an_edited_page_is_moderated_again(site, web, client, auth):
    to = target(site)
    source = web.page("/reply", entry(to))
    mention(site, source, to)
    with site.app_context():
        from dreamweaver.comments.moderation import moderate
        moderate(db.session.scalars(sa.select(Comment)).one(), "approve")
        db.session.commit()
    auth.login()
    save_settings(client, comment_moderation="y", disallowed_keys="pills")
    web.page("/reply", entry(to, content="Cheap pills here."))
    mention(site, source, to)
    assert comments(site)[0].status == "spam"


def test_blocking_a_server_removes_its_webmentions(site, web):
    to = target(site)
    mention(site, web.page("/reply", entry(to)), to)
    mention(site, web.page("/like", entry(to, "like-of")), to)
    with site.app_context():
        from dreamweaver.federation import followers
        followers.block_domain("127.0.0.1")
        db.session.commit()
    assert comments(site) == [] and counts(site) == (0, 0)
