"""Fixtures: a real database (SQLite file, or TEST_DATABASE_URL), migrated once
per run and emptied after each test; the app, its client and CLI runner; an app
with a real cache; a factory for content; the auth helper; a SQL statement
counter. What they are built from lives in tests/support/."""

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.extensions import db
from tests.support.auth import Auth
from tests.support.comment_client import permalink
from tests.support.factories import Factory, empty_database
from tests.support.settings import TEST_SETTINGS, app_with_cache
from tests.support.smtp import SmtpServer


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


@pytest.fixture
def media_root(tmp_path):
    """The folder the test's media files are stored in."""
    return tmp_path / "media"


@pytest.fixture
def app(database_uri, _migrated, media_root):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                      "MEDIA_STORAGE_URL": media_root.as_uri()})
    yield app
    empty_database(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback that `app` sends its mail to."""
    server = SmtpServer().start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    server.stop()


@pytest.fixture
def cached_app(app, database_uri):
    """The app with a real (in-process) cache; `app` still cleans the database."""
    return app_with_cache(database_uri, MEDIA_STORAGE_URL=app.config["MEDIA_STORAGE_URL"])


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


@pytest.fixture
def auth(client, make):
    return Auth(client, make)


# A post to comment on, and its address (the comment tests' and the input limits').
@pytest.fixture
def post(make):
    return make.post("Talk", published_at=datetime(2024, 3, 5, 10, tzinfo=UTC))


@pytest.fixture
def url(app, post):
    return permalink(app, post)
