"""Our posts to the fediverse (federation/publishing.py, objects.py): a post
that comes out is sent as Create(Article) by its author to the author's
followers and announced by the blog to the blog's; an edit sends Update; a
post readers can no longer see sends Delete; protected, private, draft and
not-yet-due posts, and posts from before federation began, are never sent;
each server's shared inbox gets one copy. The outbox pages the same."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.federation import keys, publishing
from dreamweaver.federation.models import FederatedPost, Follower, RemoteActor
from dreamweaver.models import Post, SiteState, User

INBOX = "http://localhost/ap/inbox"
BLOG = "http://localhost/ap/blog"
ANN = "http://localhost/ap/authors/ann"


@pytest.fixture
def site(federated, make):
    app = federated
    with app.app_context():  # federation began long ago: every test post is new to it
        db.session.merge(SiteState(key=publishing.SINCE, value=0))
        db.session.commit()
    make.user("ann", display_name="Ann Writer")
    return app


def ann(site) -> User:
    with site.app_context():
        return db.session.scalar(sa.select(User).where(User.slug == "ann"))


def follow(site, peer, whom):
    response = peer.post(site.test_client(), INBOX, peer.activity("Follow", whom))
    assert response.status_code == 202
    peer.received.clear()  # the Accept


def trust(site, peer, author):
    with site.app_context():
        peer.trusted[BLOG + "#main-key"] = keys.public_pem("blog")
        peer.trusted[ANN + "#main-key"] = keys.public_pem(f"author:{author.id}")
        db.session.commit()


def sync(site, now=None):
    with site.app_context():
        done = publishing.sync(now)
        db.session.commit()
        return done


def sent(peer, kind):
    return [r for r in peer.received if r["body"]["type"] == kind]


def test_a_new_post_is_created_by_its_author_and_announced_by_the_blog(site, peer, make):
    author = ann(site)
    tag = make.tag("Deep Sleep")
    make.post("Fresh News", author=author, tags=[tag])  # before anyone followed: still new
    follow(site, peer, ANN)
    follow(site, peer, BLOG)
    trust(site, peer, author)
    assert sync(site) == 1
    [create] = sent(peer, "Create")
    assert create["verified"] is True and create["path"] == "/inbox"  # the shared inbox
    article = create["body"]["object"]
    assert create["body"]["actor"] == ANN and article["attributedTo"] == ANN
    assert article["type"] == "Article" and article["name"] == "Fresh News"
    assert article["url"].startswith("http://localhost/20") and "fresh-news" in article["url"]
    assert "https://www.w3.org/ns/activitystreams#Public" in article["to"]
    assert {"type": "Hashtag", "name": "#DeepSleep",
            "href": "http://localhost/tag/deep-sleep/"} in article["tag"]
    [announce] = sent(peer, "Announce")
    assert announce["verified"] is True and announce["body"]["actor"] == BLOG
    assert announce["body"]["object"] == article["id"]
    peer.received.clear()
    assert sync(site) == 0 and peer.received == []  # sent once


def test_an_edit_sends_update_and_trashing_sends_delete(site, peer, make):
    author = ann(site)
    post = make.post("Changing", author=author)
    follow(site, peer, ANN)
    trust(site, peer, author)
    sync(site)
    peer.received.clear()
    with site.app_context():
        db.session.execute(sa.update(Post).where(Post.id == post.id).values(
            title="Changed", modified_at=datetime.now(UTC) + timedelta(seconds=1)))
        db.session.commit()
    assert sync(site) == 1
    [update] = sent(peer, "Update")
    assert update["verified"] and update["body"]["object"]["name"] == "Changed"
    with site.app_context():
        db.session.execute(sa.update(Post).where(Post.id == post.id).values(status="trash"))
        db.session.commit()
    assert sync(site) == 1
    [delete] = sent(peer, "Delete")
    assert delete["verified"] and delete["body"]["object"]["type"] == "Tombstone"
    assert delete["body"]["actor"] == ANN
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FederatedPost)) == 0


@pytest.mark.parametrize("fields", [
    {"password": "secret"}, {"status": "private"}, {"status": "draft"},
    {"status": "scheduled", "published_at": datetime.now(UTC) + timedelta(days=1)},
    {"kind": "page"},
])
def test_what_readers_cannot_all_see_is_never_sent(site, peer, make, fields):
    make.post("Not for everyone", author=ann(site), **fields)
    follow(site, peer, BLOG)  # (Ann has nothing public to be followed for)
    assert sync(site) == 0 and peer.received == []


def test_a_scheduled_post_is_sent_when_it_comes_due(site, peer, make):
    due = datetime.now(UTC) + timedelta(hours=1)
    later = make.post("Later", status="scheduled", published_at=due)  # the blog's own
    follow(site, peer, BLOG)
    assert sync(site) == 0
    assert sync(site, now=due + timedelta(minutes=1)) == 1
    assert sent(peer, "Create")[0]["body"]["object"]["id"].endswith(f"/ap/posts/{later.id}")


def test_posts_from_before_federation_began_are_never_sent(app, peer, make):
    app.config.update(FEDERATION_ENABLED=True, FEDERATION_ALLOW_LOOPBACK=True)
    with app.app_context():  # federation never ran here
        db.session.execute(sa.delete(SiteState).where(SiteState.key == publishing.SINCE))
        db.session.commit()
    make.post("The archive", published_at=datetime(2020, 1, 1, tzinfo=UTC))
    follow(app, peer, BLOG)
    assert sync(app) == 0  # the first run marks the start
    assert sync(app) == 0 and peer.received == []


def test_one_copy_per_shared_inbox(site, peer, make):
    follow(site, peer, BLOG)
    with site.app_context():  # a second person on the same server
        other = RemoteActor(uri=peer.base + "/users/other", key_id=peer.base + "/users/other#k",
                            public_pem="", inbox=peer.base + "/users/other/inbox",
                            shared_inbox=peer.base + "/inbox", domain="127.0.0.1")
        db.session.add(other)
        db.session.flush()
        db.session.add(Follower(local="blog", actor_id=other.id))
        db.session.commit()
    make.post("Once each")  # no author: the blog writes it
    assert sync(site) == 1
    assert len(peer.received) == 1 and peer.received[0]["body"]["type"] == "Create"


def test_the_outbox_and_the_objects(site, make):
    author = ann(site)
    for n in range(22):
        make.post(f"Post {n}", author=author if n % 2 else None)
    make.post("Protected", password="x")
    client = site.test_client()
    outbox = client.get("/ap/blog/outbox").get_json()
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 22
    first = client.get("/ap/blog/outbox?page=1").get_json()
    assert len(first["orderedItems"]) == 20 and first["next"].endswith("?page=2")
    assert first["orderedItems"][0]["type"] == "Create"
    second = client.get("/ap/blog/outbox?page=2").get_json()
    assert len(second["orderedItems"]) == 2 and "next" not in second
    assert client.get("/ap/blog/outbox?page=3").status_code == 404
    assert client.get("/ap/blog/outbox?page=x").status_code == 404
    assert client.get("/ap/authors/ann/outbox").get_json()["totalItems"] == 11
    article = first["orderedItems"][0]["object"]
    fetched = client.get(article["id"].removeprefix("http://localhost"))
    assert fetched.status_code == 200 and fetched.get_json()["name"] == article["name"]
    with site.app_context():
        protected = db.session.scalar(sa.select(Post.id).where(Post.title == "Protected"))
    assert client.get(f"/ap/posts/{protected}").status_code == 404
    assert client.get("/ap/posts/999999").status_code == 404


def test_the_followers_collections_count(site, peer):
    follow(site, peer, BLOG)
    client = site.test_client()
    assert client.get("/ap/blog/followers").get_json()["totalItems"] == 1
    assert client.get("/ap/authors/ann/followers").status_code == 404  # nothing published yet


def test_addresses_in_the_text_are_absolute(site, make):
    post = make.post("Pictured", source="See [the archive](/2024/) and ![a cat](/media/cat.jpg).")
    with site.test_request_context():
        from dreamweaver.federation import objects

        content = objects.article(db.session.get(Post, post.id))["content"]
    assert 'href="http://localhost/2024/"' in content
    assert "http://localhost/media/cat.jpg" in content
    assert 'href="/' not in content and 'src="/' not in content


def test_a_run_outside_any_request_builds_the_same_article(site, peer, make):
    """The worker's periodic run has no request: addresses come from SITE_URL."""
    site.config["SITE_URL"] = "https://dreams.example"
    make.post("From the worker")
    with site.app_context():
        from dreamweaver.federation import objects

        post = db.session.scalar(sa.select(Post).where(Post.title == "From the worker"))
        article = objects.article(post)
    assert article["id"].startswith("https://dreams.example/ap/posts/")
    assert article["url"].startswith("https://dreams.example/20")
