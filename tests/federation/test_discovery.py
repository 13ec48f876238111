"""How a fediverse server finds us (federation/discovery.py): WebFinger for the
blog (@host@host, as WordPress's plugin names it) and each author with a
published post, NodeInfo 2.1, and the actors' documents with their public
keys; all of it 404 while federation is off."""

import json

import pytest
from cryptography.hazmat.primitives import serialization

from dreamweaver.federation.models import ActorKey

ACTIVITY_JSON = "application/activity+json"


@pytest.fixture
def site(app, make):
    app.config["FEDERATION_ENABLED"] = True
    author = make.user("ann", display_name="Ann Writer", bio="Writes <about> things.")
    make.post("Out", author=author)
    make.user("quiet", display_name="Quiet One")  # nothing published
    return app


def get_json(client, url, **query):
    response = client.get(url, query_string=query)
    assert response.status_code == 200, (url, response.status_code)
    return response, json.loads(response.data)


@pytest.mark.parametrize("url", ["/.well-known/webfinger?resource=acct:localhost@localhost",
                                 "/.well-known/nodeinfo", "/nodeinfo/2.1", "/ap/blog",
                                 "/ap/authors/ann"])
def test_everything_is_404_while_federation_is_off(app, make, url):
    make.user("ann")
    assert app.test_client().get(url).status_code == 404
    assert app.test_client().post("/ap/inbox", data=b"{}").status_code == 404


def test_webfinger_finds_the_blog_and_its_authors(site):
    client = site.test_client()
    response, found = get_json(client, "/.well-known/webfinger",
                               resource="acct:localhost@localhost")
    assert response.content_type == "application/jrd+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert found["subject"] == "acct:localhost@localhost"
    self_link = {"rel": "self", "type": ACTIVITY_JSON, "href": "http://localhost/ap/blog"}
    assert self_link in found["links"]
    _, ann = get_json(client, "/.well-known/webfinger", resource="acct:ann@localhost")
    assert ann["subject"] == "acct:ann@localhost"
    assert "http://localhost/ap/authors/ann" in ann["aliases"]
    assert "http://localhost/author/ann/" in ann["aliases"]
    for resource in ("http://localhost/ap/authors/ann", "http://localhost/author/ann/"):
        _, again = get_json(client, "/.well-known/webfinger", resource=resource)
        assert again["subject"] == "acct:ann@localhost"


@pytest.mark.parametrize("resource", ["acct:quiet@localhost", "acct:nobody@localhost",
                                      "acct:ann@elsewhere.example", "acct:@localhost",
                                      "http://elsewhere.example/ap/blog", "mailto:ann@localhost"])
def test_webfinger_knows_no_one_else(site, resource):
    response = site.test_client().get("/.well-known/webfinger",
                                      query_string={"resource": resource})
    assert response.status_code == 404


def test_webfinger_needs_a_resource(site):
    assert site.test_client().get("/.well-known/webfinger").status_code == 400
    long = {"resource": "acct:" + "a" * 600 + "@localhost"}
    assert site.test_client().get("/.well-known/webfinger", query_string=long).status_code == 400


def test_nodeinfo(site):
    client = site.test_client()
    _, links = get_json(client, "/.well-known/nodeinfo")
    assert links["links"][0]["href"] == "http://localhost/nodeinfo/2.1"
    response, info = get_json(client, "/nodeinfo/2.1")
    assert "nodeinfo.diaspora.software/ns/schema/2.1" in response.content_type
    assert info["software"]["name"] == "dreamweaver" and info["protocols"] == ["activitypub"]
    assert info["usage"] == {"users": {"total": 1}, "localPosts": 1}
    assert info["openRegistrations"] is False


def test_the_actors_documents(site):
    client = site.test_client()
    response, blog = get_json(client, "/ap/blog")
    assert response.content_type == ACTIVITY_JSON
    assert blog["id"] == "http://localhost/ap/blog" and blog["type"] == "Group"
    assert blog["preferredUsername"] == "localhost"
    assert blog["inbox"] == "http://localhost/ap/inbox"
    assert blog["endpoints"]["sharedInbox"] == "http://localhost/ap/inbox"
    key = blog["publicKey"]
    assert key["id"] == "http://localhost/ap/blog#main-key" and key["owner"] == blog["id"]
    serialization.load_pem_public_key(key["publicKeyPem"].encode())
    assert "PRIVATE" not in response.get_data(as_text=True)
    _, ann = get_json(client, "/ap/authors/ann")
    assert ann["type"] == "Person" and ann["name"] == "Ann Writer"
    assert ann["summary"] == "<p>Writes &lt;about&gt; things.</p>"
    assert ann["url"] == "http://localhost/author/ann/"
    assert ann["publicKey"]["publicKeyPem"] != key["publicKeyPem"]
    assert client.get("/ap/authors/quiet").status_code == 404
    assert client.get("/ap/authors/nobody").status_code == 404


def test_keys_are_made_once(site):
    from dreamweaver.extensions import db

    client = site.test_client()
    first = get_json(client, "/ap/blog")[1]["publicKey"]["publicKeyPem"]
    assert get_json(client, "/ap/blog")[1]["publicKey"]["publicKeyPem"] == first
    with site.app_context():
        assert db.session.query(ActorKey).filter_by(actor="blog").count() == 1


@pytest.mark.parametrize("resource", ["acct:\x00@localhost", "acct:a@b@localhost",
                                      "acct:é@localhost", "acct:localhost", "acct:", "http://", "https://[::1",
                                      "acct:ann@LOCALHOST", "%", "acct:ann%00@localhost"])
def test_odd_resources_get_an_answer_not_an_error(site, resource):
    response = site.test_client().get("/.well-known/webfinger",
                                      query_string={"resource": resource})
    assert response.status_code in (200, 400, 404)


def test_odd_author_slugs_are_404(site):
    client = site.test_client()
    for slug in ("%00", "..", "a" * 300, "é"):
        assert client.get(f"/ap/authors/{slug}").status_code == 404


@pytest.mark.parametrize("site_url,setting,on", [
    ("https://dreams.example", None, True), ("http://dreams.example", None, False),
    ("https://localhost:8443", None, False), ("https://10.0.0.5", None, False),
    (None, None, False), ("https://dreams.example", False, False),
    ("http://127.0.0.1:5000", True, True),
])
def test_on_by_default_for_a_public_https_site_only(app, site_url, setting, on):
    app.config.update(SITE_URL=site_url, FEDERATION_ENABLED=setting)
    status = app.test_client().get("/.well-known/nodeinfo").status_code
    assert status == (200 if on else 404)
