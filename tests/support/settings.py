"""The settings every test app runs with, and an app with a real cache."""

from dreamweaver import create_app

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
    # Background work runs inside the request that sends it; tests of the real
    # queue start a worker (tests/media/test_queue.py).
    "TASKS_INLINE": True,
}


def app_with_cache(database_uri, **settings):
    """An app as one gunicorn worker has it: its own in-process cache."""
    return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                       "CACHE_TYPE": "SimpleCache", **settings})
