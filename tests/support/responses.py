"""Small readers of HTML responses for assertions on distinctive markup."""

import re
from html import unescape


def text(response) -> str:
    return response.get_data(as_text=True)


def count(response, pattern: str) -> int:
    return len(re.findall(pattern, text(response)))


def titles(response) -> list[str]:
    """Entry titles of a listing, in page order (without the "Protected: " prefix)."""
    found = re.findall(r'<h2 class="entry-title"><a [^>]*>(.*?)</a></h2>', text(response), re.S)
    return [unescape(t).removeprefix("Protected: ") for t in found]


def section(response, element_id: str) -> str:
    """The HTML of the element with this id, up to its section's end."""
    html = text(response)
    start = html.index(f'id="{element_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def has_link(html: str, href: str, label: str) -> bool:
    """An <a> with this href and this (escaped) text, whatever its other attributes."""
    pattern = rf'<a [^>]*href="{re.escape(href)}"[^>]*>{re.escape(label)}</a>'
    return re.search(pattern, html) is not None
