"""Every route in the URL map, walked: security headers on every answer (admin
and feeds included), safe cookies, and no 5xx for any bad input we can think of."""

import itertools
import re
from datetime import UTC, datetime

import pytest
from flask import url_for

from dreamweaver.security import HEADERS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")


@pytest.fixture
def site(make):
    category, tag = make.category("Neuroscience"), make.tag("Awe")
    author = make.user("walker", display_name="Route Walker")
    post = make.post("Walked", published_at=datetime(2023, 8, 2, tzinfo=UTC),
                     categories=[category], tags=[tag], author=author)
    page = make.post("About", kind="page")
    comment = make.comment(post)
    media = make.media()
    local = post.published_local
    slugs = {"blog.author": author.slug, "blog.category": category.slug,
             "feeds.category": category.slug, "blog.tag": tag.slug, "feeds.tag": tag.slug,
             "feeds.author": author.slug}
    page_endpoints = {"blog.page", "blog.unlock_page", "comments.create_on_page",
                      "feeds.page_comments"}
    values = {"year": local.year, "month": local.month, "day": local.day, "page": 2,
              "cpage": 1, "post_id": post.id, "comment_id": comment.id,
              "category_id": category.id, "action": "approve", "number": 1,
              "filename": "css/site.css", "path": "about/child", "media_id": media.id,
              "key": media.key, "token": "not-a-token", "user_id": author.id,
              "message_id": 1, "follower_id": 1, "block_id": 1}
    return {"values": values, "slugs": slugs, "page_endpoints": page_endpoints,
            "post_slug": post.slug, "page_slug": page.slug}


def every_route(app, site) -> list[tuple[str, str, frozenset]]:
    """(endpoint, URL, methods) for each rule, filled with real values."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            args = {}
            for name in rule.arguments:
                if name == "slug":
                    args[name] = site["slugs"].get(rule.endpoint) or (
                        site["page_slug"] if rule.endpoint in site["page_endpoints"]
                        else site["post_slug"])
                else:
                    args[name] = site["values"][name]
            url = url_for(rule.endpoint, **args)
            found.append((rule.endpoint, url, frozenset(rule.methods)))
    assert len(found) >= 50  # the whole map, not a sample
    return found


def check_headers(response, where):
    expected = dict(HEADERS)
    if "/not-a-token" in where[2]:
        # A page whose address holds an emailed token sends no Referer at all:
        # the token must not reach another site in one.
        expected["Referrer-Policy"] = "no-referrer"
    for name, value in expected.items():
        assert response.headers.get(name) == value, (where, name)
    assert response.status_code < 500, where


@pytest.mark.parametrize("signed_in", [False, True])
def test_security_headers_on_every_route(app, client, auth, site, signed_in):
    if signed_in:
        auth.login()
    for endpoint, url, methods in every_route(app, site):
        for method in sorted(methods - {"OPTIONS", "HEAD"}):
            for headers in ({}, {"HX-Request": "true"}):
                response = client.open(url, method=method, headers=headers)
                check_headers(response, (endpoint, method, url, headers))


def test_hsts_and_secure_cookies_over_https(app, client, make, site):
    make.account("owner", "administrator", "correct horse battery")
    https = {"base_url": "https://localhost"}
    for url in ("/", "/admin/login", "/feed/", "/robots.txt"):
        response = client.get(url, **https)
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    response = client.get("/admin/login", **https)
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" not in client.get("/").headers


BAD_QUERIES = [
    "a=" + "x" * 100_000,
    "s=%", "s=%zz", "s=%ff%fe", "p=%00", "s=\x01\x02", "page=-1", "p=99999999999999999999",
    "replytocom=abc", "replytocom=" + "9" * 40, "cat=%00", "m=2024%0013", "m=999999",
    "cat=" + "9" * 40, "author=%00", "tag=a%00", "feed=%00", "year=0&monthnum=99&day=99",
    "paged=" + "9" * 40, "m=99999999",
    "&&&===&&", "s[]=1&s[]=2", "next=//evil.example", "status=%ff", "v=../../etc/passwd",
]
BAD_HEADERS = [
    {"HX-Request": "\x00"}, {"HX-Request": "true", "HX-Target": "x" * 5000},
    {"HX-History-Restore-Request": "maybe"}, {"Cookie": "session=%%%; dw_commenter=\x7f"},
    {"Cookie": "dw_postpass=" + "a" * 4000}, {"If-None-Match": '"unterminated'},
    {"If-Modified-Since": "yesterday"}, {"Accept-Encoding": "br;q=abc, *;q=-1"},
    {"Content-Type": "multipart/form-data; boundary="}, {"Origin": "null"},
    {"X-Request-ID": "../../etc"}, {"Range": "bytes=999999999-"}, {"Content-Length": "abc"},
]


def test_bad_input_never_gets_a_5xx(app, client, site):
    routes = every_route(app, site)
    seen = 0
    for (endpoint, url, _), method in itertools.product(routes, METHODS):
        # Every bad query on reads; writes refuse early, a few show they do so cleanly.
        for query in BAD_QUERIES if method == "GET" else BAD_QUERIES[:2]:
            response = client.open(f"{url}?{query}", method=method)
            assert response.status_code < 500, (endpoint, method, url, query)
            seen += 1
    for (endpoint, url, _), headers in itertools.product(routes, BAD_HEADERS):
        method = "POST" if "Content" in str(headers) or "Origin" in headers else "GET"
        response = client.open(url, method=method, headers=headers, data=b"\xff\x00junk")
        assert response.status_code < 500, (endpoint, method, url, headers)
        seen += 1
    assert seen > 2000


@pytest.mark.parametrize("path", [
    "/" + "a" * 10_000 + "/", "/category/" + "b" * 5000 + "/", "/%00/", "/%ff%fe/",
    "/2024/%00%00/", "/" + "x/" * 500, "/static/../app.py", "/static/%2e%2e/app.py",
    "/admin/" + "%" * 300, "/tag/%E2%80%AE%E2%80%AE/", "/author/\u202e/", "/feed/%0d%0aX: y/",
])
def test_overlong_and_malformed_paths(client, site, path):
    for method in ("GET", "POST", "HEAD"):
        response = client.open(path, method=method)
        assert response.status_code < 500, (method, path)
        assert response.status_code != 200 or "static" not in path


def test_every_cookie_is_httponly_lax_and_secure_over_https(app, client, make):
    app.config["COMMENT_MODERATION"] = True  # a first comment is held: dw_held too
    make.post("Cookies", published_at=datetime(2023, 8, 2, tzinfo=UTC))
    vault = make.post("Vault", kind="page", password="pw")
    https = {"base_url": "https://localhost", "headers": {"Sec-Fetch-Site": "same-origin"}}
    page = client.get("/2023/08/02/cookies/", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    commented = client.post("/2023/08/02/cookies/comments/", data={
        "comment": "Over https.", "author": "Secure Reader", "email": "s@example.org",
        "url": "", "comment_parent": "0", "cookies_consent": "yes", "csrf_token": token,
    }, **https)
    unlocked = client.post(f"/{vault.slug}/", data={"post_password": "pw"}, **https)
    cookies = commented.headers.getlist("Set-Cookie") + unlocked.headers.getlist("Set-Cookie")
    names = {cookie.split("=", 1)[0] for cookie in cookies}
    assert {"dw_commenter", "dw_held", "dw_postpass"} <= names, cookies
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
