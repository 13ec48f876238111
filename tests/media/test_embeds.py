"""Click-to-load video embeds (issue 18, item 10): which addresses become a
card, what the card holds (and never loads), where it is kept a plain link,
and the CSP of the pages that hold one, cached or not."""

import re
import time
from datetime import datetime
from html.parser import HTMLParser

import feedparser
import pytest
import sqlalchemy as sa

from dreamweaver import publishing
from dreamweaver.extensions import db
from dreamweaver.markup import render, render_teaser, text_of, to_html
from dreamweaver.media.embeds import (
    VIMEO,
    YOUTUBE,
    as_links,
    card,
    embed_videos,
    frame_origins,
    parse,
)
from dreamweaver.models import Post, User
from dreamweaver.sanitize import clean_post
from dreamweaver.security import CONTENT_SECURITY_POLICY, allow_frames, content_security_policy
from dreamweaver.wxr.content import prepare
from tests.support.auth import csrf_token
from tests.support.comment_client import permalink
from tests.support.settings import app_with_cache
from tests.support.wxr_files import import_file, item_xml, write_wxr

ID = "dQw4w9WgXcQ"
NOCOOKIE = "https://www.youtube-nocookie.com"
VIMEO_PLAYER = "https://player.vimeo.com"


# --- Which addresses are videos ------------------------------------------------

@pytest.mark.parametrize(("url", "provider", "video_id", "start"), [
    (f"https://www.youtube.com/watch?v={ID}", YOUTUBE, ID, 0),
    (f"http://youtube.com/watch?v={ID}", YOUTUBE, ID, 0),
    (f"https://m.youtube.com/watch?v={ID}&feature=share", YOUTUBE, ID, 0),
    (f"https://www.youtube.com/watch?v={ID}&t=90", YOUTUBE, ID, 90),
    (f"https://www.youtube.com/watch?t=1m30s&v={ID}", YOUTUBE, ID, 90),
    (f"https://www.youtube.com/watch?v={ID}&start=75", YOUTUBE, ID, 75),
    (f"https://youtu.be/{ID}", YOUTUBE, ID, 0),
    (f"https://youtu.be/{ID}?t=1h2m3s", YOUTUBE, ID, 3723),
    (f"https://youtu.be/{ID}?si=AbCdEf", YOUTUBE, ID, 0),
    (f"https://www.youtube.com/embed/{ID}?start=12", YOUTUBE, ID, 12),
    (f"https://www.youtube.com/shorts/{ID}", YOUTUBE, ID, 0),
    (f"https://www.youtube-nocookie.com/embed/{ID}", YOUTUBE, ID, 0),
    (f"https://youtube-nocookie.com/embed/{ID}", YOUTUBE, ID, 0),
    (f"HTTPS://WWW.YOUTUBE.COM/watch?v={ID}", YOUTUBE, ID, 0),
    ("https://vimeo.com/76979871", VIMEO, "76979871", 0),
    ("https://vimeo.com/76979871#t=30s", VIMEO, "76979871", 30),
    ("https://player.vimeo.com/video/76979871", VIMEO, "76979871", 0),
    (f"  https://youtu.be/{ID}\n", YOUTUBE, ID, 0),
])
def test_parse_recognises_videos(url, provider, video_id, start):
    video = parse(url)
    assert (video.provider, video.id, video.start) == (provider, video_id, start)


@pytest.mark.parametrize("url", [
    f"javascript:alert(1)//https://youtu.be/{ID}",
    f"javascript://youtu.be/{ID}",
    f"data:text/html,https://youtu.be/{ID}",
    f"ftp://youtu.be/{ID}",
    f"//youtu.be/{ID}",
    f"youtu.be/{ID}",
    f"https://youtube.com.evil.example/watch?v={ID}",
    f"https://evil.example/watch?v={ID}",
    f"https://evilyoutube.com/watch?v={ID}",
    f"https://youtu.be.evil.example/{ID}",
    f"https://www.youtube.com@evil.example/watch?v={ID}",
    f"https://user:pw@www.youtube.com/watch?v={ID}",
    f"https://evil.example/?u=https://youtu.be/{ID}",
    f"https://www.youtube.com./watch?v={ID}",
    f"https://www.youtube.com:8443/watch?v={ID}",
    f"https://www.youtube.com:443/watch?v={ID}",
    f"https://www.youtube.com\\@evil.example/watch?v={ID}",
    "https://ｙｏｕｔｕｂｅ.com/watch?v=" + ID,
    f"https://www.youtube.com/watch?v={ID}<script>",
    "https://www.youtube.com/watch?v=dQw4w9WgXc",  # 10 characters
    "https://www.youtube.com/watch?v=dQw4w9WgXcQQ",  # 12
    "https://www.youtube.com/watch?v=dQw4w9WgXc%22",
    "https://www.youtube.com/watch?v=dQw4w9Wg\"cQ",
    f"https://www.youtube.com/watch?v={ID}&v=aaaaaaaaaaa",  # which one?
    f"https://www.youtube.com/watch?x={ID}",
    f"https://www.youtube.com/{ID}",
    f"https://youtu.be/{ID}/more",
    f"https://youtu.be/watch?v={ID}",
    f"https://www.youtube-nocookie.com/shorts/{ID}",
    f"https://www.youtube.com/watch?v={ID} and more",
    "https://vimeo.com/7697987a",
    "https://vimeo.com/channels/staffpicks",
    "https://vimeo.com/",
    "https://vimeo.com/1234567890123",  # more digits than any id
    "https://vimeo.com.evil.example/76979871",
    "https://player.vimeo.com/76979871",
    "https://player.vimeo.com/video/76979871?h=<x>",
    "https://vimeo.com/76979871/NOTHEX",
    "",
    "not a url",
])
def test_parse_refuses_everything_else(url):
    assert parse(url) is None


def test_parse_bounded_on_long_input():
    started = time.perf_counter()
    assert parse(f"https://youtu.be/{ID}?t=" + "1" * 1_000_000) is None
    assert parse(f"https://www.youtube.com/watch?v={ID}&" + "a=1&" * 20) is None  # too many fields
    assert time.perf_counter() - started < 0.5


def test_start_times_out_of_reason_are_dropped():
    assert parse(f"https://youtu.be/{ID}?t=99999999").start == 0
    assert parse(f"https://youtu.be/{ID}?t=soon").start == 0
    assert parse(f"https://youtu.be/{ID}?t=0").start == 0


def test_player_and_watch_addresses():
    video = parse(f"https://youtu.be/{ID}?t=42")
    assert video.player_url == f"{NOCOOKIE}/embed/{ID}?start=42"
    assert video.watch_url == f"https://www.youtube.com/watch?v={ID}&t=42s"
    unlisted = parse("https://vimeo.com/76979871/abc123def#t=1m")
    assert unlisted.player_url == f"{VIMEO_PLAYER}/video/76979871?h=abc123def&dnt=1#t=60s"
    assert unlisted.watch_url == "https://vimeo.com/76979871/abc123def#t=60s"
    assert parse("https://player.vimeo.com/video/5?h=ff").vimeo_hash == "ff"


# --- The card ----------------------------------------------------------------

class Attributes(HTMLParser):
    """Every (tag, attribute, value) of a document."""

    def __init__(self, markup):
        super().__init__()
        self.found = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value or "") for name, value in attrs]


THIRD_PARTY = re.compile(r"youtube(-nocookie)?\.com|youtu\.be|vimeo\.com", re.I)


def third_party_attributes(markup: str) -> set[tuple[str, str]]:
    """(tag, attribute) of every attribute naming a video site."""
    return {(tag, name) for tag, name, value in Attributes(markup).found
            if THIRD_PARTY.search(value)}


def test_card_links_to_the_video_and_loads_nothing():
    markup = card(parse(f"https://youtu.be/{ID}?t=5"))
    # Only the link goes there; the player's address waits in a data attribute.
    assert third_party_attributes(markup) == {("a", "href"), ("figure", "data-embed-src")}
    assert "<img" not in markup and "<iframe" not in markup and "<script" not in markup
    assert f'href="https://www.youtube.com/watch?v={ID}&amp;t=5s"' in markup
    assert "Watch on YouTube" in markup
    assert '<button class="video-embed-load" type="button" hidden>Load video</button>' in markup
    assert f'data-embed-src="{NOCOOKIE}/embed/{ID}?start=5"' in markup


def test_markdown_bare_address_becomes_a_card():
    html = render(f"Look:\n\nhttps://www.youtube.com/watch?v={ID}&t=30\n\nThat was it.", "markdown")
    assert html.startswith("<p>Look:</p>\n<figure class=\"video-embed\"")
    assert f'data-embed-src="{NOCOOKIE}/embed/{ID}?start=30"' in html
    assert html.endswith("<p>That was it.</p>")
    assert frame_origins(html) == (NOCOOKIE,)


def test_markdown_angle_autolink_and_vimeo():
    html = render("<https://vimeo.com/76979871>\n\nhttps://youtu.be/" + ID, "markdown")
    assert html.count('class="video-embed"') == 2
    assert frame_origins(html) == (VIMEO_PLAYER, NOCOOKIE)


def test_html_bare_address_becomes_a_card():
    html = render(f"<p>Intro</p>\n<p>\n  https://www.youtube.com/watch?v={ID}&amp;t=1m\n</p>",
                  "html")
    assert f'data-embed-src="{NOCOOKIE}/embed/{ID}?start=60"' in html
    assert "<p>Intro</p>" in html


@pytest.mark.parametrize(("source", "fmt"), [
    (f"Watch https://youtu.be/{ID} now.", "markdown"),  # in a sentence
    (f"[my video](https://youtu.be/{ID})", "markdown"),  # a link with words
    (f"[https://youtu.be/{ID}](https://evil.example/)", "markdown"),  # says one, goes elsewhere
    (f"- https://youtu.be/{ID}", "markdown"),  # a list item
    (f"    https://youtu.be/{ID}", "markdown"),  # code
    (f"`https://youtu.be/{ID}`", "markdown"),
    (f"**https://youtu.be/{ID}**", "markdown"),
    (f"https://youtu.be/{ID}\nhttps://youtu.be/{ID}", "markdown"),  # two in one paragraph
    ("https://example.org/watch?v=" + ID, "markdown"),
    (f"<p><a href=\"https://youtu.be/{ID}\" title=\"x\">https://youtu.be/{ID}</a></p>", "html"),
    (f"<p id=\"v\">https://youtu.be/{ID}</p>", "html"),
    (f"<blockquote>https://youtu.be/{ID}</blockquote>", "html"),
    (f"<p>javascript:alert(1)//youtu.be/{ID}</p>", "html"),
    (f"<p>https://youtube.com.evil.example/watch?v={ID}</p>", "html"),
])
def test_anything_else_stays_as_it_was(source, fmt):
    assert render(source, fmt) == clean_post(to_html(source, fmt))
    assert "video-embed" not in render(source, fmt)


def test_author_cannot_write_a_card_of_their_own():
    """The post policy drops the card's markup from a source: no fake card, no
    widened CSP from an author's data-embed-src."""
    forged = ('<figure class="video-embed" data-embed-src="https://evil.example/">'
              '<a class="video-embed-link" href="https://evil.example/">x</a>'
              '<button class="video-embed-load" type="button" hidden>Load video</button></figure>')
    html = render(forged, "html")
    assert "data-embed-src" not in html and "<button" not in html and frame_origins(html) == ()


@pytest.mark.parametrize("source", [
    f"<p>[embed]https://youtu.be/{ID}[/embed]</p>",
    f'<p>[embed width="560" height="315"]https://youtu.be/{ID}[/embed]</p>',
    f"<p>[embed] https://youtu.be/{ID} [/embed]</p>",
    f"[embed]https://youtu.be/{ID}[/embed]",  # no paragraph yet: the import's autop makes one
])
def test_embed_shortcode_in_html(source):
    html = render(prepare(source) if not source.startswith("<p>") else source, "html")
    assert f'data-embed-src="{NOCOOKIE}/embed/{ID}"' in html and "[embed" not in html


def test_embed_shortcode_in_markdown():
    for source in (f"[embed]https://youtu.be/{ID}[/embed]", f"[embed]<https://youtu.be/{ID}>[/embed]"):
        html = render(source, "markdown")
        assert f'data-embed-src="{NOCOOKIE}/embed/{ID}"' in html, html


@pytest.mark.parametrize("source", [
    "<p>[embed]https://example.org/video[/embed]</p>",  # not a video: left to the reader
    f"<p>[embed]https://youtu.be/{ID}</p>",  # never closed
    f"<p>https://youtu.be/{ID}[/embed]</p>",  # never opened
    f"<p>[embedded]https://youtu.be/{ID}[/embedded]</p>",
])
def test_embed_shortcode_that_does_not_fit_stays(source):
    assert "video-embed" not in render(source, "html")


def test_wordpress_content_bare_line_and_shortcode():
    """WordPress content as the import stores it: autop's paragraphs, the
    shortcode tag dropped by the import or kept by an author."""
    content = (f"Before.\n\nhttps://youtu.be/{ID}\n\n[embed]https://vimeo.com/76979871[/embed]"
               "\n\nAfter.")
    html = render(prepare(content), "html")
    assert html.count('class="video-embed"') == 2
    assert frame_origins(html) == (VIMEO_PLAYER, NOCOOKIE)


GUTENBERG = """<!-- wp:embed {{"url":"{url}","type":"video"}} -->
<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">
{url}
</div>{caption}</figure>
<!-- /wp:embed -->"""


def test_wordpress_embed_block():
    """WordPress's block editor exports an embed as a figure around the address."""
    plain = GUTENBERG.format(url=f"https://www.youtube.com/watch?v={ID}", caption="")
    html = render(prepare(plain), "html")
    assert html.strip() == card(parse(f"https://youtu.be/{ID}"))
    captioned = GUTENBERG.format(
        url="https://vimeo.com/76979871",
        caption='<figcaption class="wp-element-caption">Rain &amp; fog</figcaption>')
    html = render(prepare(captioned), "html")
    assert 'class="video-embed"' in html
    assert html.strip().endswith('<p class="wp-caption-text">Rain &amp; fog</p>')


@pytest.mark.parametrize("caption", ["<figcaption>With <em>markup</em></figcaption>",
                                     "<figcaption>x</figcaption><p>more</p>"])
def test_wordpress_embed_block_with_more_stays(caption):
    source = GUTENBERG.format(url=f"https://youtu.be/{ID}", caption=caption)
    assert "video-embed" not in render(prepare(source), "html")


def test_wordpress_address_on_a_line_of_its_own():
    """WordPress embeds an address alone on its line inside a paragraph too."""
    html = render(prepare(f"One\nhttps://youtu.be/{ID}\nThree &amp; four\nFive"), "html")
    assert html.startswith("<p>One</p>\n<figure class=\"video-embed\"")
    assert html.endswith("</figure>\n<p>Three &amp; four<br>\nFive</p>")
    unchanged = "<p>One<br>\nhttps://example.org/x<br>\n<em>three</em></p>"
    assert render(unchanged, "html") == clean_post(unchanged)
    styled = f"<p><em>One<br>\nhttps://youtu.be/{ID}</em></p>"  # a break inside an element
    assert "video-embed" not in render(styled, "html")


def test_teaser_gets_cards_too():
    source = f"https://youtu.be/{ID}\n\n<!--more-->\n\nThe rest."
    assert frame_origins(render_teaser(source, "markdown")) == (NOCOOKIE,)


def test_transformation_is_idempotent():
    html = render(f"https://youtu.be/{ID}", "markdown")
    assert embed_videos(html) == html


def test_plain_text_and_links_are_the_address():
    html = render(f"Intro.\n\nhttps://youtu.be/{ID}?t=3", "markdown")
    watch = f"https://www.youtube.com/watch?v={ID}&amp;t=3s"
    assert as_links(html) == f'<p>Intro.</p>\n<p><a href="{watch}">{watch}</a></p>'
    assert text_of(html) == f"Intro. https://www.youtube.com/watch?v={ID}&t=3s"


def test_cost_is_bounded_on_hostile_html():
    """Half a megabyte built to make a careless pattern backtrack: well under a second."""
    hostile = [
        "<p>" + "[embed " * 70_000,
        "<p>" + "a" * 2_099 + " " * 2_000 + "x" + "</p>",
        ("<p>" + " " * 1_000 + "https://youtu.be/" + "x" * 2_000 + " " * 1_000) * 100,
        '<p><a href="' + '"' * 400_000,
        ("<p>[embed]" + "h" * 2_099 + "[/embed" + " " * 500) * 150,
        "<p>https://youtu.be/" + ID + "</p>" * 100_000,
        "<p>" + "line<br>" * 80_000,
        ("<p>" + "a" * 3_000 + "<br>") * 150,
        "<figure><div>" * 40_000,
        ("<figure><div>" + "u" * 2_200 + "</div><figcaption>" + "c" * 2_100) * 100,
        ("<p>x<br>\nhttps://youtu.be/" + ID + "<br>\n") * 15_000 + "</p>",
    ]
    for markup in hostile:
        started = time.perf_counter()
        embed_videos(markup[:500_000])
        as_links(markup[:500_000])
        frame_origins(markup[:500_000])
        # Linear work takes milliseconds; a pattern that backtracks, minutes.
        assert time.perf_counter() - started < 1, markup[:40]


def test_many_videos_render_in_bounded_time():
    source = "\n\n".join(f"https://youtu.be/{ID}" for _ in range(2_000))
    started = time.perf_counter()
    html = render(source, "markdown")
    assert html.count("<figure") == 2_000
    assert time.perf_counter() - started < 2


# --- Through a save, on pages, in feeds ----------------------------------------

def save_post(app, source, fmt="markdown", title="Video post", password=""):
    with app.app_context():
        author = User(login="writer", display_name="Writer", slug="writer", role="author")
        db.session.add(author)
        post = publishing.save(
            Post(type="post", status="draft", sticky=False, password="", format=fmt),
            author=author, title=title, slug="", source=source, fmt=fmt, excerpt="",
            categories=[], tags=[], status="published",
            published=datetime(2024, 3, 5, 10), comments_open=True, sticky=False,
            password=password)
        db.session.commit()
        db.session.refresh(post)
        db.session.expunge(post)
        return post


def test_save_stores_cards_and_plain_text(app):
    post = save_post(app, f"A film.\n\nhttps://youtu.be/{ID}\n\n<!--more-->\n\nMore.")
    assert 'class="video-embed"' in post.content_html
    assert 'class="video-embed"' in post.teaser_html
    assert "Load video" not in post.content_text and "Watch on" not in post.content_text
    assert f"https://www.youtube.com/watch?v={ID}" in post.content_text
    assert post.embed_origins == (NOCOOKIE,)


def test_imported_wordpress_post_shows_cards(app, client, runner, tmp_path):
    content = (f"A film.\n\n[embed width=\"560\" height=\"315\"]https://youtu.be/{ID}[/embed]"
               "\n\nhttps://vimeo.com/76979871\n\nThe end.")
    wxr = write_wxr(tmp_path / "films.xml", item_xml(7, "Films", slug="films", content=content))
    result = import_file(runner, wxr)
    assert result.exit_code == 0, result.output
    with app.app_context():
        post = db.session.get(Post, 7)
        assert post.format == "html" and post.embed_origins == (VIMEO_PLAYER, NOCOOKIE)
        url = permalink(app, post)
    response = client.get(url)
    assert response.get_data(as_text=True).count('class="video-embed"') == 2
    assert directive(csp_of(response), "frame-src") == f"frame-src {VIMEO_PLAYER} {NOCOOKIE}"


@pytest.mark.parametrize("origin", ["http://player.vimeo.com", "https://x.example; script-src *",
                                    "https://x.example/path", "'self'", "*", "https://"])
def test_allow_frames_takes_https_origins_only(app, origin):
    with app.test_request_context():
        with pytest.raises(ValueError):
            allow_frames(origin)
        assert content_security_policy() == CONTENT_SECURITY_POLICY


def test_allow_frames_adds_up_for_one_request(app):
    with app.test_request_context():
        allow_frames(NOCOOKIE)
        allow_frames(VIMEO_PLAYER, NOCOOKIE)
        assert content_security_policy() == \
            f"{CONTENT_SECURITY_POLICY}; frame-src {VIMEO_PLAYER} {NOCOOKIE}"
    with app.test_request_context():
        assert content_security_policy() == CONTENT_SECURITY_POLICY


def csp_of(response) -> str:
    return response.headers["Content-Security-Policy"]


def directive(csp: str, name: str) -> str | None:
    found = [part.strip() for part in csp.split(";") if part.strip().split(" ")[0] == name]
    return found[0] if found else None


def test_post_page_with_a_video(app, client):
    post = save_post(app, f"A film.\n\nhttps://youtu.be/{ID}\n\nhttps://vimeo.com/76979871")
    response = client.get(permalink(app, post))
    assert response.status_code == 200
    csp = csp_of(response)
    assert directive(csp, "frame-src") == f"frame-src {VIMEO_PLAYER} {NOCOOKIE}"
    # The rest is the site's policy as ever.
    assert csp.startswith(CONTENT_SECURITY_POLICY + ";")
    page = response.get_data(as_text=True)
    assert re.search(r'<script src="/static/js/embeds\.js\?v=\w+" data-frame-src="'
                     + re.escape(f"{VIMEO_PLAYER} {NOCOOKIE}") + '" defer></script>', page)
    assert page.count('class="video-embed"') == 2


def test_only_the_players_on_the_page_are_allowed(app, client):
    post = save_post(app, "https://vimeo.com/76979871", fmt="markdown")
    assert directive(csp_of(client.get(permalink(app, post))), "frame-src") == \
        f"frame-src {VIMEO_PLAYER}"


def test_pages_without_a_video_keep_the_policy(app, client, make):
    post = make.post("Plain", source=f"Only a [link](https://youtu.be/{ID}).")
    for url in (permalink(app, post), "/", "/feed/", "/nowhere/"):
        response = client.get(url)
        assert csp_of(response) == CONTENT_SECURITY_POLICY, url
        assert "embeds.js" not in response.get_data(as_text=True)


def test_locked_post_frames_nothing(app, client):
    post = save_post(app, f"https://youtu.be/{ID}", password="open sesame")
    response = client.get(permalink(app, post))
    assert csp_of(response) == CONTENT_SECURITY_POLICY
    assert "video-embed" not in response.get_data(as_text=True)


def test_listing_with_a_video_teaser(app, client, make):
    save_post(app, f"https://youtu.be/{ID}\n\n<!--more-->\n\nThe rest.")
    make.post("Another", source="Nothing to watch.")
    home = client.get("/")
    assert directive(csp_of(home), "frame-src") == f"frame-src {NOCOOKIE}"
    assert "Load video" in home.get_data(as_text=True)
    # Every listing that shows the teaser: an archive too.
    category = client.get("/category/uncategorized/")
    assert directive(csp_of(category), "frame-src") == f"frame-src {NOCOOKIE}"


def test_listing_without_teaser_cards(app, client):
    """A post without <!--more--> is listed by its automatic excerpt, which is
    text: no card, and the page keeps the plain policy."""
    save_post(app, f"Words first.\n\nhttps://youtu.be/{ID}")
    home = client.get("/")
    assert csp_of(home) == CONTENT_SECURITY_POLICY
    assert "video-embed" not in home.get_data(as_text=True)


def test_search_snippet_frames_nothing(app, client):
    save_post(app, f"Dreams of flying.\n\nhttps://youtu.be/{ID}\n\n<!--more-->\n\nMore.")
    found = client.get("/?s=flying")
    assert "Dreams of" in found.get_data(as_text=True)
    assert csp_of(found) == CONTENT_SECURITY_POLICY


def test_cached_pages_keep_their_own_policy(app, cached_app):
    post = save_post(app, f"https://youtu.be/{ID}")
    client = cached_app.test_client()
    url = permalink(cached_app, post)
    first, second = client.get(url), client.get(url)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert csp_of(second) == csp_of(first)
    assert directive(csp_of(second), "frame-src") == f"frame-src {NOCOOKIE}"
    assert second.data == first.data
    # A page without a video (the home page shows this one's excerpt), cached
    # beside it, keeps the plain policy on a hit.
    home_first, home_second = client.get("/"), client.get("/")
    assert home_second.headers["X-Cache"] == "hit"
    assert csp_of(home_first) == csp_of(home_second) == CONTENT_SECURITY_POLICY
    assert "embeds.js" not in home_second.get_data(as_text=True)


def test_cached_article_fragment_still_widens_the_policy(app, database_uri):
    """With the article's fragment and the post's columns cached but not the
    page, the view knows the players without reading the post's HTML."""
    post = save_post(app, f"https://youtu.be/{ID}")
    worker = app_with_cache(database_uri, PAGE_CACHE=False)
    client = worker.test_client()
    url = permalink(worker, post)
    client.get(url)
    with worker.app_context():
        engine = db.engine
    statements = []

    def seen(*args):
        statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        again = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert directive(csp_of(again), "frame-src") == f"frame-src {NOCOOKIE}"
    assert 'class="video-embed"' in again.get_data(as_text=True)
    assert not [s for s in statements if "content_html" in s]


# Attributes a browser fetches (or navigates a frame or form to) by itself.
FETCHED = {"src", "srcset", "poster", "data", "action", "formaction", "background", "href"}


def test_page_before_the_click_loads_nothing_from_the_video_sites(app, client):
    post = save_post(app, f"https://youtu.be/{ID}\n\nhttps://vimeo.com/76979871")
    page = client.get(permalink(app, post)).get_data(as_text=True)
    named = third_party_attributes(page)
    # A link's href waits for a click; so do the script's and the card's data.
    assert {(tag, name) for tag, name in named if name in FETCHED} == {("a", "href")}
    assert "<iframe" not in page and "<img" not in page.split('id="post"')[1]


def test_feeds_carry_the_link_not_the_button(app, client):
    save_post(app, f"Watch this.\n\nhttps://youtu.be/{ID}")
    for url in ("/feed/", "/feed/atom/"):
        body = client.get(url).get_data(as_text=True)
        parsed = feedparser.parse(body)
        content = parsed.entries[0].content[0].value
        watch = f"https://www.youtube.com/watch?v={ID}"
        assert f'<a href="{watch}">{watch}</a>' in content, url
        assert "<button" not in content and "video-embed" not in content
        assert "Load video" not in parsed.entries[0].get("summary", "")


def test_export_carries_the_link(app, runner, tmp_path):
    save_post(app, f"https://youtu.be/{ID}")
    out = tmp_path / "site.xml"
    result = runner.invoke(args=["export-wxr", str(out)])
    assert result.exit_code == 0, result.output
    exported = out.read_text()
    assert f"https://www.youtube.com/watch?v={ID}" in exported
    assert "Load video" not in exported and "video-embed" not in exported


def test_post_written_before_embeds_keeps_its_html_until_saved(app, client, make):
    """Stored HTML is what pages show: a post rendered before this change (a
    plain link paragraph) shows as it was, with the site's policy, until saved."""
    post = make.post("Old one", source="x")
    with app.app_context():
        stored = db.session.get(Post, post.id)
        stored.content_html = f'<p><a href="https://youtu.be/{ID}">https://youtu.be/{ID}</a></p>'
        db.session.commit()
    response = client.get(permalink(app, post))
    assert csp_of(response) == CONTENT_SECURITY_POLICY
    assert "video-embed" not in response.get_data(as_text=True)


def test_admin_preview_shows_the_card(client, auth):
    auth.login()
    token = csrf_token(client, "/admin/posts/new")
    response = client.post("/admin/posts/preview", headers={"X-CSRFToken": token}, data={
        "source": f"https://youtu.be/{ID}", "format": "markdown"})
    assert response.status_code == 200
    assert 'class="video-embed"' in response.get_data(as_text=True)
