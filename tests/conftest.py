"""Fixtures: a real database (SQLite file, or TEST_DATABASE_URL), migrated once
per run and emptied after each test; the app, its client and CLI runner; a
factory for content; a SQL statement counter."""

import functools
import os
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.markup import render, render_teaser
from dreamweaver.models import Category, Comment, Post, Tag, User
from dreamweaver.slugs import slugify, unique_slug

# Settings every comment flow test runs with unless it tests these rules (DESIGN.md).
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "COMMENT_MODERATION": False,
    "COMMENT_FLOOD_SECONDS": 0,
    "COMMENT_MIN_SECONDS": 0,
    "RATELIMIT_ENABLED": False,
    # A test that enables limits gets counters of its own: each app made with
    # memory:// starts empty (the default would share instance/ratelimits.sqlite3).
    "RATELIMIT_STORAGE_URI": "memory://",
    "CACHE_TYPE": "NullCache",
    "CACHE_NO_NULL_WARNING": True,
}


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
    )


@pytest.fixture(scope="session")
def _migrated(database_uri):
    """Build the schema through the migrations, as production does."""
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        db.engine.dispose()


def empty_database(app):
    """Every row gone but site_state's, which the migration made, like the schema."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "site_state":
                    connection.execute(table.delete())


@pytest.fixture
def app(database_uri, _migrated):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri})
    yield app
    empty_database(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def in_app_context(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.app.app_context():
            return method(self, *args, **kwargs)

    return wrapper


class Factory:
    """Makes content rows with sensible defaults, committed so requests see them.

    Each call runs in its own app context, so no test holds one open while it
    makes requests (which would share g and the session with them).
    """

    def __init__(self, app):
        self.app = app
        self.clock = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)


    @in_app_context
    def user(self, login="writer", display_name=None, role="author", **fields):
        user = User(login=login, display_name=display_name or login.title(),
                    slug=fields.pop("slug", None) or slugify(login), role=role, **fields)
        return self._save(user)

    @in_app_context
    def account(self, login, role="author", password="correct horse battery"):
        """A user who can sign in (created once; later calls return the same one)."""
        user = db.session.scalar(sa.select(User).where(User.login == login))
        if user is None:
            user = User(login=login, display_name=login.title(), slug=slugify(login), role=role)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
        return user

    @in_app_context
    def category(self, name, **fields):
        return self._save(Category(name=name, slug=unique_slug(Category.slug, slugify(name)),
                                   **fields))

    @in_app_context
    def tag(self, name):
        return self._save(Tag(name=name, slug=slugify(name)))

    @in_app_context
    def post(self, title="A post", *, published_at=None, kind="post", source=None,
             categories=(), tags=(), author=None, **fields):
        from dreamweaver import dates

        if published_at is None:
            self.clock -= timedelta(hours=1)
            published_at = self.clock
        source = source if source is not None else f"Body of {title}."
        post = Post(
            type=kind,
            status=fields.pop("status", "published"),
            title=title,
            slug=fields.pop("slug", None) or unique_slug(Post.slug, slugify(title),
                                                          Post.type == kind),
            source=source,
            content_html=render(source, "markdown"),
            teaser_html=render_teaser(source, "markdown"),
            published_at=published_at,
            published_local=dates.to_local(published_at),
            # merge() leaves the caller's objects detached and readable after commit.
            author=db.session.merge(author) if author else None,
            categories=[db.session.merge(c) for c in categories],
            tags=[db.session.merge(t) for t in tags],
            **fields,
        )
        return self._save(post)

    @in_app_context
    def comment(self, post, author_name="Reader", content="<p>Nice.</p>", parent=None,
                status="approved", created_at=None, **fields):
        comment = Comment(post_id=post.id, parent_id=parent.id if parent else None,
                          thread_id=(parent.thread_id or parent.id) if parent else None,
                          author_name=author_name, content_html=content, status=status,
                          created_at=created_at or datetime.now(UTC), **fields)
        if status == "approved":
            db.session.get(Post, post.id).comment_count += 1
        return self._save(comment)

    def _save(self, row):
        db.session.add(row)
        db.session.commit()
        db.session.refresh(row)
        return row


@pytest.fixture
def make(app):
    return Factory(app)


@pytest.fixture
def count_queries(app):
    """Counts SQL statements sent while the returned counter is active."""

    class Counter:
        def __init__(self):
            self.count = 0

        def __enter__(self):
            self.count = 0
            sa.event.listen(self.engine, "before_cursor_execute", self._hit)
            return self

        def __exit__(self, *exc):
            sa.event.remove(self.engine, "before_cursor_execute", self._hit)

        def _hit(self, *args):
            self.count += 1

    with app.app_context():
        counter = Counter()
        counter.engine = db.engine
    return counter


CSRF_FIELD = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url="/admin/login") -> str:
    """The session CSRF token of the admin forms, as a page carries it."""
    match = CSRF_FIELD.search(client.get(url).get_data(as_text=True))
    assert match, f"no csrf_token field on {url}"
    return match.group(1)


class Auth:
    """Signs test clients in and out of /admin (the tutorial's `auth` helper)."""

    def __init__(self, client, make):
        self.client, self.make = client, make

    def login(self, login="owner", role="admin", password="correct horse battery"):
        """Create the account if needed and sign in; returns the user."""
        user = self.make.account(login, role, password)
        response = self.client.post("/admin/login", data={
            "csrf_token": csrf_token(self.client), "username": login, "password": password,
        })
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return user

    def logout(self):
        token = csrf_token(self.client, "/admin/")
        return self.client.post("/admin/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client, make):
    return Auth(client, make)
