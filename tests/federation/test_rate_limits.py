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


def test_webmentions_are_limited_per_source_host_and_per_sender(limited):
    client = limited.test_client()

    def send(source, sender):
        return client.post("/webmention", environ_base={"REMOTE_ADDR": sender}, data={
            "source": source, "target": "http://localhost/nowhere/"}).status_code

    # A port or a user name does not make another site.
    flood = ["https://flood.example/a", "https://flood.example:8443/b",
             "https://u1@flood.example/c", "https://u2@flood.example/d"]
    assert [send(source, f"10.0.0.{n}") for n, source in enumerate(flood)] == [400] * 3 + [429]
    assert send("https://calm.example/post", "10.0.1.1") == 400  # refused, not limited
    assert [send(f"https://site{n}.example/", "10.0.2.1") for n in range(4)][-1] == 429


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
