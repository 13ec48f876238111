"""Our images in a post, as the best variants that exist: each <img> whose src
is one of our media files becomes a <picture> offering AVIF, then WebP, then
the JPEG or PNG fallback, at every width made, with `sizes` from the theme's
content column and `width`/`height` so nothing shifts while it loads.

It runs on write (publishing.render_post), after the sanitizer, on HTML of the
shape the sanitizer writes; what it writes is stored and never cleaned again
(the post policy allows neither <picture> nor <source>, so a <picture> in
stored HTML is always ours). It runs again over its own output when an
image's variants are ready (refresh_posts_showing), so it is a fixed point:
expanding expanded HTML changes nothing unless the media did.

Loading: the first image of a post is fetched at once and first
(fetchpriority="high", written as the tag's first attribute); every other one
waits until it is near the viewport (loading="lazy"). What comes above the
content on a page decides at display time whether the content's first image
is still the page's first (not_first): a featured image shown over it, or an
entry below the first in a listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape
from urllib.parse import urljoin

import sqlalchemy as sa
from markupsafe import Markup

from ..extensions import db
from ..models import Media, Post, post_media
from .keys import EXTENSIONS
from .urls import url_of

# The theme's content column (static/css/site.css): .entry-content is at most
# var(--measure) (66ch of the body font, about 44-46rem) wide, inside the
# grid's main column: from 60rem the wrap (72rem) less two 2rem gutters, the
# 19rem sidebar and a 3rem gap, so 46rem at 72rem and up and 100vw - 26rem
# between; below 60rem one column, the viewport less two gutters (4vw, 1rem
# at least, 2rem at most), capped by the measure. Rounded up where unsure:
# a candidate a little too wide costs bytes, one too narrow looks soft.
POST_SIZES = ("(min-width: 72rem) 46rem, (min-width: 60rem) calc(100vw - 26rem), "
              "(min-width: 46rem) 42rem, calc(100vw - 2rem)")
# The narrowest the column gets on a phone, for an image the author made
# narrower than the column (POST_SIZES' last, smallest case).
NARROW_SIZES = "calc(100vw - 2rem)"
COLUMN_PX = 736  # 46rem: an image at least this wide fills the column
# The width of the fallback an <img> names in src (what a browser without
# srcset shows, and the widest default width/height): 1280 covers the column
# at 2x and a 390 px phone at 3x.
SRC_WIDTH = 1280
MODERN = (("avif", "image/avif"), ("webp", "image/webp"))
FALLBACK = ("jpg", "png")
FIRST = ' fetchpriority="high"'
LAZY = ' loading="lazy"'
# The author's attributes an <img> of ours keeps (the post policy's, less the
# ones we decide: src, srcset, sizes, loading, width and height).
KEPT = ("alt", "id", "class", "title")
# A lookup of this many stems is one query (5 keys each: SQLite takes 32,766
# parameters, PostgreSQL 65,535); a post holds at most 12,000 tags.
STEMS_PER_QUERY = 6_000

# The sanitizer's serializer quotes every value, with ' when the value holds ".
_ATTRIBUTE = r"""\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
_IMG = rf"<img((?:{_ATTRIBUTE})*)\s*/?>"
# Our own <picture>: its <source>s (our URLs and sizes, no ">") and its <img>.
_FOUND = re.compile(rf"<picture>(?:<source\b[^>]*>)*{_IMG}</picture>|{_IMG}")
_PAIR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
# A media key (keys.py) anywhere: an original or one of its variants.
_KEY = re.compile(r"([0-9]{4}/[0-9]{2}/[0-9a-f]{16})(-[0-9]{1,5}w)?\.(jpg|png|gif|webp|avif)")


@dataclass(frozen=True)
class Shown:
    """A post's stored HTML with its images expanded, and the media it shows
    or links to (Post.media_used)."""

    content_html: str
    teaser_html: str
    media: list[Media]


def expand_post(content_html: str, teaser_html: str = "") -> Shown:
    """Both of a post's HTML texts expanded, with one query for their media
    (the teaser is the start of the content: it holds no other media)."""
    found = media_for(content_html)
    return Shown(expand(content_html, found), expand(teaser_html, found) if teaser_html else "",
                 sorted(found.values(), key=lambda media: media.id))


def media_for(html: str) -> dict[str, Media]:
    """stem -> Media for every media key in `html` (src, srcset, href), in one query."""
    stems = sorted({match.group(1) for match in _KEY.finditer(html)})
    found: dict[str, Media] = {}
    for start in range(0, len(stems), STEMS_PER_QUERY):
        keys = [f"{stem}.{extension}" for stem in stems[start:start + STEMS_PER_QUERY]
                for extension in EXTENSIONS]
        for media in db.session.scalars(sa.select(Media).where(Media.key.in_(keys))):
            found[media.key.rsplit(".", 1)[0]] = media
    return found


def expand(html: str, media: dict[str, Media] | None = None) -> str:
    """`html` with each image of ours as a <picture> (see the module's doc).
    `media` is media_for(html), when the caller has it."""
    if "<img" not in html:
        return html
    if media is None:
        media = media_for(html)
    out, position, first = [], 0, True
    for match in _FOUND.finditer(html):
        attributes = _attributes(match.group(1) if match.group(1) is not None
                                 else match.group(2))
        shown = _ours(attributes.get("src", ""), media)
        out.append(html[position:match.start()])
        out.append(match.group() if shown is None else picture(
            shown, attributes, sizes=None, first=first))
        position, first = match.end(), False
    out.append(html[position:])
    return "".join(out)


def refresh_posts_showing(media: Media) -> int:
    """Expand again the stored HTML of the posts whose content shows `media`,
    whose variants have just been made (the caller commits: the content
    generation moves with the Media and Post rows, so cached pages follow).
    Posts that only feature it store nothing of it. Returns how many changed."""
    posts = db.session.scalars(
        sa.select(Post).join(post_media, post_media.c.post_id == Post.id)
        .where(post_media.c.media_id == media.id).order_by(Post.id))
    changed = 0
    for post in posts:
        shown = expand_post(post.content_html, post.teaser_html or "")
        if (shown.content_html, shown.teaser_html) != (post.content_html, post.teaser_html):
            # Not an edit: modified_at stays (publishing.edited is the owner's).
            post.content_html, post.teaser_html = shown.content_html, shown.teaser_html
            changed += 1
    return changed


def not_first(html: str) -> Markup:
    """Stored post HTML shown below another image (a featured image, an earlier
    entry of a listing): its first image waits like the others. Our first
    image's tag starts with FIRST, which nothing else can (the sanitizer keeps
    no fetchpriority and escapes every "<" of text)."""
    return Markup(html.replace("<img" + FIRST, "<img" + LAZY, 1))  # noqa: S704 - stored, cleaned


# What an image keeps in a feed: readers take plain <img>, and many drop
# <picture> and srcset (or resolve their relative addresses wrongly).
FEED_KEPT = ("src", "width", "height", "alt", "title", "class")


def for_feed(html: str, base: str) -> str:
    """Stored post HTML for a feed: each <picture> of ours as its <img> alone
    (the JPEG or PNG its src names), and every image's address on this site
    made absolute against `base`; no lazy loading or priority hints."""
    if "<img" not in html:
        return html
    out, position = [], 0
    for match in _FOUND.finditer(html):
        out.append(html[position:match.start()])
        position = match.end()
        attributes = _attributes(match.group(1) if match.group(1) is not None
                                 else match.group(2))
        src = attributes.get("src", "")
        here = src.startswith("/") and not src.startswith("//")
        if match.group(1) is None and not here:
            out.append(match.group())  # another site's image, as the author wrote it
            continue
        if here:
            attributes["src"] = urljoin(base, src)
        out.append(_tag("img", [(name, attributes[name]) for name in FEED_KEPT
                                if name in attributes]))
    out.append(html[position:])
    return "".join(out)


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for match in _PAIR.finditer(text):
        name = match.group(1).lower()
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        found.setdefault(name, unescape(value))
    return found


def _ours(src: str, media: dict[str, Media]) -> Media | None:
    """The media `src` names, when it is our address for one of its files."""
    match = _KEY.search(src)
    if match is None or match.group(1) not in media:
        return None
    key = match.group()
    if src not in (url_of(key), "/media/" + key):
        return None  # a key-shaped path on another site
    return media[match.group(1)]


def picture(media: Media, attributes: dict[str, str] | None = None, *, sizes: str | None,
            first: bool) -> str:
    """The markup that shows `media`: a <picture> of its variants, or a plain
    <img> of the original while there are none (processing, failed, animated).
    `attributes` are the author's (alt, class, title, id; width and height when
    both are numbers); `sizes` None means the post's column (POST_SIZES, or
    the author's narrower width)."""
    attributes = attributes or {}
    width, height = _dimensions(media, attributes)
    variants = media.variants or []
    img = [("fetchpriority", "high")] if first else []
    if not variants:
        img += [("src", url_of(media.key)), ("width", width), ("height", height)]
        img += _kept(attributes, media) + [("decoding", "async")]
        return _tag("img", img + ([] if first else [("loading", "lazy")]))
    if sizes is None:
        sizes = POST_SIZES if width >= COLUMN_PX else (
            f"(max-width: {width}px) {NARROW_SIZES}, {width}px")
    fallback = _fallback(media)
    src = min(fallback, key=lambda c: (abs(c[1] - SRC_WIDTH), -c[1]))[0]
    out = ["<picture>"]
    for extension, mime in MODERN:
        candidates = [(v["key"], v["width"]) for v in variants if v["format"] == extension]
        if candidates:
            out.append(_tag("source", [("type", mime), ("srcset", _srcset(candidates)),
                                       ("sizes", sizes)]))
    img += [("src", url_of(src)), ("srcset", _srcset(fallback)), ("sizes", sizes),
            ("width", width), ("height", height)]
    img += _kept(attributes, media) + [("decoding", "async")]
    out.append(_tag("img", img + ([] if first else [("loading", "lazy")])))
    out.append("</picture>")
    return "".join(out)


def _fallback(media: Media) -> list[tuple[str, int]]:
    """(key, width) of the JPEG or PNG variants, and of the original when it is
    one of them: of that kind and no wider than the widest variant, so not
    made again at its own width (variants.py)."""
    variants = media.variants
    kind = next((v["format"] for v in variants if v["format"] in FALLBACK), None)
    candidates = [(v["key"], v["width"]) for v in variants if v["format"] == kind]
    own = media.key.rsplit(".", 1)[1]
    widest = max(v["width"] for v in variants)
    if own == kind and media.width <= widest and all(w != media.width for _, w in candidates):
        candidates.append((media.key, media.width))
    if not candidates:  # no fallback made at all: the original is one
        candidates.append((media.key, media.width))
    return sorted(candidates, key=lambda c: c[1])


def _dimensions(media: Media, attributes: dict[str, str]) -> tuple[int, int]:
    """The author's width and height when both are numbers; one of them with
    the other from the image's proportions; else the image's own, scaled down
    to SRC_WIDTH (as wide as the column gets at 2x: a 6,000 px photo is not
    announced as 6,000 px)."""
    width, height = _number(attributes.get("width")), _number(attributes.get("height"))
    if width and height:
        return width, height
    if width:
        return width, max(1, round(media.height * width / media.width))
    if height:
        return max(1, round(media.width * height / media.height)), height
    if media.width <= SRC_WIDTH:
        return media.width, media.height
    return SRC_WIDTH, max(1, round(media.height * SRC_WIDTH / media.width))


def _number(value: str | None) -> int | None:
    value = (value or "").strip().removesuffix("px")
    return int(value) if value.isdigit() and 0 < int(value) <= 100_000 else None


def _kept(attributes: dict[str, str], media: Media) -> list[tuple[str, str]]:
    kept = [(name, attributes[name]) for name in KEPT if name in attributes]
    if "alt" not in attributes:
        kept.insert(0, ("alt", media.alt or ""))  # the library's alt text, else none
    return kept


def _srcset(candidates: list[tuple[str, int]]) -> str:
    return ", ".join(f"{url_of(key)} {width}w" for key, width in candidates)


def _tag(name: str, attributes: list[tuple[str, object]]) -> str:
    return f"<{name}" + "".join(f' {key}="{escape(str(value))}"'
                                for key, value in attributes) + ">"
