"""Caches that are never stale: the content generation and the cached widgets."""

import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dreamweaver import caching
from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post, SiteState
from tests.support.responses import section


def current_generation(app):
    with app.app_context():
        return db.session.scalar(
            sa.select(SiteState.value).where(SiteState.key == "content")) or 0


def test_generation_moves_with_content_writes_only(app, make):
    before = current_generation(app)
    post = make.post("Counted")
    after_post = current_generation(app)
    assert after_post > before
    with app.app_context():
        db.session.scalars(sa.select(Post)).all()
        db.session.commit()
    assert current_generation(app) == after_post
    with app.app_context():
        db.session.execute(sa.update(Post).where(Post.id == post.id).values(sticky=True))
        db.session.commit()
    assert current_generation(app) > after_post


def test_generation_unchanged_by_rolled_back_writes(app, make):
    before = current_generation(app)
    with app.app_context():
        db.session.add(Post(type="post", status="draft", title="Never", slug="never"))
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert current_generation(app) == before


def test_cached_widgets_follow_new_posts_and_comments(cached_app, make):
    client = cached_app.test_client()
    post = make.post("First Words")
    assert "First Words" in section(client.get("/"), "recent-posts")
    make.post("Second Words")
    assert "Second Words" in section(client.get("/"), "recent-posts")
    comment = make.comment(post, author_name="Held Reader", status="pending")
    assert "Held Reader" not in section(client.get("/"), "recent-comments")
    with cached_app.app_context():
        db.session.get(Comment, comment.id).status = "approved"
        db.session.commit()
    assert "Held Reader" in section(client.get("/"), "recent-comments")


def test_cached_widgets_show_scheduled_post_when_due(cached_app, make):
    client = cached_app.test_client()
    make.post("Already Out")
    make.post("Coming Up", status="scheduled",
              published_at=datetime.now(UTC) + timedelta(seconds=1.5))
    assert "Coming Up" not in section(client.get("/"), "recent-posts")
    time.sleep(1.6)
    assert "Coming Up" in section(client.get("/"), "recent-posts")


def test_cached_page_runs_fewer_queries(cached_app, make):
    make.post("Query Saver")
    client = cached_app.test_client()
    counts = []
    with cached_app.app_context():
        engine = db.engine
    for _ in range(2):
        seen = []

        def listener(*args, seen=seen):
            seen.append(args)

        sa.event.listen(engine, "before_cursor_execute", listener)
        client.get("/")
        sa.event.remove(engine, "before_cursor_execute", listener)
        counts.append(len(seen))
    assert counts[1] < counts[0]
    assert counts[1] <= 6, counts


def test_values_in_use_are_kept_in_process_as_fresh_as_the_backend(cached_app, make, monkeypatch):
    from dreamweaver.extensions import cache

    asked = []
    backend_get = cache.cache.get
    def get(key):
        if not key.startswith("dw:page:"):  # the page cache's own look-up
            asked.append(key)
        return backend_get(key)

    monkeypatch.setattr(cache.cache, "get", get)
    make.post("Kept Close")
    client = cached_app.test_client()
    client.set_cookie("session", "not-a-session")  # past the page cache, to the view
    client.get("/")
    first = len(asked)
    assert first > 0
    client.get("/")
    assert len(asked) == first  # the same generation: nothing fetched again
    make.post("Moves It On")
    assert "Moves It On" in section(client.get("/"), "recent-posts")
    assert len(asked) > first


def test_bump_helper_for_bulk_loads(app):
    before = current_generation(app)
    with app.app_context():
        caching.bump()
        db.session.commit()
    assert current_generation(app) == before + 1
