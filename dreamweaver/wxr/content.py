"""WordPress content to HTML: [caption] and other shortcodes, and a small wpautop."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.S | re.I)
_ATTR = re.compile(r'([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_MEDIA_TAIL = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
# [name attrs]...[/name] pairs, self-closing [name /], and lone [name attrs] with
# attributes; a bare [word] without a closing tag is text ("[sic]") and stays.
_ESCAPED = re.compile(r"\[\[([^\[\]]*)\]\]")
_PAIRED = re.compile(r"\[([a-zA-Z][\w-]*)(?:\s[^\]]*)?\](.*?)\[/\1\]", re.S)
_SELF_CLOSING = re.compile(r"\[[a-zA-Z][\w-]*(?:\s[^\]]*)?/\]")
_WITH_ATTRS = re.compile(r"\[[a-zA-Z][\w-]*\s+[\w-]+=[^\]]*\]")
_KNOWN_LONE = re.compile(r"\[(?:gallery|embed|audio|video|playlist|more|nextpage)\]", re.I)

_BLOCK = (r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li"
          r"|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend"
          r"|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu"
          r"|summary)")
_STARTS_BLOCK = re.compile(rf"^(?:<!--|<(?:/?{_BLOCK})\b)", re.I)
_ENDS_BLOCK = re.compile(rf"(?:-->|</?{_BLOCK}\b[^>]*>)$", re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_BLANK = re.compile(r"\n\s*\n")

_URL_ATTR = re.compile(r"""(?:src|href|poster|data-src)\s*=\s*["']([^"']+)["']""", re.I)
_SRCSET = re.compile(r"""srcset\s*=\s*["']([^"']+)["']""", re.I)
_MEDIA_PATH = re.compile(
    r"(/wp-content/uploads/|\.(?:jpe?g|png|gif|webp|avif|svg|bmp|ico|mp3|m4a|ogg|wav|mp4|m4v"
    r"|mov|webm|ogv|pdf|docx?|xlsx?|pptx?|zip)$)", re.I)


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in _ATTR.finditer(text)}


def _caption(match: re.Match) -> str:
    attrs = _attrs(match.group(2))
    inner = match.group(3).strip()
    media, caption = inner, attrs.get("caption", "")
    found = _MEDIA_TAIL.match(inner)
    if found:
        media = found.group(1)
        caption = found.group(2).strip() or caption
    align = attrs.get("align", "alignnone")
    figure_id = f' id="{attrs["id"]}"' if re.fullmatch(r"[\w-]+", attrs.get("id", "")) else ""
    classes = "wp-caption" + (f" {align}" if re.fullmatch(r"align\w+", align) else "")
    figcaption = (f'<figcaption class="wp-caption-text">{caption}</figcaption>'
                  if caption else "")
    return f'<figure{figure_id} class="{classes}">{media}{figcaption}</figure>'


def shortcodes(text: str) -> str:
    """[caption] into a figure; other shortcode tags dropped, their inner text kept."""
    text = _CAPTION.sub(_caption, text)
    escaped: list[str] = []

    def keep(match):
        escaped.append(f"[{match.group(1)}]")
        return f"\x02{len(escaped) - 1}\x03"

    text = _ESCAPED.sub(keep, text)
    previous = None
    while previous != text:  # nested pairs
        previous = text
        text = _PAIRED.sub(lambda m: m.group(2), text)
    text = _SELF_CLOSING.sub("", text)
    text = _WITH_ATTRS.sub("", text)
    text = _KNOWN_LONE.sub("", text)
    return re.sub(r"\x02(\d+)\x03", lambda m: escaped[int(m.group(1))], text)


def autop(text: str) -> str:
    """WordPress's automatic paragraphs, in small: blank lines make paragraphs,
    single newlines <br>; blocks that already are HTML blocks and <pre> stay."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    kept: list[str] = []

    def hold(match):
        kept.append(match.group(0))
        return f"\x02pre{len(kept) - 1}\x03"

    text = _PRE.sub(hold, text)
    out = []
    for block in _BLANK.split(text.strip()):
        block = block.strip()
        if not block:
            continue
        if block.startswith("\x02pre") or _STARTS_BLOCK.match(block):
            out.append(block)
        else:
            lines = [line.strip() for line in block.split("\n") if line.strip()]
            joined = lines[0]
            for before, line in zip(lines, lines[1:], strict=False):
                # No <br> next to a block tag (a list after a line of text, say).
                plain = not (_ENDS_BLOCK.search(before) or _STARTS_BLOCK.match(line))
                joined += ("<br>\n" if plain else "\n") + line
            out.append(f"<p>{joined}</p>")
    html = "\n".join(out)
    return re.sub(r"\x02pre(\d+)\x03", lambda m: kept[int(m.group(1))], html)


def prepare(text: str) -> str:
    """WordPress post content as the HTML source we store."""
    return autop(shortcodes(text.replace("\x00", "")))


def media_urls(html: str, hosts: set[str]) -> set[str]:
    """URLs of files (uploads, images, media) on the old site's hosts."""
    found = set(_URL_ATTR.findall(html))
    for srcset in _SRCSET.findall(html):
        found.update(part.strip().split(" ")[0] for part in srcset.split(",") if part.strip())
    result = set()
    for url in found:
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            continue
        if parts.hostname and parts.hostname.lower() in hosts and _MEDIA_PATH.search(parts.path):
            result.add(url.strip())
    return result
