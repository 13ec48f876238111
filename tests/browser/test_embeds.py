"""Click-to-load videos in a real browser (issue 18, item 10): nothing reaches
the video site before the reader presses "Load video", the player then takes
the card's place in the same box, sandboxed and allowed by the page's CSP;
without JavaScript the card is a link. The video sites are never reached:
every request off 127.0.0.1 is answered here or refused."""

import re
import threading
from datetime import datetime

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from werkzeug.serving import make_server

from dreamweaver import create_app, publishing
from dreamweaver.extensions import db
from dreamweaver.models import Post, User
from tests.support.browser import watch_console
from tests.support.comment_client import permalink
from tests.support.settings import TEST_SETTINGS

ID = "dQw4w9WgXcQ"
PLAYER = f"https://www.youtube-nocookie.com/embed/{ID}?start=30"
OFF_SITE = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")


def save(author, title, source, published):
    post = publishing.save(
        Post(type="post", status="draft", sticky=False, password="", format="markdown"),
        author=author, title=title, slug="", source=source, fmt="markdown", excerpt="",
        categories=[], tags=[], status="published", published=published,
        comments_open=True, sticky=False, password="")
    db.session.flush()
    return post


@pytest.fixture(scope="module")
def video_site(tmp_path_factory):
    """A site of its own, one post a page: the newest shows a YouTube video
    before its <!--more-->, the one before it a Vimeo video."""
    database = tmp_path_factory.mktemp("embeds") / "site.sqlite"
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "POSTS_PER_PAGE": 1})
    with app.app_context():
        upgrade()
        author = User(login="filmer", display_name="Filmer", slug="filmer", role="author")
        db.session.add(author)
        youtube = save(author, "A film to watch",
                       f"Before the film.\n\nhttps://www.youtube.com/watch?v={ID}&t=30\n\n"
                       "<!--more-->\n\nAfter the film.", datetime(2024, 5, 2, 9))
        save(author, "Another film", "https://vimeo.com/76979871\n\n<!--more-->\n\nMore.",
             datetime(2024, 5, 1, 9))
        db.session.commit()
        path = permalink(app, youtube)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", path
    server.shutdown()


def keep_off_the_network(page):
    """Off-site requests, recorded; the player's answered by a stand-in page,
    any other refused."""
    off_site = []

    def answer(route):
        off_site.append(route.request.url)
        if route.request.url.startswith("https://www.youtube-nocookie.com/embed/"):
            route.fulfill(status=200, content_type="text/html",
                          body="<!doctype html><title>Player</title><p>Stand-in player</p>")
        else:
            route.abort()

    page.route(OFF_SITE, answer)
    return off_site


def test_load_video_replaces_the_card_with_the_sandboxed_player(page, video_site):
    base, path = video_site
    problems = watch_console(page)
    off_site = keep_off_the_network(page)
    page.goto(base + path)
    page.wait_for_load_state("load")
    card = page.locator("#content .video-embed")
    expect(card.get_by_role("link", name=re.compile("Watch on YouTube"))).to_have_attribute(
        "href", f"https://www.youtube.com/watch?v={ID}&t=30s")
    button = card.get_by_role("button", name="Load video")
    expect(button).to_be_visible()
    assert off_site == []  # nothing asked of the video site before the click
    before = card.bounding_box()
    assert abs(before["width"] / before["height"] - 16 / 9) < 0.02

    button.click()
    frame = page.locator("#content .video-embed iframe")
    expect(frame).to_have_attribute("src", PLAYER)
    expect(frame).to_have_attribute(
        "sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups")
    expect(frame).to_have_attribute("allow", "fullscreen; picture-in-picture")
    expect(frame).to_have_attribute("loading", "lazy")
    expect(frame).to_have_attribute("referrerpolicy", "strict-origin-when-cross-origin")
    expect(frame).to_have_attribute("title", "YouTube video player")
    expect(page.frame_locator("#content .video-embed iframe").get_by_text("Stand-in player")) \
        .to_be_visible()
    assert off_site == [PLAYER]
    after = frame.bounding_box()
    assert abs(after["height"] - before["height"]) <= 2 and abs(after["y"] - before["y"]) <= 1
    assert card.get_by_role("button").count() == 0
    assert problems == [] and page.evaluate("window.__csp") == []


def test_without_javascript_the_card_is_a_link(browser, video_site):
    base, path = video_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        off_site = keep_off_the_network(page)
        page.goto(base + path)
        card = page.locator("#content .video-embed")
        link = card.get_by_role("link", name=re.compile("Watch on YouTube"))
        expect(link).to_have_attribute("href", f"https://www.youtube.com/watch?v={ID}&t=30s")
        expect(card.locator("button")).to_be_hidden()
        assert page.locator("iframe").count() == 0 and off_site == []
    finally:
        context.close()


def test_a_card_this_page_may_not_frame_stays_a_link(page, video_site):
    """The home page allows YouTube's player (its teaser holds one); the older
    page swapped in by htmx holds a Vimeo video, which this document's CSP does
    not allow: its card offers no button, and nothing is blocked or reported."""
    base, _ = video_site
    problems = watch_console(page)
    off_site = keep_off_the_network(page)
    page.goto(base + "/")
    page.wait_for_load_state("load")
    expect(page.locator(".video-embed").get_by_role("button", name="Load video")).to_be_visible()
    page.evaluate("window.__marker = 'no reload'")
    page.get_by_role("link", name=re.compile("Older posts")).click()
    page.wait_for_url(re.compile(r"/page/2/$"))
    vimeo = page.locator(".video-embed", has=page.locator("a[href^='https://vimeo.com/']"))
    expect(vimeo).to_be_visible()
    assert page.evaluate("window.__marker") == "no reload"  # swapped in, not loaded
    expect(vimeo.locator("button")).to_be_hidden()
    assert off_site == [] and problems == [] and page.evaluate("window.__csp") == []
