"""What the federation tests share: a fediverse peer on loopback, and the
app with federation on (and allowed to reach that peer)."""

import pytest

from tests.support.fediverse_peer import FediversePeer


@pytest.fixture
def peer():
    server = FediversePeer()
    yield server
    server.stop()


@pytest.fixture
def federated(app):
    app.config.update(FEDERATION_ENABLED=True, FEDERATION_ALLOW_LOOPBACK=True)
    return app
