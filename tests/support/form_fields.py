"""Reading a form's fields out of a page: tags, attributes, labels, textarea text."""

import re
from html import unescape


def field_tag(html: str, name: str) -> str:
    """The <input>/<textarea> start tag of the form field `name`."""
    match = re.search(rf'<(?:input|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no field {name}"
    return match.group(0)


def attribute(tag: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    return unescape(match.group(1)) if match else None


def textarea_text(html: str) -> str:
    """The comment textarea's text as a browser reads it (one leading newline dropped)."""
    raw = re.search(r'<textarea[^>]*name="comment"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    return re.sub(r"\A\r?\n", "", unescape(raw))


def label_text(html: str, field_id: str) -> str:
    """The words of the <label for=field_id>, tags dropped."""
    match = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S)
    assert match, f"no label for {field_id}"
    return " ".join(unescape(re.sub(r"<[^>]*>", "", match.group(1))).split())
