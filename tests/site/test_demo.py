"""`seed-demo`: the demo site it loads, and that it loads it only into an empty database."""

import os
import re
import unicodedata
from collections import Counter
from datetime import datetime
from html import unescape

import pytest
import sqlalchemy as sa

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.markup import text_of
from dreamweaver.models import Category, Comment, Post, Tag, User
from dreamweaver.permalinks import post_url
from dreamweaver.sanitize import clean_post
from tests.support.paths import ROOT, SHARED
from tests.support.responses import section, text
from tests.support.scripts import load_migration
from tests.support.settings import TEST_SETTINGS

DEMO_DIR = ROOT / "dreamweaver" / "demo"
SEED_PAGE = SHARED / "reference" / "seed-page.txt"
DEMO_MONTHS = [(2023, month) for month in range(5, 13)] + [(2024, month) for month in range(1, 6)]


def empty_database():
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def counts():
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, Post, Category, Tag, Comment)}


@pytest.fixture(scope="module")
def demo(database_uri, _migrated):
    """The demo site as plain data: seeded once for the module, then the database is
    emptied again at once, so no other test ever sees it."""
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        empty_database()
        # `flask seed-demo` runs inside the app context FlaskGroup pushes; the test
        # runner pushes none, so push it here (see test_seed_demo_runner_invoke).
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        posts = db.session.scalars(sa.select(Post).order_by(Post.id)).unique().all()
        comments = db.session.scalars(sa.select(Comment)).all()
        approved = Counter(c.post_id for c in comments if c.status == "approved")
        snapshot = {
            "result": result,
            "users": db.session.scalar(sa.select(sa.func.count()).select_from(User)),
            "tags": db.session.scalars(sa.select(Tag.name)).all(),
            "posts": [
                {
                    "id": p.id, "type": p.type, "status": p.status, "title": p.title,
                    "slug": p.slug, "content_html": p.content_html,
                    "published_local": p.published_local,
                    "categories": [c.name for c in p.categories],
                    "tags": [t.name for t in p.tags],
                    "comment_count": p.comment_count, "approved": approved[p.id],
                }
                for p in posts
            ],
            "category_posts": {
                c.name: sum(1 for p in c.posts if p.status == "published")
                for c in db.session.scalars(sa.select(Category)).all()
            },
            "comments": [
                {"id": c.id, "post_id": c.post_id, "parent_id": c.parent_id, "status": c.status,
                 "parent_post_id": c.parent.post_id if c.parent else None}
                for c in comments
            ],
        }
        empty_database()
        db.engine.dispose()
    return snapshot


def demo_posts(demo, kind="post"):
    return [p for p in demo["posts"] if p["type"] == kind]


def test_seed_demo_exit_code(demo):
    result = demo["result"]
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    assert "Loaded the demo site: 40 posts, 1 page(s), 137 categories" in result.output


def test_seed_demo_runner_invoke(runner, app):
    # As the Flask tutorial tests its commands: no app context around the runner.
    result = runner.invoke(args=["seed-demo"])
    assert result.exception is None, repr(result.exception)
    assert result.exit_code == 0
    with app.app_context():
        assert counts()["Post"] == 41


def test_seed_demo_posts_and_about_page(demo):
    assert len(demo_posts(demo)) == 40
    pages = demo_posts(demo, "page")
    assert [(p["title"], p["slug"], p["status"]) for p in pages] == [
        ("About", "about", "published")
    ]
    assert all(p["status"] == "published" for p in demo["posts"])


def test_seed_demo_three_users(demo):
    assert demo["users"] == 3


def test_seed_demo_every_seed_category_has_published_post(demo):
    names = [n for n in (DEMO_DIR / "categories.txt").read_text(encoding="utf-8").splitlines()
             if n]
    assert len(names) == 137
    assert sorted(demo["category_posts"]) == sorted(names)
    empty = [name for name, n in demo["category_posts"].items() if n < 1]
    assert empty == []


def test_seed_demo_posts_span_may_2023_to_may_2024(demo):
    months = {(p["published_local"].year, p["published_local"].month)
              for p in demo_posts(demo)}
    assert sorted(months) == DEMO_MONTHS
    assert len(months) == 13
    assert all(isinstance(p["published_local"], datetime) for p in demo["posts"])


def test_seed_demo_long_articles(demo):
    long = [
        p["title"] for p in demo_posts(demo)
        if len(text_of(p["content_html"]).split()) >= 600
        and "<h2" in p["content_html"]
        and re.search(r"<[uo]l[\s>]", p["content_html"])
        and "<blockquote" in p["content_html"]
    ]
    assert len(long) >= 8, long


def test_seed_demo_content_went_through_post_policy(demo):
    not_clean = [p["slug"] for p in demo["posts"]
                 if clean_post(p["content_html"]) != p["content_html"]]
    assert not_clean == []
    assert all(p["content_html"].strip() for p in demo["posts"])


def test_seed_demo_two_to_five_categories_each(demo):
    wrong = {p["slug"]: len(p["categories"]) for p in demo_posts(demo)
             if not 2 <= len(p["categories"]) <= 5}
    assert wrong == {}


def test_seed_demo_tags(demo):
    assert len(demo["tags"]) >= 3
    assert sum(1 for p in demo_posts(demo) if p["tags"]) >= 10


def test_seed_demo_threaded_approved_comments(demo):
    comments = demo["comments"]
    assert sum(1 for c in comments if c["status"] == "approved") >= 10
    replies = [c for c in comments if c["parent_id"] is not None]
    assert replies
    assert all(c["parent_post_id"] == c["post_id"] for c in replies)


def test_seed_demo_comment_count_matches_approved(demo):
    wrong = {p["slug"]: (p["comment_count"], p["approved"]) for p in demo["posts"]
             if p["comment_count"] != p["approved"]}
    assert wrong == {}
    assert sum(p["comment_count"] for p in demo["posts"]) == len(demo["comments"])


def test_seed_demo_second_run_changes_nothing(app, runner):
    with app.app_context():
        first = runner.invoke(args=["seed-demo"])
        assert first.exit_code == 0, repr(first.exception)
        before = counts()
        second = runner.invoke(args=["seed-demo"])
        assert second.exit_code == 0, repr(second.exception)
        assert "already has content" in second.output
        db.session.remove()
        assert counts() == before
    assert before["Post"] == 41


# --- originality: the demo is our own writing --------------------------------------


def normalized(text):
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans("\u2018\u2019\u201c\u201d\u2013\u2014", "''\"\"--"))
    return re.sub(r"\s+", " ", text).casefold()


def seed_sentences():
    lines = SEED_PAGE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Posted on"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Leave a Reply"))
    return [line.strip() for line in lines[start + 1:end] if len(line.strip()) > 80]


def need_seed_page():
    """The seed capture lives beside the project; CI always has it."""
    if not SEED_PAGE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SEED_PAGE} is missing; CI must have ../shared")
        pytest.skip("needs ../shared/reference/seed-page.txt")


def test_demo_sources_share_no_sentence_with_seed_page():
    need_seed_page()
    sentences = seed_sentences()
    assert len(sentences) >= 5
    sources = [path for path in DEMO_DIR.rglob("*") if path.suffix in {".md", ".toml", ".txt"}]
    assert len(sources) >= 42
    demo_text = "\n".join(normalized(path.read_text(encoding="utf-8")) for path in sources)
    copied = [s[:60] for s in sentences if normalized(s[:60]) in demo_text]
    assert copied == []


def test_demo_posts_share_no_sentence_with_seed_page(demo):
    need_seed_page()
    demo_text = "\n".join(normalized(text_of(p["content_html"])) for p in demo["posts"])
    copied = [s[:60] for s in seed_sentences() if normalized(s[:60]) in demo_text]
    assert copied == []


def test_demo_categories_are_the_seed_pages_list_in_its_order():
    need_seed_page()
    lines = SEED_PAGE.read_text(encoding="utf-8").splitlines()
    start = lines.index("Categories") + 1
    seed = []
    for line in lines[start:]:
        if line.strip().startswith("\u2022 "):
            seed.append(line.strip()[2:])
        elif seed and not line.strip():
            break
    ours = [n for n in (DEMO_DIR / "categories.txt").read_text(encoding="utf-8").splitlines() if n]
    assert len(seed) == 137
    assert ours == seed


# --- the demo as a reader sees it -------------------------------------------------------


def reachable_comments(client, url):
    """The comment ids a reader can reach from a post: its page, then every
    comment page linked from there; and the count its heading shows."""
    first = client.get(url)
    assert first.status_code == 200, url
    heading = re.search(r'<h2 class="comments-title"[^>]*>(One|\d+) thoughts? on', text(first))
    shown = 0 if heading is None else (1 if heading[1] == "One" else int(heading[1]))
    seen_pages, queue, ids = set(), [url], set()
    while queue:
        page = queue.pop()
        if page in seen_pages:
            continue
        seen_pages.add(page)
        response = client.get(page)
        assert response.status_code == 200, page
        html = text(response)
        ids.update(re.findall(r'<li id="comment-(\d+)"', html))
        queue.extend(re.findall(r'<a class="nav-(?:previous|next)" href="([^"#]+)#comments"',
                                html))
    return shown, ids, len(seen_pages)


@pytest.fixture(params=[None, 1], ids=["default-pages", "one-thread-a-page"])
def per_page(request, app):
    """The site's comment paging, and one thread a page, which splits every
    demo discussion with more than one thread over several comment pages."""
    if request.param:
        app.config["COMMENTS_PER_PAGE"] = request.param
    return app.config["COMMENTS_PER_PAGE"]


def test_demo_every_comment_counted_is_reachable(app, runner, client, per_page):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.test_request_context():
        posts = db.session.scalars(sa.select(Post).where(Post.status == "published")).all()
        urls = {post_url(post): post.comment_count for post in posts}
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Comment))
    found, most_pages = {}, 0
    for url in urls:
        shown, ids, pages = reachable_comments(client, url)
        found[url] = (shown, len(ids))
        most_pages = max(most_pages, pages)
    wrong = {url: pair for url, pair in found.items() if pair[0] != pair[1]}
    assert wrong == {}
    # Every demo comment is on some page: replies included (half the demo's).
    assert sum(reached for _, reached in found.values()) == total == 36
    assert (most_pages > 1) == (per_page == 1)


def test_demo_recent_comments_links_land_on_their_comment(app, runner, client, per_page):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    widget = section(client.get("/"), "recent-comments")
    links = re.findall(r'<a href="([^"]+)">', widget)
    assert len(links) == 5
    with app.app_context():
        replies = set(db.session.scalars(
            sa.select(Comment.id).where(Comment.parent_id.is_not(None))).all())
    linked_ids = set()
    for link in links:
        path, _, anchor = unescape(link).partition("#")
        response = client.get(path)
        assert response.status_code == 200, link
        assert f'id="{anchor}"' in text(response), link
        linked_ids.add(int(anchor.removeprefix("comment-")))
    # The demo's latest comments include replies, the ones that were lost.
    assert linked_ids & replies


# --- 0011: the repair for databases seeded before -------------------------------------

repair_demo_threads = load_migration("0011_repair_demo_threads.py")


def test_repair_threads_lost_replies_and_recounts(app, make, client):
    post = make.post("Talked about")
    other = make.post("Quiet")
    top = make.comment(post, "Ana")
    reply = make.comment(post, "Ben", parent=top)
    deeper = make.comment(post, "Cy", parent=reply)
    make.comment(post, "Held", parent=top, status="pending")
    second = make.comment(post, "Dee")
    with app.app_context():
        # As seed-demo left them: replies without a thread, counts that are wrong.
        with db.engine.begin() as connection:
            connection.execute(sa.update(Comment).where(Comment.parent_id.is_not(None))
                               .values(thread_id=None))
            connection.execute(sa.update(Post).values(comment_count=7))
            before = connection.execute(sa.text(
                "SELECT value FROM site_state WHERE key = 'content'")).scalar_one()
        with app.test_request_context():
            url = post_url(post)
        assert f'id="comment-{deeper.id}"' not in text(client.get(url))
        with db.engine.begin() as connection:
            repair_demo_threads.repair(connection)
        with db.engine.begin() as connection:
            after = connection.execute(sa.text(
                "SELECT value FROM site_state WHERE key = 'content'")).scalar_one()
        db.session.remove()
        threads = dict(db.session.execute(sa.select(Comment.id, Comment.thread_id)).all())
        counts = dict(db.session.execute(sa.select(Post.id, Post.comment_count)).all())
    assert threads[top.id] is None and threads[second.id] is None
    assert threads[reply.id] == threads[deeper.id] == top.id
    assert counts == {post.id: 4, other.id: 0}
    assert after == before + 1
    page = text(client.get(url))
    assert all(f'id="comment-{c.id}"' in page for c in (top, reply, deeper, second))
    assert "4 thoughts on" in page
