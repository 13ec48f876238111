"""The inbox and the Webmention endpoint are limited per remote host
(FEDERATION_INBOX_RATE_LIMIT): one server's flood does not stop another's."""

import pytest

from dreamweaver.extensions import db
from dreamweaver.federation.models import Block
from tests.support.settings import TEST_SETTINGS


@pytest.fixture
def limited(app, database_uri):  # `app` empties the database afterwards
    from dreamweaver import create_app

    limited = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                          "RATELIMIT_ENABLED": True, "FEDERATION_ENABLED": True,
                          "FEDERATION_INBOX_RATE_LIMIT": "3 per minute"})
    yield limited
    with limited.app_context():
        db.engine.dispose()


def test_webmentions_are_limited_per_source_host(limited):
    client = limited.test_client()
    send = lambda host: client.post("/webmention", data={  # noqa: E731
        "source": f"https://{host}/post", "target": "http://localhost/nowhere/"}).status_code
    assert [send("flood.example") for _ in range(4)] == [400, 400, 400, 429]
    assert send("calm.example") == 400  # refused for its target, not limited


def test_the_inbox_is_limited_per_signing_host(limited):
    with limited.app_context():  # blocked: answered without fetching any key
        db.session.add_all([Block(kind="domain", value="flood.example"),
                            Block(kind="domain", value="calm.example")])
        db.session.commit()
    client = limited.test_client()

    def send(host):
        signature = f'keyId="https://{host}/actor#key",headers="date",signature="AA=="'
        return client.post("/ap/inbox", data=b"{}", headers={"Signature": signature}).status_code

    assert [send("flood.example") for _ in range(4)] == [202, 202, 202, 429]
    assert send("calm.example") == 202
