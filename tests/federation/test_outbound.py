"""Requests made because of someone else's input refuse every address that
is not a public one (after DNS, in every spelling), and are bounded in size,
time and redirects (federation/outbound.py). The peer is a real server on
127.0.0.1: reachable only when FEDERATION_ALLOW_LOOPBACK says so, which is
how a refusal that failed would show (the request would succeed)."""

import time

import pytest

from dreamweaver.federation.outbound import Refused, check_address, fetch
from tests.support.http_peer import HttpPeer


@pytest.fixture(scope="module")
def peer():
    server = HttpPeer()
    yield server
    server.stop()


@pytest.fixture
def loopback(app):
    app.config["FEDERATION_ALLOW_LOOPBACK"] = True
    with app.app_context():
        yield app


@pytest.fixture
def strict(app):
    with app.app_context():
        yield app


def test_a_plain_request_is_made_and_says_who_it_is(loopback, peer):
    answer = fetch(peer.url + "/ok")
    assert answer.status == 200 and answer.body == b"hello" and answer.content_type == "text/plain"
    echoed = fetch(peer.url + "/echo").body.decode()
    assert "User-Agent: Dreamweaver/" in echoed
    assert f"Host: 127.0.0.1:{peer.port}" in echoed
    assert "Accept-Encoding: identity" in echoed


@pytest.mark.parametrize("spelling", [
    "127.0.0.1", "localhost", "2130706433", "0x7f000001", "0177.0.0.1", "127.1",
    "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:1]",
])
def test_loopback_in_every_spelling_is_refused(strict, peer, spelling):
    before = len(peer.seen)
    with pytest.raises(Refused):
        fetch(f"http://{spelling}:{peer.port}/ok")
    assert len(peer.seen) == before  # the peer was never asked


@pytest.mark.parametrize("address", [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",  # noqa: S104
    "224.0.0.1", "255.255.255.255", "198.18.0.1",
    "[fe80::1]", "[fc00::1]", "[fd12:3456::1]", "[::]", "[ff02::1]",
    "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]", "[2002:a00:1::]", "[2002:7f00:1::]",
    "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]", "[::127.0.0.1]", "[::10.0.0.1]", "[fec0::1]",
    "167772161",  # 10.0.0.1 in decimal
])
def test_private_link_local_and_reserved_addresses_are_refused(loopback, address):
    """Even with loopback allowed: those are never reachable from here."""
    started = time.monotonic()
    with pytest.raises(Refused, match="not a public address"):
        fetch(f"http://{address}/")
    assert time.monotonic() - started < 1  # refused before any connection


def test_public_addresses_pass_the_check():
    for address in ("93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001::200e"):
        check_address(address, allow_loopback=False)


@pytest.mark.parametrize("url", [
    "ftp://127.0.0.1/", "file:///etc/passwd", "gopher://127.0.0.1/", "http://user:pw@127.0.0.1/",
    "http:///nohost", "http://127.0.0.1:99999/", "javascript:alert(1)", "http://[::1",
    "https://[not-an-address]/", "http://127.0.0.1:port/",
])
def test_other_schemes_and_odd_addresses_are_refused(loopback, url):
    with pytest.raises(Refused):
        fetch(url)


def test_redirects_are_followed_a_few_times_only(loopback, peer):
    assert fetch(peer.url + "/redirect/2").body == b"hello"  # 3 redirects
    with pytest.raises(Refused, match="redirects"):
        fetch(peer.url + "/redirect/3")


@pytest.mark.parametrize("target", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
                                    "http://[::ffff:192.168.0.1]/", "file:///etc/passwd"])
def test_a_redirect_to_a_private_address_is_refused(loopback, peer, target):
    with pytest.raises(Refused):
        fetch(f"{peer.url}/to?url={target}")


def test_a_redirect_to_loopback_is_refused_when_loopback_is(strict, peer, app):
    app.config["FEDERATION_ALLOW_LOOPBACK"] = True
    first = fetch(f"{peer.url}/to?url={peer.url}/ok")  # allowed for the test peer...
    assert first.body == b"hello"
    app.config["FEDERATION_ALLOW_LOOPBACK"] = False
    with pytest.raises(Refused):  # ...and refused at the first hop without it
        fetch(f"{peer.url}/to?url={peer.url}/ok")


def test_a_large_answer_is_cut_off(loopback, peer):
    with pytest.raises(Refused, match="larger than"):
        fetch(peer.url + "/big", max_bytes=1024 * 1024)
    with pytest.raises(Refused, match="larger than"):
        fetch(peer.url + "/big-declared")
    assert len(fetch(peer.url + "/big", max_bytes=3 * 1024 * 1024).body) == 2 * 1024 * 1024


def test_a_compressed_answer_is_refused(loopback, peer):
    with pytest.raises(Refused, match="compressed"):
        fetch(peer.url + "/gzip")


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_a_trickling_server_is_given_up_on_in_time(loopback, peer, path):
    """Each byte comes well within a read's timeout; the whole never does."""
    started = time.monotonic()
    with pytest.raises(Refused, match="in time|failed"):
        fetch(peer.url + path, timeout=1.0)
    assert time.monotonic() - started < 2.5


def test_a_post_is_sent_and_a_see_other_becomes_a_get(loopback, peer):
    answer = fetch(peer.url + "/inbox", method="POST", body=b'{"a": 1}',
                   headers={"Content-Type": "application/activity+json"})
    assert answer.status == 202
    assert peer.seen[-1][0] == "POST" and peer.seen[-1][3] == b'{"a": 1}'
    assert fetch(peer.url + "/see-other", method="POST", body=b"x").body == b"hello"


def test_an_address_in_any_script_is_sent_percent_encoded(loopback, peer):
    assert fetch(peer.url + "/café?q=ünï").status == 404  # asked, not raised
    method, path, _headers = peer.server.seen[-1]  # (the peer keeps paths without queries)
    assert (method, path) == ("GET", "/caf%C3%A9")


def test_a_host_idna_cannot_spell_is_refused_not_raised(loopback):
    with pytest.raises(Refused):
        fetch("http://" + "a" * 64 + ".example/")
