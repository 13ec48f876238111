"""The media tests' S3 fixtures: one real S3-compatible server per run
(tests/support/s3.py), a fresh bucket and an app storing in it per test."""

import pytest

from dreamweaver import create_app
from dreamweaver.extensions import db
from tests.support import s3
from tests.support.factories import empty_database
from tests.support.settings import TEST_SETTINGS


@pytest.fixture(scope="session")
def s3_endpoint():
    server, endpoint = s3.start()
    yield endpoint
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    return s3.Bucket.new(s3_endpoint)


@pytest.fixture
def s3_app_with(database_uri, _migrated, bucket):
    """Makes apps storing media in the test's bucket (settings may add to it);
    the database is emptied after the test."""
    made = []

    def make(**settings):
        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                          **bucket.settings(), **settings})
        made.append(app)
        return app

    yield make
    if made:
        empty_database(made[0])
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def s3_app(s3_app_with):
    return s3_app_with()
