"""Our inbox (federation/inbox.py, activities.py) against a real peer on
loopback with keys of its own: a Follow is kept and answered with an Accept
signed by the followed actor; Undo removes it; unsigned, forged, replayed,
misattributed and oversized activities are refused and store nothing; a key
the peer rotated is fetched again."""

import json

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.federation import keys
from dreamweaver.federation.models import Follower, RemoteActor, SeenActivity
from tests.support.fediverse_peer import new_key

INBOX = "http://localhost/ap/inbox"
BLOG = "http://localhost/ap/blog"


@pytest.fixture
def site(federated, make):
    app = federated
    make.post("Out", author=make.user("ann", display_name="Ann Writer"))
    return app


def stored(app) -> dict:
    with app.app_context():
        count = lambda model: db.session.scalar(  # noqa: E731
            sa.select(sa.func.count()).select_from(model))
        return {"followers": count(Follower), "seen": count(SeenActivity),
                "actors": count(RemoteActor)}


def trust_our_keys(app, peer, actor="blog"):
    with app.app_context():
        peer.trusted_pem = keys.public_pem(actor)
        db.session.commit()


def test_a_follow_is_kept_and_accepted(site, peer):
    trust_our_keys(site, peer)
    follow = peer.activity("Follow", BLOG)
    response = peer.post(site.test_client(), INBOX, follow)
    assert response.status_code == 202, response.get_data(as_text=True)
    with site.app_context():
        follower = db.session.scalars(sa.select(Follower)).one()
        assert follower.local == "blog" and follower.actor.uri == peer.actor
        assert follower.follow_id == follow["id"]
        assert follower.actor.name == "Peer Reviewer"
        assert follower.actor.inbox == peer.actor + "/inbox"
    [accept] = peer.received
    assert accept["verified"] is True  # signed with the blog's key
    assert accept["body"]["type"] == "Accept" and accept["body"]["actor"] == BLOG
    assert accept["body"]["object"]["id"] == follow["id"]
    assert "digest" in accept["headers"]["Signature"]


def test_an_author_can_be_followed_and_accepts_as_themselves(site, peer):
    with site.app_context():
        from dreamweaver.models import User
        ann = db.session.scalar(sa.select(User).where(User.slug == "ann"))
        key = f"author:{ann.id}"
    trust_our_keys(site, peer, key)
    response = peer.post(site.test_client(), INBOX,
                         peer.activity("Follow", "http://localhost/ap/authors/ann"))
    assert response.status_code == 202
    assert peer.received[0]["verified"] is True
    assert peer.received[0]["body"]["actor"] == "http://localhost/ap/authors/ann"
    with site.app_context():
        assert db.session.scalars(sa.select(Follower)).one().local == key


def test_undo_removes_the_follower(site, peer):
    client = site.test_client()
    follow = peer.activity("Follow", BLOG)
    assert peer.post(client, INBOX, follow).status_code == 202
    assert stored(site)["followers"] == 1
    assert peer.post(client, INBOX, peer.activity("Undo", follow)).status_code == 202
    assert stored(site)["followers"] == 0


def test_following_no_one_here_is_404(site, peer):
    response = peer.post(site.test_client(), INBOX,
                         peer.activity("Follow", "http://localhost/ap/authors/nobody"))
    assert response.status_code == 404
    assert stored(site)["followers"] == 0 and stored(site)["seen"] == 0


def test_an_unsigned_activity_is_refused(site, peer):
    body = json.dumps(peer.activity("Follow", BLOG)).encode()
    response = site.test_client().post("/ap/inbox", data=body,
                                       content_type="application/activity+json")
    assert response.status_code == 401
    assert stored(site) == {"followers": 0, "seen": 0, "actors": 0}


def test_a_forged_signature_is_refused(site, peer):
    """Signed with another key under the peer's key id."""
    response = peer.post(site.test_client(), INBOX, peer.activity("Follow", BLOG), key=new_key())
    assert response.status_code == 401
    assert stored(site)["followers"] == 0 and stored(site)["seen"] == 0


def test_an_activity_in_someone_elses_name_is_refused(site, peer):
    forged = peer.activity("Follow", BLOG, actor="http://127.0.0.1:1/users/victim")
    assert peer.post(site.test_client(), INBOX, forged).status_code == 401
    assert stored(site)["followers"] == 0 and stored(site)["seen"] == 0


def test_a_replayed_request_is_refused(site, peer):
    client = site.test_client()
    body = json.dumps(peer.activity("Follow", BLOG)).encode()
    headers = peer.signed(INBOX, body)
    assert client.post("/ap/inbox", data=body, headers=headers).status_code == 202
    before = stored(site)
    assert client.post("/ap/inbox", data=body, headers=headers).status_code == 409
    assert stored(site) == before
    assert len(peer.received) == 1  # one Accept, not two


def test_an_oversized_activity_is_refused_before_it_is_read(site, peer):
    activity = peer.activity("Follow", BLOG, padding="x" * 300_000)
    assert peer.post(site.test_client(), INBOX, activity).status_code == 413
    assert stored(site) == {"followers": 0, "seen": 0, "actors": 0}


def test_a_signed_body_that_is_not_json_is_refused(site, peer):
    client = site.test_client()
    for body in (b"not json", b"[1, 2]", b"[" * 100_000):
        headers = peer.signed(INBOX, body)
        response = client.post("/ap/inbox", data=body, headers=headers)
        assert response.status_code == 400, body[:10]
    assert stored(site)["seen"] == 0


def test_a_rotated_key_is_fetched_again(site, peer):
    client = site.test_client()
    assert peer.post(client, INBOX, peer.activity("Follow", BLOG)).status_code == 202
    peer.rotate()
    assert peer.post(client, INBOX, peer.activity("Follow", BLOG)).status_code == 202
    with site.app_context():
        assert db.session.scalars(sa.select(RemoteActor)).one().public_pem == \
            peer.document()["publicKey"]["publicKeyPem"]


def test_a_peer_on_a_private_address_is_never_asked(site, peer):
    """Without FEDERATION_ALLOW_LOOPBACK the key cannot be fetched: refused."""
    site.config["FEDERATION_ALLOW_LOOPBACK"] = False
    assert peer.post(site.test_client(), INBOX, peer.activity("Follow", BLOG)).status_code == 401
    assert stored(site) == {"followers": 0, "seen": 0, "actors": 0}


@pytest.mark.parametrize("key_id", ["https://[::1", "not a url", "file:///etc/passwd#k",
                                    "http://127.0.0.1:1/users/gone#main-key"])
def test_a_key_that_cannot_be_had_is_refused(site, peer, key_id):
    response = peer.post(site.test_client(), INBOX, peer.activity("Follow", BLOG),
                         key_id=key_id)
    assert response.status_code == 401
    assert stored(site) == {"followers": 0, "seen": 0, "actors": 0}
