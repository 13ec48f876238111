"""The comment tests' app (templates compiled once per run, as they build an
app per test) and the post most of them comment on."""

from datetime import UTC, datetime

import pytest

from tests.support.comment_client import permalink
from tests.support.templates import COMPILED_TEMPLATES


@pytest.fixture
def app(app):
    """The root conftest's app; only template compilation is shared between tests."""
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture
def post(make):
    return make.post("Talk", published_at=datetime(2024, 3, 5, 10, tzinfo=UTC))


@pytest.fixture
def url(app, post):
    return permalink(app, post)
