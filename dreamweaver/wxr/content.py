"""WordPress content to HTML: [caption], [gallery] (through a renderer the importer
hands in) and other shortcodes, and a small wpautop."""

from __future__ import annotations

import re
from collections import deque

from .uploads import host_and_path

# One token is an escaped tag [[...]] or a tag: [name attrs], [name/], [/name].
# Neither holds a bracket, and a name is followed by space, "/" or "]" only: a
# failed attempt stops at the next bracket and nothing backtracks into the name,
# so reading a body is linear however many brackets it holds (the regex passes
# this replaces were quadratic: 40 KB of "[a " took 6 s).
_TOKEN = re.compile(r"\[\[([^\[\]]*)\]\]|\[(/?)([a-zA-Z][\w-]*)((?:[\s/][^\[\]]*)?)\]")
# Only from the start of a name, or every position inside a long one would
# backtrack through the rest of it.
_ATTR = re.compile(r'(?<![\w-])([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_MEDIA_TAIL = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
_CAPTIONS = ("caption", "wp_caption")
# Escaped tags, or a [gallery] tag (galleries() replaces it before shortcodes() runs).
_GALLERY_TOKEN = re.compile(r"\[\[[^\[\]]*\]\]|\[gallery((?:[\s/][^\[\]]*)?)\]", re.I)
# The same tokens, but only escaped ones and caption tags (few in most posts).
_CAPTION_TOKEN = re.compile(
    r"\[\[[^\[\]]*\]\]|\[(/?)(caption|wp_caption)((?:[\s/][^\[\]]*)?)\]", re.I)
# A lone tag is dropped when it has key=value attributes or is self-closing; a
# bare [word] without a closing tag is text ("[sic]") and stays.
_HAS_ATTRS = re.compile(r"\s+[\w-]+=")
_SELF_CLOSING = re.compile(r"(?:\s.*)?/", re.S)
_KNOWN_LONE = frozenset({"gallery", "embed", "audio", "video", "playlist", "more", "nextpage"})

_BLOCK = (r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li"
          r"|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend"
          r"|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu"
          r"|summary)")
_STARTS_BLOCK = re.compile(rf"^(?:<!--|<(?:/?{_BLOCK})\b)", re.I)
_ENDS_BLOCK = re.compile(rf"-->$|</?{_BLOCK}\b[^>]*>$", re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_PRE_END = re.compile(r"</pre>", re.I)
_BLANK = re.compile(r"\n\s*\n")

_URL_ATTR = re.compile(r"""(?:src|href|poster|data-src)\s*=\s*["']([^"']+)["']""", re.I)
_SRCSET = re.compile(r"""srcset\s*=\s*["']([^"']+)["']""", re.I)
_MEDIA_PATH = re.compile(
    r"(/wp-content/uploads/|\.(?:jpe?g|png|gif|webp|avif|svg|bmp|ico|mp3|m4a|ogg|wav|mp4|m4v"
    r"|mov|webm|ogv|pdf|docx?|xlsx?|pptx?|zip)$)", re.I)


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in _ATTR.finditer(text)}


def _caption(attr_text: str, inner: str) -> str:
    attrs = _attrs(attr_text)
    inner = inner.strip()
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


def _captions(text: str) -> str:
    """[caption ...]media text[/caption] into a figure: each opening tag with the
    first closing one of its name after it (as WordPress's regex pairs them)."""
    tokens = [t for t in _CAPTION_TOKEN.finditer(text) if t.group(2)]
    closers = {name: [t for t in tokens if t.group(1) and not t.group(3)
                      and t.group(2).lower() == name] for name in _CAPTIONS}
    next_closer = dict.fromkeys(_CAPTIONS, 0)
    out, done = [], 0
    for token in tokens:
        if token.group(1) or token.start() < done:
            continue
        name = token.group(2).lower()
        found, i = closers[name], next_closer[name]
        while i < len(found) and found[i].start() < token.end():
            i += 1
        next_closer[name] = i
        if i == len(found):
            continue
        out += [text[done:token.start()],
                _caption(token.group(3), text[token.end():found[i].start()])]
        done = found[i].end()
    return "".join(out) + text[done:]


def shortcodes(text: str) -> str:
    """[caption] into a figure; other shortcode tags dropped, their inner text kept;
    [[tag]] is the escaped, literal [tag]. In one pass over the tags: a closing tag
    pairs with the earliest open tag of its name still unpaired."""
    parts = _TOKEN.split(_captions(text))
    # parts: text, then for each token (escaped, "/" or "", name, attributes), text
    escaped, closing, names, attributes = parts[1::5], parts[2::5], parts[3::5], parts[4::5]
    drop = [False] * len(names)
    waiting: dict[str, deque[int]] = {}
    for index, (name, close, attrs) in enumerate(zip(names, closing, attributes, strict=True)):
        if name is None:  # [[escaped]]
            continue
        if close:
            if not attrs and waiting.get(name):
                drop[waiting[name].popleft()] = drop[index] = True
        else:
            waiting.setdefault(name, deque()).append(index)
            drop[index] = (bool(_SELF_CLOSING.fullmatch(attrs) or _HAS_ATTRS.match(attrs))
                           if attrs else name.lower() in _KNOWN_LONE)
    out = [parts[0]]
    for name, close, attrs, literal, dropped, after in zip(
            names, closing, attributes, escaped, drop, parts[5::5], strict=True):
        if name is None:
            out.append(f"[{literal}]")
        elif not dropped:
            out.append(f"[{close}{name}{attrs}]")
        out.append(after)
    return "".join(out)


def _ends_block(line: str) -> bool:
    """Whether `line` ends with a block tag. Only its last tag can: searching the
    whole line would scan from every "<div" in it to the end, which is quadratic."""
    if line.endswith("-->"):
        return True
    if not line.endswith(">"):
        return False
    return _ENDS_BLOCK.search(line, line.rfind(">", 0, -1) + 1) is not None


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

    # Past the last </pre> no <pre> can match; searching there from every one
    # of thousands of unclosed <pre would be quadratic.
    end = 0
    for end_tag in _PRE_END.finditer(text):
        end = end_tag.end()
    text = _PRE.sub(hold, text[:end]) + text[end:]
    out = []
    for block in _BLANK.split(text.strip()):
        block = block.strip()
        if not block:
            continue
        if block.startswith("\x02pre") or _STARTS_BLOCK.match(block):
            out.append(block)
        else:
            lines = [line.strip() for line in block.split("\n") if line.strip()]
            joined = [lines[0]]
            for before, line in zip(lines, lines[1:], strict=False):
                # No <br> next to a block tag (a list after a line of text, say).
                plain = not (_ends_block(before) or _STARTS_BLOCK.match(line))
                joined += ["<br>\n" if plain else "\n", line]
            out.append(f"<p>{''.join(joined)}</p>")
    html = "\n".join(out)
    return re.sub(r"\x02pre(\d+)\x03", lambda m: kept[int(m.group(1))], html)


def galleries(text: str, render) -> str:
    """Each [gallery ...] tag as `render(its attributes)` gives it (HTML without
    brackets); an escaped [[gallery]] stays for shortcodes() to unescape."""
    def replace(match):
        if match.group(0).startswith("[["):
            return match.group(0)
        return render(_attrs(match.group(1) or ""))
    return _GALLERY_TOKEN.sub(replace, text)


def prepare(text: str, gallery=None) -> str:
    """WordPress post content as the HTML source we store; `gallery(attributes)`,
    when given, renders each [gallery] (else it is dropped like other tags)."""
    text = text.replace("\x00", "")
    if gallery is not None:
        text = galleries(text, gallery)
    return autop(shortcodes(text))


def media_urls(html: str, hosts) -> set[str]:
    """URLs of files (uploads, images, media) on the old site's hosts, also
    through Jetpack's image CDN (i0.wp.com/<host>/...)."""
    found = set(_URL_ATTR.findall(html))
    for srcset in _SRCSET.findall(html):
        found.update(part.strip().split(" ")[0] for part in srcset.split(",") if part.strip())
    result = set()
    for url in found:
        where = host_and_path(url.strip())
        if where and where[0] and where[0] in hosts and _MEDIA_PATH.search(where[1]):
            result.add(url.strip())
    return result
