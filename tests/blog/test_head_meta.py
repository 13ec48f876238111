"""What search engines and link previews read in every page's head."""

import json
import re
from datetime import UTC, datetime

from tests.support.responses import text


def meta(body: str, key: str) -> str:
    match = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', body)
    assert match, key
    return match.group(1)


def test_post_head_has_description_canonical_og_and_json_ld(client, make):
    author = make.user("maya", "Maya Lindqvist")
    make.post("Meta & More", excerpt="A short <summary> of it.", author=author,
              published_at=datetime(2024, 2, 3, tzinfo=UTC))
    body = text(client.get("/2024/02/03/meta-more/"))
    assert meta(body, "description") == "A short &lt;summary&gt; of it."
    assert '<link rel="canonical" href="http://localhost/2024/02/03/meta-more/">' in body
    assert meta(body, "og:type") == "article"
    assert meta(body, "og:title").startswith("Meta &amp; More")
    assert meta(body, "twitter:card") == "summary"
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                body).group(1))
    assert data["@type"] == "BlogPosting" and data["headline"] == "Meta & More"
    assert data["author"]["name"] == "Maya Lindqvist"
    assert "<" not in re.search(r'ld\+json">(.*?)</script>', body).group(1)


def test_protected_post_head_reveals_nothing(client, make):
    make.post("Locked Away", password="pw", excerpt="Secret summary",
              source="Secret body", published_at=datetime(2024, 2, 3, tzinfo=UTC))
    body = text(client.get("/2024/02/03/locked-away/"))
    assert "Secret" not in body and "ld+json" not in body


def test_listing_and_search_heads(client, make):
    make.post("Anything")
    home = text(client.get("/"))
    assert meta(home, "og:type") == "website" and "noindex" not in home
    search = text(client.get("/?s=anything"))
    assert meta(search, "robots") == "noindex, follow"
    assert '<link rel="canonical" href="http://localhost/">' in search


def test_long_excerpt_cut_at_a_word(client, make):
    make.post("Wordy", source=" ".join(["lengthy"] * 80),
              published_at=datetime(2024, 2, 3, tzinfo=UTC))
    description = meta(text(client.get("/2024/02/03/wordy/")), "description")
    assert len(description) <= 161 and description.endswith("lengthy\u2026")
