"""Feeds (RSS 2.0 as WordPress serves it), the sitemap and robots.txt."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from defusedxml import ElementTree as ET

from dreamweaver.extensions import db
from dreamweaver.markup import auto_excerpt
from dreamweaver.models import OldSlug
from tests.support.feeds import HOST, SITEMAP, sitemap_urls
from tests.support.responses import text

RFC822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$")
SECRETS = ("SECRET-CONTENT", "SECRET-EXCERPT")


def feed(client, url):
    """The feed at `url`, parsed, after checking what every feed response shares."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert_cacheable(response)
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    ET.fromstring(response.data)  # well-formed for a strict parser too
    return parsed


def assert_cacheable(response):
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert response.headers["Cache-Control"] == "public, max-age=300"


def items(channel, tag="item"):
    return channel.findall(f"channel/{tag}")


@pytest.fixture
def site(make):
    """A small site: two categories, an author, posts of every kind readers must
    and must not see, a page, and comments."""
    writer = make.user("writer", display_name="Wendy Writer")
    art, science = make.category("Art"), make.category("Science & Nature")
    empty = make.category("Empty")
    colour = make.tag("Colour")
    newest = make.post("Fish & <Chips>", source="Fried **fish** & chips <3.",
                       categories=[art, science], tags=[colour], author=writer)
    second = make.post("Second post", categories=[science], author=writer,
                       excerpt="A hand-written excerpt.")
    third = make.post("Third post", categories=[art])
    protected = make.post("Locked post", source="SECRET-CONTENT", excerpt="SECRET-EXCERPT",
                          password="pw", categories=[art])
    draft = make.post("Draft post", source="SECRET-CONTENT", status="draft", categories=[art])
    future = make.post("Future post", source="SECRET-CONTENT", categories=[empty],
                       published_at=datetime.now(UTC) + timedelta(days=3))
    private = make.post("Private post", source="SECRET-CONTENT", status="private")
    about = make.post("About", kind="page", source="About this site.")
    secret_page = make.post("Hidden page", kind="page", source="SECRET-CONTENT", password="pw")
    start = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
    first_comment = make.comment(newest, author_name="Ann", content="<p>Crispy &amp; hot</p>",
                                 created_at=start)
    reply = make.comment(newest, author_name="Bob <b>", content="<p>Agreed.</p>",
                         parent=first_comment, created_at=start + timedelta(minutes=5))
    on_second = make.comment(second, author_name="Cy", content="<p>Second!</p>",
                             created_at=start + timedelta(minutes=10))
    on_page = make.comment(about, author_name="Di", content="<p>Hello page</p>",
                           created_at=start + timedelta(minutes=15))
    make.comment(newest, author_name="Held", content="<p>SECRET-CONTENT held</p>",
                 status="pending", created_at=start + timedelta(minutes=20))
    make.comment(newest, author_name="Spammer", content="<p>SECRET-CONTENT spam</p>",
                 status="spam", created_at=start + timedelta(minutes=21))
    for hidden in (protected, draft, private):
        make.comment(hidden, author_name="Eve", content="<p>SECRET-CONTENT comment</p>",
                     created_at=start + timedelta(minutes=30))
    return {name: value for name, value in locals().items() if name != "make"}


def permalink(post) -> str:
    local = post.published_local
    if post.type == "page":
        return f"{HOST}/{post.slug}/"
    return f"{HOST}/{local:%Y/%m/%d}/{post.slug}/"


# The posts feed


def test_posts_feed_channel(client, site):
    parsed = feed(client, "/feed/")
    assert parsed.feed.title == "Psychedelic Dreamweaver"
    assert parsed.feed.link == f"{HOST}/"
    assert parsed.feed.subtitle == "All about psychedelics and how they can work for you."
    assert parsed.feed.language == "en"
    root = ET.fromstring(client.get("/feed/").data)
    self_link = root.find("channel/{http://www.w3.org/2005/Atom}link")
    assert self_link.attrib == {"href": f"{HOST}/feed/", "rel": "self",
                                "type": "application/rss+xml"}
    assert RFC822.match(root.findtext("channel/lastBuildDate"))


def test_posts_feed_items(client, site):
    parsed = feed(client, "/feed/")
    assert [e.title for e in parsed.entries] == ["Fish & <Chips>", "Second post", "Third post"]
    first = parsed.entries[0]
    newest = site["newest"]
    assert first.link == permalink(newest)
    assert first.id == f"{HOST}/?p={newest.id}"
    assert first.guidislink is False
    assert first.author == "Wendy Writer"
    assert [t.term for t in first.tags] == ["Art", "Science & Nature", "Colour"]
    assert first.content[0].value == newest.content_html
    assert first.summary == auto_excerpt(newest.content_text)
    assert parsed.entries[1].summary == "A hand-written excerpt."
    assert first.comments == permalink(newest) + "#comments"
    assert first.wfw_commentrss == permalink(newest) + "feed/"
    assert first.slash_comments == "2"


def test_posts_feed_dates_rfc822(client, site):
    root = ET.fromstring(client.get("/feed/").data)
    for item, post in zip(items(root), ("newest", "second", "third"), strict=True):
        stamp = item.findtext("pubDate")
        assert RFC822.match(stamp), stamp
        assert parsedate_to_datetime(stamp) == site[post].published_at.replace(microsecond=0)


def test_posts_feed_escapes(client, site):
    body = text(client.get("/feed/"))
    assert "<title>Fish &amp; &lt;Chips&gt;</title>" in body
    assert "<Chips>" not in body
    root = ET.fromstring(body)
    item = items(root)[0]
    assert item.findtext("title") == "Fish & <Chips>"
    encoded = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert encoded == site["newest"].content_html
    assert "&amp;" in encoded and "&lt;3" in encoded  # the HTML's own escapes, kept


def test_posts_feed_strips_characters_xml_cannot_hold(client, make):
    make.post("Bell\x07 and form\x0cfeed", source="Text.")
    parsed = feed(client, "/feed/")
    assert parsed.entries[0].title == "Bell and formfeed"


def test_posts_feed_latest_ten(client, make):
    made = [make.post(f"Post {n}") for n in range(12)]
    parsed = feed(client, "/feed/")
    assert [e.title for e in parsed.entries] == [p.title for p in made[:10]]


def test_feeds_never_show_hidden_posts(client, site):
    for url in ("/feed/", "/comments/feed/", "/category/art/feed/", "/category/empty/feed/",
                "/sitemap.xml", permalink(site["protected"]) + "feed/",
                "/hidden-page/feed/"):
        body = text(client.get(url))
        for secret in SECRETS:
            assert secret not in body, url
        for title in ("Locked post", "Draft post", "Future post", "Private post"):
            if not url.endswith("locked-post/feed/"):
                assert title not in body, (url, title)


def test_posts_feed_empty_site(client):
    parsed = feed(client, "/feed/")
    assert parsed.entries == []


# Category feeds


def test_category_feed(client, site):
    parsed = feed(client, "/category/art/feed/")
    assert parsed.feed.title == "Psychedelic Dreamweaver \u00bb Art"
    assert parsed.feed.link == f"{HOST}/category/art/"
    assert [e.title for e in parsed.entries] == ["Fish & <Chips>", "Third post"]
    science = feed(client, "/category/science-nature/feed/")
    assert science.feed.title == "Psychedelic Dreamweaver \u00bb Science & Nature"
    assert [e.title for e in science.entries] == ["Fish & <Chips>", "Second post"]


def test_category_feed_unknown(client, site):
    assert client.get("/category/nope/feed/").status_code == 404


def test_category_feed_is_not_the_archive(client, site):
    assert client.get("/category/art/").headers["Content-Type"].startswith("text/html")


def test_tag_feed(client, site, make):
    make.post("Locked colour", source="SECRET-CONTENT", password="pw", tags=[site["colour"]])
    make.post("Drafted colour", source="SECRET-CONTENT", status="draft", tags=[site["colour"]])
    parsed = feed(client, "/tag/colour/feed/")
    assert parsed.feed.title == "Psychedelic Dreamweaver \u00bb Colour"
    assert parsed.feed.link == f"{HOST}/tag/colour/"
    assert [e.title for e in parsed.entries] == ["Fish & <Chips>"]
    assert parsed.entries[0].link == permalink(site["newest"])
    assert not any(secret in text(client.get("/tag/colour/feed/")) for secret in SECRETS)
    assert client.get("/tag/nope/feed/").status_code == 404


def test_author_feed(client, site, make):
    make.post("Locked by Wendy", source="SECRET-CONTENT", password="pw", author=site["writer"])
    parsed = feed(client, "/author/writer/feed/")
    assert parsed.feed.title == "Psychedelic Dreamweaver \u00bb Posts by Wendy Writer"
    assert parsed.feed.link == f"{HOST}/author/writer/"
    assert [e.title for e in parsed.entries] == ["Fish & <Chips>", "Second post"]
    assert [e.link for e in parsed.entries] == [permalink(site["newest"]),
                                                permalink(site["second"])]
    assert not any(secret in text(client.get("/author/writer/feed/")) for secret in SECRETS)


def test_author_feed_only_for_a_public_author(client, site, make):
    """As the author archive: no feed for an account readers have seen nothing from."""
    drafter = make.user("drafter")
    make.post("Only a draft", status="draft", author=drafter)
    make.user("idle")
    for slug in ("drafter", "idle", "nobody", "%00"):
        assert client.get(f"/author/{slug}/feed/").status_code == 404, slug


def test_head_links_tag_and_author(client, site):
    assert head_feeds(client, "/tag/colour/")[2:] == [
        ("Psychedelic Dreamweaver &raquo; Colour Tag Feed", "/tag/colour/feed/"),
    ]
    assert head_feeds(client, "/author/writer/")[2:] == [
        ("Psychedelic Dreamweaver &raquo; Posts by Wendy Writer Feed", "/author/writer/feed/"),
    ]


# Atom


def atom(client, url="/feed/atom/"):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert_cacheable(response)
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return parsed


def test_atom_feed(client, site):
    parsed = atom(client)
    assert parsed.feed.title == "Psychedelic Dreamweaver"
    assert parsed.feed.subtitle == "All about psychedelics and how they can work for you."
    assert parsed.feed.link == f"{HOST}/"
    assert parsed.feed.id == f"{HOST}/feed/atom/"
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [
        f"{HOST}/feed/atom/"]
    assert [e.title for e in parsed.entries] == ["Fish & <Chips>", "Second post", "Third post"]
    first, newest = parsed.entries[0], site["newest"]
    assert first.link == permalink(newest)
    assert first.id == f"{HOST}/?p={newest.id}"
    assert first.author == "Wendy Writer"
    assert parsed.entries[2].author == "Psychedelic Dreamweaver"  # a post with no author
    assert [t.term for t in first.tags] == ["Art", "Science & Nature", "Colour"]
    assert first.content[0].value == newest.content_html
    assert first.content[0].type == "text/html"
    assert first.summary == auto_excerpt(newest.content_text)
    assert parsed.entries[1].summary == "A hand-written excerpt."
    assert datetime(*first.published_parsed[:6], tzinfo=UTC) == newest.published_at
    replies = [link for link in first.links if link.rel == "replies"]
    assert [link.href for link in replies] == [permalink(newest) + "feed/"]
    root = ET.fromstring(client.get("/feed/atom/").data)
    reply_link = root.find("{http://www.w3.org/2005/Atom}entry/"
                           "{http://www.w3.org/2005/Atom}link[@rel='replies']")
    assert reply_link.get("{http://purl.org/syndication/thread/1.0}count") == "2"


def test_atom_feed_leaves_out_what_readers_cannot_see(client, site):
    body = text(client.get("/feed/atom/"))
    for secret in SECRETS:
        assert secret not in body
    for title in ("Locked post", "Draft post", "Future post", "Private post", "Hidden page"):
        assert title not in body


def test_atom_feed_escapes_everything(client, make):
    odd = make.category('Odd "<&>" \x07 term')
    make.post('Title <script>alert("x")</script> & \x01', categories=[odd],
              excerpt="<b>not bold</b> & \x02", source="<em>fine</em> & <b>bold</b>")
    parsed = atom(client)
    entry = parsed.entries[0]
    assert entry.title.strip() == 'Title <script>alert(\u201cx\u201d)</script> &'  # smart_title
    assert entry.summary.strip() == "<b>not bold</b> &"
    assert [t.term for t in entry.tags] == ['Odd "<&>"  term']
    assert "<script>" not in text(client.get("/feed/atom/"))


def test_atom_feed_empty_site(client):
    parsed = atom(client)
    assert parsed.entries == []
    assert parsed.feed.updated


# Comment feeds


def test_comments_feed(client, site):
    parsed = feed(client, "/comments/feed/")
    assert parsed.feed.title == "Comments for Psychedelic Dreamweaver"
    assert [e.title for e in parsed.entries] == [
        "Comment on About by Di",
        "Comment on Second post by Cy",
        "Comment on Fish & <Chips> by Bob <b>",
        "Comment on Fish & <Chips> by Ann",
    ]
    ann = parsed.entries[3]
    first = site["first_comment"]
    assert ann.link == permalink(site["newest"]) + f"#comment-{first.id}"
    assert ann.id == f"{HOST}/?p={site['newest'].id}#comment-{first.id}"
    assert ann.author == "Ann"
    assert ann.content[0].value == "<p>Crispy &amp; hot</p>"
    assert ann.summary == "Crispy & hot"
    stamp = ET.fromstring(client.get("/comments/feed/").data).findtext("channel/item/pubDate")
    assert stamp == "Thu, 01 Feb 2024 09:15:00 +0000"


def test_post_comments_feed(client, site):
    url = permalink(site["newest"]) + "feed/"
    parsed = feed(client, url)
    assert parsed.feed.title == "Comments on: Fish & <Chips>"
    assert parsed.feed.link == permalink(site["newest"])
    assert [e.title for e in parsed.entries] == ["By: Bob <b>", "By: Ann"]
    assert [e.content[0].value for e in parsed.entries] == ["<p>Agreed.</p>",
                                                            "<p>Crispy &amp; hot</p>"]
    reply = site["reply"]
    assert parsed.entries[0].link == permalink(site["newest"]) + f"#comment-{reply.id}"


@pytest.mark.parametrize("kind", ["post", "page"])
def test_comment_feeds_link_to_the_comment_page(app, client, make, kind):
    """Three threads, two to a page: a late reply in thread 1 is on page 1, not
    at the permalink, which shows the last page."""
    app.config["COMMENTS_PER_PAGE"] = 2
    talk = make.post("Talkative", kind=kind)
    start = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
    threads = [make.comment(talk, author_name=f"T{n}", created_at=start + timedelta(hours=n))
               for n in range(3)]
    reply = make.comment(talk, author_name="R", parent=threads[0],
                         created_at=start + timedelta(days=1))
    url = permalink(talk)
    expected = [f"{url}comment-page-1/#comment-{reply.id}", f"{url}#comment-{threads[2].id}",
                f"{url}comment-page-1/#comment-{threads[1].id}",
                f"{url}comment-page-1/#comment-{threads[0].id}"]
    for feed_url in ("/comments/feed/", url.removeprefix(HOST) + "feed/"):
        parsed = feed(client, feed_url)
        assert [e.link for e in parsed.entries] == expected, feed_url
        assert parsed.entries[0].id == f"{HOST}/?p={talk.id}#comment-{reply.id}"


def test_post_comments_feed_of_page(client, site):
    parsed = feed(client, "/about/feed/")
    assert [e.title for e in parsed.entries] == ["By: Di"]


def test_post_comments_feed_protected_is_empty(client, site):
    parsed = feed(client, permalink(site["protected"]) + "feed/")
    assert parsed.entries == []
    assert feed(client, "/hidden-page/feed/").entries == []


@pytest.mark.parametrize("name", ["draft", "future", "private"])
def test_post_comments_feed_invisible_post(client, site, name):
    assert client.get(permalink(site[name]) + "feed/").status_code == 404


def test_post_comments_feed_unknown(client, site):
    assert client.get("/2024/01/15/nothing-here/feed/").status_code == 404
    assert client.get("/2024/02/30/second-post/feed/").status_code == 404
    assert client.get("/no-such-page/feed/").status_code == 404


def test_post_comments_feed_wrong_date_redirects(client, site):
    response = client.get("/2020/01/01/second-post/feed/")
    assert response.status_code == 301
    assert response.headers["Location"] == permalink(site["second"]).removeprefix(HOST) + "feed/"


def test_feed_routes_do_not_collide(client, site):
    """Feeds, comment pages, pages and posts each keep their own URLs."""
    post_url = permalink(site["newest"])
    assert client.get(post_url).headers["Content-Type"].startswith("text/html")
    assert client.get(post_url + "comment-page-1/").status_code == 200
    assert client.get("/about/").headers["Content-Type"].startswith("text/html")
    assert client.get("/feed").status_code in (301, 308)
    assert client.get("/feed").headers["Location"].endswith("/feed/")
    assert client.get("/sitemap.xml/").status_code == 404
    assert client.get("/comments/feed/").headers["Content-Type"].startswith(
        "application/rss+xml")


def test_feed_url_with_control_character(client, site):
    assert client.get("/category/a%01b/feed/").status_code == 404
    assert client.get("/a%00b/feed/").status_code == 404


# Sitemap


def stored_modified(app, post):
    """modified_at as stored now (adding comments touches the post after the fixture)."""
    from dreamweaver.extensions import db
    from dreamweaver.models import Post

    with app.app_context():
        return db.session.get(Post, post.id).modified_at


def test_sitemap(app, client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert_cacheable(response)
    urls = sitemap_urls(response)
    assert list(urls) == [
        f"{HOST}/",
        f"{HOST}/category/art/",
        f"{HOST}/category/science-nature/",
        *(permalink(site[name]) for name in ("newest", "second", "third", "about")),
    ]
    assert all(urls.values())
    newest = site["newest"]
    assert urls[permalink(newest)] == stored_modified(app, newest).isoformat(timespec="seconds")
    art_posts = [site["newest"], site["third"], site["protected"]]
    assert urls[f"{HOST}/category/art/"] == max(
        stored_modified(app, p) for p in art_posts).isoformat(timespec="seconds")


def test_sitemap_empty_site(client):
    assert sitemap_urls(client.get("/sitemap.xml")) == {f"{HOST}/": None}


def test_sitemap_page_without_index(client, site):
    assert client.get("/sitemap-1.xml").status_code == 404


def test_sitemap_index(app, client, site):
    everything = list(sitemap_urls(client.get("/sitemap.xml")))
    assert len(everything) == 7
    app.config["SITEMAP_PAGE_SIZE"] = 2
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == f"{{{SITEMAP['sm']}}}sitemapindex"
    pages = [loc.text for loc in root.findall("sm:sitemap/sm:loc", SITEMAP)]
    assert pages == [f"{HOST}/sitemap-{n}.xml" for n in range(1, 5)]
    listed = []
    for page in pages:
        part = client.get(page.removeprefix(HOST))
        assert part.status_code == 200
        assert_cacheable(part)
        urls = list(sitemap_urls(part))
        assert 1 <= len(urls) <= 2
        listed += urls
    assert listed == everything
    assert client.get("/sitemap-0.xml").status_code == 404
    assert client.get("/sitemap-5.xml").status_code == 404


def test_sitemap_index_page_size_one(app, client, site):
    app.config["SITEMAP_PAGE_SIZE"] = 1
    everything = [u for n in range(1, 8)
                  for u in sitemap_urls(client.get(f"/sitemap-{n}.xml"))]
    app.config["SITEMAP_PAGE_SIZE"] = 100
    assert everything == list(sitemap_urls(client.get("/sitemap.xml")))


def test_sitemap_pages_hold_2000_urls_by_default(app, client, runner):
    """WordPress's page size: a page is quick to build on a cache miss (50,000
    URLs took a worker two seconds of CPU)."""
    result = runner.invoke(args=["seed-bench", "--posts", "2000", "--comments", "0"])
    assert result.exit_code == 0, result.output
    index = text(client.get("/sitemap.xml"))
    assert "<sitemapindex" in index and index.count("<sitemap>") == 2
    assert len(list(sitemap_urls(client.get("/sitemap-1.xml")))) == 2000


# robots.txt


def test_robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Set-Cookie" not in response.headers
    lines = text(response).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /partials/" in lines
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    assert client.get("/robots.txt/").status_code == 404


# Links in each page's head


LINK = re.compile(r'<link rel="alternate" type="application/rss\+xml" title="([^"]*)" '
                  r'href="([^"]*)">')


def head_feeds(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    head = text(response).split("</head>")[0]
    return LINK.findall(head)


def test_head_links_home(client, site):
    assert head_feeds(client, "/") == [
        ("Psychedelic Dreamweaver &raquo; Feed", "/feed/"),
        ("Psychedelic Dreamweaver &raquo; Comments Feed", "/comments/feed/"),
    ]


def test_head_links_category(client, site):
    assert head_feeds(client, "/category/science-nature/")[2:] == [
        ("Psychedelic Dreamweaver &raquo; Science &amp; Nature Category Feed",
         "/category/science-nature/feed/"),
    ]


def test_head_links_post_and_page(client, site):
    path = permalink(site["newest"]).removeprefix(HOST)
    assert head_feeds(client, path)[2:] == [
        ("Psychedelic Dreamweaver &raquo; Fish &amp; &lt;Chips&gt; Comments Feed",
         path + "feed/"),
    ]
    assert head_feeds(client, "/about/")[2:] == [
        ("Psychedelic Dreamweaver &raquo; About Comments Feed", "/about/feed/"),
    ]


def test_head_links_elsewhere(client, site):
    assert len(head_feeds(client, "/2024/")) == 2
    assert len(head_feeds(client, "/2024/01/15/")) == 2
    response = client.get("/category/nope/")
    assert response.status_code == 404
    assert "/category/nope/feed/" not in text(response)


def test_head_links_resolve(client, site):
    for path in ("/category/art/", permalink(site["second"]).removeprefix(HOST), "/about/"):
        for _title, href in head_feeds(client, path):
            assert client.get(href).status_code == 200, href


def test_sitemap_query_count(client, make, count_queries):
    """Counts, then the window's categories and posts: never a query per URL."""
    art = make.category("Art")
    for n in range(6):
        make.post(f"Post {n}", categories=[art])
    with count_queries as counter:
        assert len(sitemap_urls(client.get("/sitemap.xml"))) == 8
    assert counter.count <= 5


# Caching


def test_cached_feeds_follow_new_content(cached_app, make):
    client = cached_app.test_client()
    first = make.post("First words")
    assert [e.title for e in feed(client, "/feed/").entries] == ["First words"]
    assert len(sitemap_urls(client.get("/sitemap.xml"))) == 2
    make.post("Second words", published_at=first.published_at + timedelta(hours=1))
    assert [e.title for e in feed(client, "/feed/").entries] == ["Second words", "First words"]
    assert len(sitemap_urls(client.get("/sitemap.xml"))) == 3
    make.comment(first, author_name="Ann")
    assert [e.title for e in feed(client, "/comments/feed/").entries] == [
        "Comment on First words by Ann"]


def test_cached_feeds_per_host(cached_app, make):
    client = cached_app.test_client()
    make.post("Hello")
    assert feed(client, "/feed/").entries[0].link.startswith("http://localhost/")
    response = cached_app.test_client().get("/feed/", base_url="https://example.org")
    assert feedparser.parse(response.data).entries[0].link.startswith("https://example.org/")
    assert feed(client, "/feed/").entries[0].link.startswith("http://localhost/")


def test_cached_feed_404_not_kept(cached_app, make):
    client = cached_app.test_client()
    assert client.get("/category/late/feed/").status_code == 404
    make.category("Late")
    assert client.get("/category/late/feed/").status_code == 200


def test_post_comments_feed_old_slug_redirects(app, client, site):
    with app.app_context():
        db.session.add(OldSlug(post_id=site["second"].id, slug="earlier-name"))
        db.session.commit()
    local = site["second"].published_local
    response = client.get(f"/{local:%Y/%m/%d}/earlier-name/feed/")
    assert response.status_code == 301
    assert response.headers["Location"] == permalink(site["second"]).removeprefix(HOST) + "feed/"
