"""Every page type fits the screen it is read on, and keeps the console and the
CSP clean, swaps included: nothing wider than a phone, filters that take little
room, and a sidebar that does not run for metres."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dreamweaver.blog import queries
from dreamweaver.extensions import db
from dreamweaver.models import Category, Comment, Post, Tag, User, post_tags
from dreamweaver.permalinks import post_url
from tests.support.browser import log_in, watch_console
from tests.support.factories import Factory

WIDTHS = [320, 390, 768, 1280]
LONG_WORD = "https://example.org/" + "a-very-long-unbroken-address" * 4
# The response status the browser logs for a page that is meant to be missing.
STATUS_404 = "the server responded with a status of 404"


@pytest.fixture(scope="module")
def walk_content(live_app):
    """What the demo lacks for a complete walk, kept out of the other tests'
    way (in 2019, before the demo's posts and comments): a post with a second
    comment page, a protected post, a category description, a held comment."""
    make = Factory(live_app)
    when = datetime(2019, 3, 4, 12, 0, tzinfo=UTC)
    long = make.post('The "Long" Conversation -- Part 1...', published_at=when,
                     slug="the-long-conversation")
    for n in range(live_app.config["COMMENTS_PER_PAGE"] + 1):
        make.comment(long, author_name=f"Reader {n}", created_at=when + timedelta(hours=n),
                     content=f"<p>Comment {n}. {LONG_WORD}</p>")
    make.comment(long, author_name="A Reader With A Long Name", status="pending",
                 created_at=when, author_email="a.very.long.address.for.a.reader@example.org",
                 author_url="https://a-rather-long-domain-name.example.org/about/",
                 held_reason="First comment from this email address")
    locked = make.post("Behind a Password", published_at=when - timedelta(days=1),
                       slug="behind-a-password", password="open sesame")
    with live_app.test_request_context():
        science = db.session.scalar(sa.select(Category).where(Category.slug == "neuroscience"))
        science.description = f"How the brain meets the molecule.\n\nSee {LONG_WORD}."
        db.session.commit()
        return {"long": post_url(long), "locked": post_url(locked), "long_id": long.id}


@pytest.fixture(scope="module")
def reader_urls(live_app, walk_content):
    """One address of each page type readers see, taken from the demo site."""
    with live_app.test_request_context():
        visible = (Post.type == "post", Post.status == "published", Post.password == "",
                   Post.id != walk_content["long_id"])
        commented = db.session.scalars(
            sa.select(Post).join(Comment).where(*visible, Comment.status == "approved")
            .group_by(Post.id).order_by(sa.func.count(Comment.id).desc()).limit(1)).one()
        page = db.session.scalars(sa.select(Post).where(
            Post.type == "page", Post.status == "published")).first()
        tag = db.session.scalars(sa.select(Tag).join(post_tags)).first()
        author = db.session.get(User, commented.author_id)
        day = commented.published_local
        return {
            "home": "/",
            "home, page 2": "/page/2/",
            "post with comments": post_url(commented),
            "comment page 2": walk_content["long"] + "comment-page-2/",
            "protected post": walk_content["locked"],
            "page": post_url(page),
            "category": "/category/neuroscience/",
            "tag": f"/tag/{tag.slug}/",
            "month": f"/{day:%Y/%m}/",
            "day": f"/{day:%Y/%m/%d}/",
            "year": f"/{day:%Y}/",
            "author": f"/author/{author.slug}/",
            "search": "/?s=psilocybin",
            "search, nothing found": "/?s=zzzqqq",
            "404": "/no-such-page/",
        }


@pytest.fixture(scope="module")
def admin_urls(live_app, walk_content):
    with live_app.app_context():
        comment = db.session.scalar(sa.select(Comment.id).where(
            Comment.post_id == walk_content["long_id"]).limit(1))
        category = db.session.scalar(sa.select(Category.id).where(
            Category.slug == "neuroscience"))
    return {
        "dashboard": "/admin/",
        "posts": "/admin/posts/",
        "pages": "/admin/pages/",
        "new post": "/admin/posts/new",
        "post editor": f"/admin/posts/{walk_content['long_id']}/edit",
        "comments": "/admin/comments/",
        "held comments": "/admin/comments/?status=pending",
        "comment": f"/admin/comments/{comment}/",
        "comment edit": f"/admin/comments/{comment}/edit/",
        "comment reply": f"/admin/comments/{comment}/reply/",
        "categories": "/admin/categories/",
        "category edit": f"/admin/categories/{category}/",
        "profile": "/admin/profile/",
        "two-factor setup": "/admin/profile/two-factor/",
    }


def overflow(page) -> int:
    """How many pixels the page is wider than its window (0 or less: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def measured(page) -> dict:
    """{width: overflow} for the page shown, at every width (the window resized,
    not the page reloaded: one load per page keeps the walk short)."""
    wider = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        wider[width] = overflow(page)
    return wider


def walk(page, base: str, urls: dict, problems: list) -> dict:
    """Each page once: {name: (status, overflows, console errors, CSP violations)}."""
    seen = {}
    for name, url in urls.items():
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        before = len(problems)
        response = page.goto(base + url)
        page.wait_for_load_state("networkidle")
        seen[name] = (response.status, measured(page), problems[before:],
                      page.evaluate("window.__csp"))
    return seen


def faults(seen: dict, missing=("404",)) -> dict:
    """What is wrong on each page: too wide somewhere, an error, a violation."""
    found = {}
    for name, (status, wider, errors, csp) in seen.items():
        expected = 404 if name in missing else 200
        errors = [e for e in errors if not (status == 404 == expected and STATUS_404 in e)]
        too_wide = {width: px for width, px in wider.items() if px > 0}
        if status != expected or too_wide or errors or csp:
            found[name] = {"status": status, "too wide": too_wide, "console": errors, "csp": csp}
    return found


def test_every_reader_page_fits_with_a_clean_console(page, live_server, reader_urls):
    problems = watch_console(page)
    assert faults(walk(page, live_server, reader_urls, problems)) == {}
    # A listing swapped in by htmx keeps them too.
    del problems[:]
    page.goto(live_server + "/")
    page.locator(".posts-navigation .nav-previous").click()
    page.wait_for_url(re.compile(r"/page/2/$"))
    page.wait_for_load_state("networkidle")
    assert {width: px for width, px in measured(page).items() if px > 0} == {}
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_every_admin_page_fits_with_a_clean_console(page, live_server, owner, admin_urls):
    problems = watch_console(page)
    seen = walk(page, live_server, {"login": "/admin/login",
                                    "lost password": "/admin/password-reset/"}, problems)
    log_in(page, live_server, owner)
    seen |= walk(page, live_server, admin_urls, problems)
    assert faults(seen) == {}


# What a textarea the reader resized, or a password manager decorating every
# input, leaves on the comment form: style attributes (set through the CSSOM,
# which the CSP allows). htmx used to copy them onto the swapped-in form with
# setAttribute, which the CSP refuses: 8 violations per comment.
DECORATE_FIELDS = """() => document.querySelectorAll('#commentform input, #commentform textarea')
    .forEach(field => { field.style.height = field.offsetHeight + 'px'; })"""


def fill_comment(page, text):
    page.fill("#comment", text)
    page.fill("#author", "Walking Reader")
    page.fill("#email", "walk@example.org")


def test_comment_and_reply_swaps_fit_with_a_clean_console(page, live_server, reader_urls):
    problems = watch_console(page)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server + reader_urls["post with comments"])
    page.wait_for_load_state("networkidle")
    page.evaluate(DECORATE_FIELDS)
    fill_comment(page, "A comment from the walk.")
    page.click("#submit")
    page.locator(".comment-content", has_text="A comment from the walk.").wait_for()
    page.wait_for_load_state("networkidle")
    after_comment = (measured(page), page.evaluate("window.__csp"), list(problems))
    # The reply link moves the form under its comment (an htmx swap), then the reply posts.
    page.evaluate(DECORATE_FIELDS)
    first = page.locator("li.comment").first
    parent = first.get_attribute("id")
    first.locator(".comment-reply-link").first.click()
    page.locator(f"#reply-to-{parent.removeprefix('comment-')} #respond").wait_for()
    page.evaluate(DECORATE_FIELDS)
    after_move = (measured(page), page.evaluate("window.__csp"), list(problems))
    page.set_viewport_size({"width": 390, "height": 800})
    fill_comment(page, "A reply from the walk.")
    page.click("#submit")
    page.locator(f"#{parent} > ol.children .comment-content",
                 has_text="A reply from the walk.").wait_for()
    page.wait_for_load_state("networkidle")
    after_reply = (measured(page), page.evaluate("window.__csp"), list(problems))
    for wider, csp, errors in (after_comment, after_move, after_reply):
        assert {width: px for width, px in wider.items() if px > 0} == {}
        assert csp == []
        assert errors == []


def test_filters_take_one_row_and_drop_their_buttons_with_htmx(page, live_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server + "/")
    page.wait_for_function("document.documentElement.classList.contains('has-htmx')")
    filters = page.locator(".list-filters").bounding_box()
    assert filters["height"] < 50  # one row: two selects, labels for screen readers
    assert page.locator(".filter-form button").evaluate_all(
        "buttons => buttons.map(b => b.checkVisibility())") == [False, False]
    # Only the banner is above the first post (it was 460 px down).
    first = page.locator("article.entry").first.bounding_box()
    assert first["y"] < 400


def test_filters_keep_their_buttons_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.locator(".filter-form button").evaluate_all(
        "buttons => buttons.map(b => b.checkVisibility())") == [True, True]
    assert page.locator(".list-filters").bounding_box()["height"] < 50
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.select_option("#filter-category", value="neuroscience")
    page.locator("#filter-category ~ button").click()
    page.wait_for_url(re.compile(r"/category/neuroscience/$"))
    context.close()


@pytest.mark.parametrize(("width", "tallest"), [(1280, 3000), (390, 5000)])
def test_categories_widget_keeps_pages_short(page, live_server, width, tallest):
    """Before the short form, every page was 7,720 px tall at 1280 px and
    13,100 px at 390 px, nearly all of it the 137 categories."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server + "/about/")
    assert page.evaluate("document.documentElement.scrollHeight") < tallest
    assert page.locator(".widget-categories").bounding_box()["height"] < 700
    assert page.locator(".top-categories li").count() == 10


def test_every_category_is_reachable_from_the_widget(page, live_app, live_server):
    with live_app.app_context():
        names = [name for name, _slug, _count in queries.category_counts()]
    page.goto(live_server + "/")
    everything = page.locator(".all-categories")
    assert everything.get_by_role("link").count() == 0  # closed
    page.locator(".all-categories > summary", has_text=f"All categories ({len(names)})").click()
    assert everything.get_by_role("link").all_inner_texts() == names
    everything.get_by_role("link", name=names[-1], exact=True).click()
    page.locator("#post-list-title", has_text=f"Category: {names[-1]}").wait_for()
    # The category shown joins the short list, marked as current.
    page.reload()
    current = page.locator(".top-categories a[aria-current=page]")
    assert current.inner_text() == names[-1]
