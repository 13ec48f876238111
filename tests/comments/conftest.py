"""The comment tests' app (templates compiled once per run, as they build an
app per test) and the post most of them comment on."""


import pytest

from tests.support.templates import COMPILED_TEMPLATES


@pytest.fixture
def app(app):
    """The root conftest's app; only template compilation is shared between tests."""
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


