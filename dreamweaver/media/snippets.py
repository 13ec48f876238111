"""What the editor inserts for a library image: the one rule for Markdown and
HTML posts, used by the picker (its insert buttons and, without JavaScript,
the snippets to copy).

Always the original's /media/<key> address: the post's rendering finds the
media by it and serves the variants. A caption makes a <figure> in both
formats (raw HTML passes through Markdown and the post policy keeps
<figure> and <figcaption>); without one, Markdown gets its own image syntax.
"""

import re
from html import escape

from ..models import Media
from .urls import original_url

FORMATS = ("markdown", "html")
_MARKDOWN_SPECIAL = re.compile(r"([\\\[\]])")


def snippet(media: Media, fmt: str) -> str:
    src = original_url(media)
    if fmt == "markdown" and not media.caption:
        alt = _MARKDOWN_SPECIAL.sub(r"\\\1", media.alt or "")
        title = (media.title or "").replace("\\", "\\\\").replace('"', '\\"')
        return f'![{alt}]({src} "{title}")' if title else f"![{alt}]({src})"
    img = (f'<img src="{escape(src)}" alt="{escape(media.alt or "")}" '
           f'width="{media.width}" height="{media.height}">')
    if not media.caption:
        return img
    # One line: in Markdown a blank line would end the HTML block.
    caption = escape(" ".join(media.caption.split()))
    return f"<figure>{img}<figcaption>{caption}</figcaption></figure>"
