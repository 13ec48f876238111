"""Reading the sitemap as a search engine does, and the host test clients use."""

import re

from defusedxml import ElementTree as ET

SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
HOST = "http://localhost"


def sitemap_urls(response) -> dict:
    """The sitemap's addresses and their lastmod, each checked against the protocol."""
    root = ET.fromstring(response.data)
    assert root.tag == f"{{{SITEMAP['sm']}}}urlset"
    found = {}
    for url in root.findall("sm:url", SITEMAP):
        lastmod = url.findtext("sm:lastmod", namespaces=SITEMAP)
        assert lastmod is None or W3C.match(lastmod), lastmod
        found[url.findtext("sm:loc", namespaces=SITEMAP)] = lastmod
    return found
