"""Sending Webmentions: when a post comes out, each site it links to is told
(at most MAX_LINKS of them, a task each), at the endpoint its page names (Link header
first, then the first <link> or <a> with rel="webmention", as the spec
orders them). Every request goes through `outbound`: the addresses are an
author's, but the pages and endpoints they lead to are anyone's."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin, urlsplit

from .. import tasks
from ..extensions import db
from ..models import Post, utcnow
from ..permalinks import post_url
from ..public_url import absolute, public_url, request_context
from . import mentions, outbound
from .objects import federable

MAX_LINKS = 20
MAX_PAGE_BYTES = 1024 * 1024
SECONDS = 10.0
_HREF = re.compile(r'<a\s[^>]*?href="(https?://[^"]+)"', re.IGNORECASE)
_LINK_VALUE = re.compile(r'<([^>]*)>\s*((?:;[^,]*)*)')
_REL = re.compile(r';\s*rel\s*=\s*"?([^";]*)"?', re.IGNORECASE)


def links_in(post: Post) -> list[str]:
    """The other sites' addresses the post's text links to, each once, in order."""
    ours = urlsplit(public_url("blog.index")).netloc.lower()
    found = []
    for address in _HREF.findall(post.content_html or ""):
        address = address.replace("&amp;", "&")
        try:
            host = urlsplit(address).netloc.lower()
        except ValueError:
            continue
        if host and host != ours and address not in found:
            found.append(address)
    return found[:MAX_LINKS]


@tasks.task(retries=0, timeout=60)
def send_for(post_id: int) -> None:
    """One task per site the post links to: a slow one delays no other."""
    post = db.session.get(Post, post_id)
    if post is None or not federable(post, utcnow()):
        return
    with request_context():
        source = absolute(post_url(post))
    for target in links_in(post):
        tasks.enqueue(send_one, source, target)
    db.session.commit()  # the tasks go to the queue on commit


@tasks.task(retries=0, timeout=60)
def send_one(source: str, target: str) -> None:
    try:
        endpoint = endpoint_of(target)
        if endpoint:
            outbound.fetch(endpoint, method="POST", max_bytes=64 * 1024, timeout=SECONDS,
                           headers={"Content-Type": "application/x-www-form-urlencoded"},
                           body=urlencode({"source": source, "target": target}).encode())
    except outbound.Refused:
        return  # that site is unreachable or refused: not tried again


def endpoint_of(target: str) -> str | None:
    """Where `target`'s Webmentions go, or None when it takes none."""
    answer = outbound.fetch(target, headers={"Accept": "text/html"},
                            max_bytes=MAX_PAGE_BYTES, timeout=SECONDS)
    if answer.status != 200:
        return None
    for value in _LINK_VALUE.finditer(answer.headers.get("link", "")):
        rels = " ".join(_REL.findall(value.group(2))).split()
        if "webmention" in rels:
            return urljoin(answer.url, value.group(1).strip())
    if answer.content_type not in ("text/html", "application/xhtml+xml"):
        return None
    page = mentions.parse(answer.body.decode("utf-8", "replace"))
    element = page.find(["link", "a"], rel="webmention", href=True)
    return urljoin(answer.url, element["href"]) if element is not None else None
