"""The owner's pages read indexes, not every row (issue 21): at 100,000 posts
and a million comments each of these statements took 0.2 to 1 s as a scan or
a sort of the whole table. SQLite's plans are checked (PostgreSQL plans from
its statistics, so its plans cannot be asserted on a test's few rows; on
PostgreSQL the indexes are checked to exist). These run on a SQLite database of
their own whichever database the suite runs on."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import event

from dreamweaver import create_app
from dreamweaver.caching import next_due
from dreamweaver.extensions import db
from dreamweaver.models import utcnow
from tests.support.settings import TEST_SETTINGS


@pytest.fixture(scope="module")
def database_uri(tmp_path_factory):
    """SQLite's, for this module (the `app` fixture and its kin build on it)."""
    return "sqlite:///" + str(tmp_path_factory.mktemp("plans") / "plans.sqlite")


@pytest.fixture(scope="module")
def _migrated(database_uri):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture
def plans(app, client, auth, make):
    """{statement: its plan's steps} of what a page sends (SQLite only)."""
    auth.login()
    make.post("Published")
    make.post("Later", status="scheduled")

    def of(url: str) -> dict[str, list[str]]:
        seen = []

        def statement(_conn, _cursor, sql, parameters, *_):
            seen.append((sql, parameters))

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", statement)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", statement)
        with app.app_context():
            connection = db.session.connection()
            return {sql: [row[3] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + sql, parameters)]
                for sql, parameters in seen
                if sql.lstrip().upper().startswith(("SELECT", "WITH"))}

    return of


def steps_of(found: dict[str, list[str]], *words: str) -> list[str]:
    [steps] = [steps for sql, steps in found.items() if all(word in sql for word in words)]
    return steps


def test_the_all_tab_walks_the_modified_index_in_order(plans):
    steps = steps_of(plans("/admin/posts/"), "posts.status !=", "ORDER BY posts.modified_at")
    assert steps[0] == "SEARCH posts USING INDEX ix_posts_modified (type=?)", steps
    assert not any("TEMP B-TREE" in step for step in steps), steps


def test_post_counts_read_the_status_index_only(plans):
    steps = steps_of(plans("/admin/posts/"), "GROUP BY posts.status")
    assert all("SCAN posts" not in step and "ix_posts_listing" not in step for step in steps)
    assert "SEARCH posts USING COVERING INDEX ix_posts_status (type=?)" in steps
    assert "SEARCH posts USING INDEX ix_posts_status (type=? AND status=?)" in steps


def test_comment_counts_read_no_comment_row(plans):
    steps = steps_of(plans("/admin/comments/"), "(SELECT count(*)")
    assert all("COVERING INDEX" in step for step in steps if "comments" in step), steps


def test_the_next_publication_is_found_from_the_listing_index(ctx):
    # Every cache miss asks when the next scheduled post comes out (caching.expiry).
    seen = []

    def statement(_conn, _cursor, sql, parameters, *_):
        seen.append((sql, parameters))

    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        next_due(utcnow())
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
    [(sql, parameters)] = [(sql, p) for sql, p in seen if sql.startswith("SELECT")]
    steps = [row[3] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + sql, parameters)]
    assert steps == ["SEARCH posts USING INDEX ix_posts_listing (type=? AND published_at>?)"]


def test_the_owner_indexes_exist(ctx):
    names = {index["name"] for index in sa.inspect(db.engine).get_indexes("posts")}
    assert "ix_posts_modified" in names


def test_comment_places_read_the_roots_index(app, make, plans):
    # Each approved comment's View link in the moderation list says on which
    # page of its post it is: asked for the whole list at once.
    app.config["COMMENTS_PER_PAGE"] = 1
    post = make.post("Talked about")
    make.comment(post)
    make.comment(post)
    steps = steps_of(plans("/admin/comments/?status=approved"), "WITH wanted")
    assert "SEARCH roots USING INDEX ix_comments_post_roots (post_id=?)" in steps, steps
    assert not any("SCAN comments" in step or "ix_comments_post_thread " in step
                   for step in steps), steps
