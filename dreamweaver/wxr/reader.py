"""Streaming reader for WXR 1.0-1.2 files.

Two passes over the file, never the whole of it in memory: `check` validates
it (well-formed, an <rss> with a WXR channel and version) and counts items;
`records` yields the channel's children one by one as plain dicts. DTDs and
entities are refused (defusedxml), which stops entity bombs and external
entities before they expand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

VERSIONS = ("1.0", "1.1", "1.2")
WP_NAMESPACES = frozenset(
    f"{scheme}://wordpress.org/export/{v}/" for scheme in ("http", "https") for v in VERSIONS
)
PREFIXES = {
    **{ns: "wp" for ns in WP_NAMESPACES},
    **{f"{ns}excerpt/": "excerpt" for ns in WP_NAMESPACES},
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_VERSION = re.compile(r"^1\.[0-2]$")
_NUL = "\x00"


class WXRError(Exception):
    """The file cannot be imported; the message says why."""


@dataclass
class Summary:
    version: str | None = None
    items: int = 0
    title: str = ""
    link: str = ""
    blog_url: str = ""
    base_urls: list[str] = field(default_factory=list)


def name(tag: str) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id'; unknown namespaces kept."""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        prefix = PREFIXES.get(uri)
        return f"{prefix}:{local}" if prefix else tag
    return tag


def _text(element) -> str:
    return (element.text or "").replace(_NUL, "").strip()


def _raw(element) -> str:
    return (element.text or "").replace(_NUL, "")


def _stream(path):
    """(event, element, depth) for a file, refusing DTDs, entities and bad XML."""
    depth = 0
    try:
        for event, element in iterparse(
            str(path), events=("start", "end", "start-ns"),
            forbid_dtd=True, forbid_entities=True, forbid_external=True,
        ):
            if event == "start":
                depth += 1
                yield event, element, depth
            elif event == "end":
                yield event, element, depth
                depth -= 1
            else:
                yield event, element, depth
    except ParseError as error:
        raise WXRError(f"{path} is not well-formed XML ({error}); nothing was imported.") from None
    except DefusedXmlException as error:
        raise WXRError(
            f"{path} declares a DTD or entities, which WXR files never need and which can "
            f"be used for attacks ({type(error).__name__}); nothing was imported."
        ) from None
    except OSError as error:
        raise WXRError(f"cannot read {path}: {error}") from None


def check(path) -> Summary:
    """Pass 1: the whole file is well-formed WXR; count its items."""
    summary = Summary()
    saw_wp_namespace = False
    root = channel = None
    for event, element, depth in _stream(path):
        if event == "start-ns":
            if element[1] in WP_NAMESPACES:
                saw_wp_namespace = True
            continue
        if event == "start":
            if depth == 1:
                root = element.tag
                if root != "rss":
                    raise WXRError(f"{path} is not a WordPress export: its root element is "
                                   f"<{name(root)}>, not <rss>; nothing was imported.")
            elif depth == 2 and element.tag == "channel":
                channel = element
            continue
        if depth == 3 and channel is not None and element in list(channel):
            tag = name(element.tag)
            if tag == "item":
                summary.items += 1
            elif tag == "wp:wxr_version":
                summary.version = _text(element)
            elif tag == "title":
                summary.title = _text(element)
            elif tag == "link":
                summary.link = _text(element)
            elif tag in ("wp:base_site_url", "wp:base_blog_url"):
                summary.base_urls.append(_text(element))
                if tag == "wp:base_blog_url":
                    summary.blog_url = _text(element)
            channel.remove(element)  # keep memory flat: nothing accumulates
    if root is None:
        raise WXRError(f"{path} is empty; nothing was imported.")
    if channel is None:
        raise WXRError(f"{path} is not a WordPress export: it has no <channel>; "
                       "nothing was imported.")
    if summary.version is None:
        if not saw_wp_namespace:
            raise WXRError(f"{path} is not a WordPress export (no WXR version and no "
                           "wordpress.org/export namespace); nothing was imported.")
    elif not _VERSION.match(summary.version):
        raise WXRError(f"{path} has an invalid or unsupported WXR version "
                       f"{summary.version!r} (1.0 to 1.2 are supported); nothing was imported.")
    return summary


def records(path):
    """Pass 2: ('author'|'category'|'tag'|'term'|'item'|..., dict) for each channel child."""
    parents = []
    for event, element, depth in _stream(path):
        if event == "start-ns":
            continue
        if event == "start":
            if depth <= 2:
                parents.append(element)
            continue
        if depth == 3 and len(parents) == 2 and parents[1].tag == "channel":
            tag = name(element.tag)
            if tag == "item":
                yield "item", _item(element)
            elif tag in ("wp:author", "wp:category", "wp:tag", "wp:term"):
                yield tag[3:], _fields(element)
            parents[1].remove(element)  # keep memory flat: nothing accumulates
        elif depth <= 2 and parents:
            parents.pop()


def _fields(element) -> dict:
    """First occurrence of each child, by normalized name."""
    found: dict[str, str] = {}
    for child in element:
        found.setdefault(name(child.tag), _raw(child))
    return found


def _item(element) -> dict:
    item: dict = {"terms": [], "postmeta": [], "comments": []}
    for child in element:
        tag = name(child.tag)
        if tag == "category":
            domain = child.get("domain", "")
            nicename = child.get("nicename")
            if nicename is not None and domain:
                item["terms"].append((domain, nicename.strip(), _text(child)))
        elif tag == "wp:postmeta":
            meta = _fields(child)
            item["postmeta"].append((meta.get("wp:meta_key", "").strip(),
                                     meta.get("wp:meta_value", "")))
        elif tag == "wp:comment":
            item["comments"].append(_fields(child))
        else:
            item.setdefault(tag, _raw(child))
    return item
