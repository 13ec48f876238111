"""/admin/fediverse/ (administrators only): followers with Remove and Block,
blocked actors and servers with Unblock, a server blocked by name; plain
forms that redirect, and htmx swaps. A blocked server's or actor's
activities are dropped and store nothing."""

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.federation.models import Block, Follower, RemoteActor, SeenActivity
from tests.support.auth import csrf_token
from tests.support.responses import text

SCREEN = "/admin/fediverse/"
HX = {"HX-Request": "true"}
INBOX = "http://localhost/ap/inbox"
BLOG = "http://localhost/ap/blog"


@pytest.fixture
def site(federated, make):
    app = federated
    make.post("Out")
    return app


def followed(site, peer) -> int:
    response = peer.post(site.test_client(), INBOX, peer.activity("Follow", BLOG))
    assert response.status_code == 202
    with site.app_context():
        return db.session.scalar(sa.select(Follower.id))


def count(site, model) -> int:
    with site.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_only_administrators_see_it(site, client, auth):
    assert client.get(SCREEN).status_code in (302, 303)
    auth.login("writer", role="author")
    assert client.get(SCREEN).status_code == 403


def test_followers_are_listed(site, peer, client, auth):
    followed(site, peer)
    auth.login()
    page = text(client.get(SCREEN))
    assert "Peer Reviewer" in page and "@peer@127.0.0.1" in page and "the blog" in page
    assert 'Followers <span class="count">(1)</span>' in page


def test_the_screen_says_when_federation_is_off(app, client, auth):
    auth.login()
    assert "Federation is off" in text(client.get(SCREEN))


def test_remove_a_follower_with_a_plain_form(site, peer, client, auth):
    follower = followed(site, peer)
    auth.login()
    response = client.post(f"/admin/fediverse/followers/{follower}/remove",
                           data={"csrf_token": csrf_token(client, SCREEN)})
    assert response.status_code == 303
    assert count(site, Follower) == 0 and count(site, Block) == 0
    assert "no longer follows the blog" in text(client.get(SCREEN))


def test_block_an_actor_with_htmx_and_their_activities_are_dropped(site, peer, client, auth):
    follower = followed(site, peer)
    auth.login()
    response = client.post(f"/admin/fediverse/followers/{follower}/block", headers=HX,
                           data={"csrf_token": csrf_token(client, SCREEN)})
    assert response.status_code == 200 and "is blocked" in text(response)
    assert count(site, Follower) == 0
    seen = count(site, SeenActivity)
    again = peer.post(site.test_client(), INBOX, peer.activity("Follow", BLOG))
    assert again.status_code == 202
    assert count(site, Follower) == 0 and count(site, SeenActivity) == seen


def test_block_a_server_by_name(site, peer, client, auth):
    followed(site, peer)
    auth.login()
    token = csrf_token(client, SCREEN)
    response = client.post("/admin/fediverse/blocks", data={"csrf_token": token,
                                                            "domain": " https://127.0.0.1/ "})
    assert response.status_code == 303
    assert count(site, Follower) == 0
    with site.app_context():
        assert db.session.scalars(sa.select(Block)).one().value == "127.0.0.1"
    dropped = peer.post(site.test_client(), INBOX, peer.activity("Follow", BLOG))
    assert dropped.status_code == 202 and count(site, Follower) == 0
    assert count(site, RemoteActor) == 1  # kept from before; nothing new fetched


@pytest.mark.parametrize("typed", ["", "not a domain", "exa mple.org", "-bad-.org", "a" * 400,
                                   "javascript:alert(1)", "example"])
def test_a_name_that_is_not_a_server_is_refused(site, client, auth, typed):
    auth.login()
    response = client.post("/admin/fediverse/blocks", headers=HX,
                           data={"csrf_token": csrf_token(client, SCREEN), "domain": typed})
    assert response.status_code == 422
    assert count(site, Block) == 0


def test_unblock(site, client, auth):
    auth.login()
    token = csrf_token(client, SCREEN)
    client.post("/admin/fediverse/blocks", data={"csrf_token": token, "domain": "Bad.Example"})
    with site.app_context():
        block = db.session.scalars(sa.select(Block)).one()
        assert block.value == "bad.example"
    response = client.post(f"/admin/fediverse/blocks/{block.id}/unblock", headers=HX,
                           data={"csrf_token": token})
    assert response.status_code == 200 and "no longer blocked" in text(response)
    assert count(site, Block) == 0


def test_a_subdomain_of_a_blocked_server_is_blocked(site):
    from dreamweaver.federation import followers

    with site.app_context():
        db.session.add(Block(kind="domain", value="bad.example"))
        db.session.commit()
        assert followers.is_blocked("https://social.bad.example/users/x#main-key")
        assert followers.is_blocked("https://bad.example/users/x")
        assert not followers.is_blocked("https://notbad.example/users/x")
        assert not followers.is_blocked("https://good.example/users/x")


def test_writes_need_the_token(site, peer, client, auth):
    follower = followed(site, peer)
    auth.login()
    for url in (f"/admin/fediverse/followers/{follower}/remove",
                f"/admin/fediverse/followers/{follower}/block", "/admin/fediverse/blocks"):
        assert client.post(url, data={"domain": "x.example"}).status_code == 400
    assert count(site, Follower) == 1 and count(site, Block) == 0
    assert client.post("/admin/fediverse/followers/999/remove",
                       data={"csrf_token": csrf_token(client, SCREEN)}).status_code == 404
