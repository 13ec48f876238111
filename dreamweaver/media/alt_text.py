"""Which images of a post have no alt text, for the editor to say so.

Read from the post's HTML as readers get it (Markdown rendered, the post
policy applied), so an <img> without alt or with alt="" and a Markdown image
with empty brackets are found the same way. An image from our library links
to its page there, where its alt text is kept for the next time it is used.
"""

from html.parser import HTMLParser
from typing import NamedTuple

from ..models import Media
from . import library


class MissingAlt(NamedTuple):
    src: str
    media: Media | None


class _Images(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.without_alt: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            found = dict(attrs)
            if not (found.get("alt") or "").strip():
                self.without_alt.append(found.get("src") or "")

    handle_startendtag = handle_starttag


def missing_alt(content_html: str) -> list[MissingAlt]:
    """The images in `content_html` that have no alt text, in order, each once."""
    parser = _Images()
    parser.feed(content_html)
    parser.close()
    srcs = list(dict.fromkeys(parser.without_alt))
    if not srcs:
        return []
    ours = {library.stem_of(m.key): m for m in library.media_in(" ".join(srcs))}
    return [MissingAlt(src, ours.get(library.stem_of(src))) for src in srcs]
