"""Click-to-load video embeds: a YouTube or Vimeo address alone in a paragraph
(or in WordPress's [embed] shortcode) becomes a card that links to the video
and offers a "Load video" button.

Nothing on the card asks the video site for anything (no thumbnail, no
script): a reader's browser talks to it only after they press the button,
when static/js/embeds.js puts the player's <iframe> in the card's place.
Without JavaScript the card is a plain link to the video. The page that holds
a card widens its CSP's frame-src to exactly the players it holds
(frame_origins, security.allow_frames); no other page does.

The card is made from the parsed address (provider, id, start time), never
from the author's text, and is added after the post policy has cleaned the
HTML, which lets none of its class, data-* or <button> markup through: only
this module makes cards. Where a post's HTML leaves the page (feeds, export,
plain text for search and excerpts), `as_links` puts the plain link back.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

# Longer than any real video address; a longer one is left as it is, unread.
MAX_URL = 2048

YOUTUBE = "YouTube"
VIMEO = "Vimeo"
# The player each provider's iframe loads: youtube-nocookie.com sets no cookie
# until the video plays; Vimeo's player is told not to track (dnt=1).
PLAYER_ORIGINS = {YOUTUBE: "https://www.youtube-nocookie.com",
                  VIMEO: "https://player.vimeo.com"}
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
YOUTUBE_SHORT_HOSTS = frozenset({"youtu.be"})
YOUTUBE_NOCOOKIE_HOSTS = frozenset({"youtube-nocookie.com", "www.youtube-nocookie.com"})
VIMEO_HOSTS = frozenset({"vimeo.com"})
VIMEO_PLAYER_HOSTS = frozenset({"player.vimeo.com"})

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
# youtube.com/<kind>/<id>: the embed, Shorts, live and old flash addresses.
_YOUTUBE_PATH = re.compile(r"/(?:embed|shorts|live|v)/([A-Za-z0-9_-]{11})")
_VIMEO_PATH = re.compile(r"/(\d{1,12})(?:/([0-9a-f]{1,20}))?")
_VIMEO_PLAYER_PATH = re.compile(r"/video/(\d{1,12})")
_VIMEO_HASH = re.compile(r"[0-9a-f]{1,20}")
# A start time: seconds ("90", "90s") or "1h2m3s" (YouTube's t, Vimeo's #t).
_TIME = re.compile(r"(?:(\d{1,2})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s?)?")
_MAX_START = 100 * 3600
# Printable ASCII without spaces: anything else is no address we embed.
_URL_CHARACTERS = re.compile(r"[!-~]+")

_SPACE = r"[ \t\r\n]*"
# A paragraph that holds only an address: as Markdown's autolink makes it
# (<a href="U">U</a>), as HTML leaves it (U), or inside WordPress's
# [embed ...]...[/embed] (Markdown links the closing tag along with the
# address). Every repeated part is bounded and none can match what the part
# after it matches, so each <p> costs at most its own few thousand characters.
_PARAGRAPH = re.compile(
    rf"<p>{_SPACE}(?P<open>\[embed(?:[ \t][^\]<]{{0,200}})?\]{_SPACE})?"
    r"(?:<a href=\"(?P<href>[^\"<>]{1,2100})\">(?P<label>[^<\s]{1,2100})</a>"
    r"|(?P<bare>[^<\s]{1,2100}))"
    rf"(?P<close>{_SPACE}\[/embed\])?{_SPACE}</p>")
_CLOSE = "[/embed]"
_CLOSE_IN_HREF = "%5B/embed%5D"
# WordPress's embed block as the post policy leaves it (its classes and block
# comments dropped): the address alone in a <div> in a <figure>, perhaps with
# a caption of plain text, which stays under the card.
_BLOCK = re.compile(
    rf"<figure>{_SPACE}<div>{_SPACE}(?P<bare>[^<\s]{{1,2100}}){_SPACE}</div>{_SPACE}"
    rf"(?:<figcaption>(?P<caption>[^<]{{0,2000}})</figcaption>{_SPACE})?</figure>")
# WordPress embeds an address on a line of its own even inside a paragraph
# (autoembed runs before wpautop): a paragraph of lines of text joined by
# <br> is read line by line. Text only: a line break inside an inline
# element could not be cut there.
_LINES = re.compile(r"<p>(?P<lines>[^<]*(?:<br>[^<]*)+)</p>")
_BREAK = re.compile(r"<br>\n?")

# The card exactly as `card` writes it (no author can write one: see above).
_CARD = re.compile(
    r'<figure class="video-embed" data-embed-src="(?P<player>[^"<>]*)" data-embed-title="[^"<>]*">'
    r'<a class="video-embed-link" href="(?P<href>[^"<>]*)">'
    r'<span class="video-embed-label">[^<]*</span> <span class="video-embed-url">[^<]*</span></a>'
    r'<button class="video-embed-load" type="button" hidden>Load video</button></figure>')
_CARD_START = '<figure class="video-embed" '


@dataclass(frozen=True)
class Video:
    provider: str  # YOUTUBE or VIMEO
    id: str  # YouTube's 11 characters, Vimeo's digits
    start: int = 0  # seconds into the video
    vimeo_hash: str = ""  # an unlisted Vimeo video's key

    @property
    def origin(self) -> str:
        return PLAYER_ORIGINS[self.provider]

    @property
    def player_url(self) -> str:
        """What the iframe loads once the reader asks for it."""
        if self.provider == YOUTUBE:
            return f"{self.origin}/embed/{self.id}" + (f"?start={self.start}" if self.start else "")
        query = f"?h={self.vimeo_hash}&dnt=1" if self.vimeo_hash else "?dnt=1"
        return f"{self.origin}/video/{self.id}{query}" + (f"#t={self.start}s" if self.start else "")

    @property
    def watch_url(self) -> str:
        """The video's own page: the card's link, and what feeds carry."""
        if self.provider == YOUTUBE:
            return (f"https://www.youtube.com/watch?v={self.id}"
                    + (f"&t={self.start}s" if self.start else ""))
        return (f"https://vimeo.com/{self.id}" + (f"/{self.vimeo_hash}" if self.vimeo_hash else "")
                + (f"#t={self.start}s" if self.start else ""))

    @property
    def title(self) -> str:
        return f"{self.provider} video player"


def parse(url: str) -> Video | None:
    """The video a YouTube or Vimeo address shows, or None for any other text."""
    url = url.strip()
    if len(url) > MAX_URL or not _URL_CHARACTERS.fullmatch(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
        query = parse_qs(parts.query, max_num_fields=20)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if (parts.scheme.lower() not in ("http", "https") or port is not None
            or parts.username is not None or parts.password is not None
            or parts.netloc.lower() != host):
        return None
    if host in YOUTUBE_HOSTS | YOUTUBE_SHORT_HOSTS | YOUTUBE_NOCOOKIE_HOSTS:
        video_id = _youtube_id(host, parts.path, query)
        if video_id is None:
            return None
        return Video(YOUTUBE, video_id, _start(_one(query, "t") or _one(query, "start")))
    if host in VIMEO_HOSTS | VIMEO_PLAYER_HOSTS:
        found = (_VIMEO_PATH if host in VIMEO_HOSTS else _VIMEO_PLAYER_PATH).fullmatch(parts.path)
        if found is None:
            return None
        key = found.group(2) if host in VIMEO_HOSTS else _one(query, "h")
        if key and not _VIMEO_HASH.fullmatch(key):
            return None
        time = parts.fragment.removeprefix("t=") if parts.fragment.startswith("t=") else ""
        return Video(VIMEO, found.group(1), _start(time or _one(query, "t")), key or "")
    return None


def _youtube_id(host: str, path: str, query: dict) -> str | None:
    if host in YOUTUBE_SHORT_HOSTS:
        found = _YOUTUBE_ID.fullmatch(path.removeprefix("/"))
        return found.group(0) if found else None
    if host in YOUTUBE_HOSTS and path == "/watch":
        video_id = _one(query, "v")
        return video_id if video_id and _YOUTUBE_ID.fullmatch(video_id) else None
    found = _YOUTUBE_PATH.fullmatch(path)
    if found is None or (host in YOUTUBE_NOCOOKIE_HOSTS and not path.startswith("/embed/")):
        return None
    return found.group(1)


def _one(query: dict, name: str) -> str:
    """A query parameter given once; "" when missing or given several times."""
    values = query.get(name, [])
    return values[0] if len(values) == 1 else ""


def _start(text: str) -> int:
    """Seconds from "90", "90s" or "1h2m3s"; 0 for anything else."""
    found = _TIME.fullmatch(text) if text else None
    if found is None:
        return 0
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total if total <= _MAX_START else 0


def card(video: Video) -> str:
    """The click-to-load card for `video` (static/js/embeds.js loads it; the
    `hidden` button is shown only there)."""
    watch = html.escape(video.watch_url)
    return (f'{_CARD_START}data-embed-src="{html.escape(video.player_url)}" '
            f'data-embed-title="{html.escape(video.title)}">'
            f'<a class="video-embed-link" href="{watch}">'
            f'<span class="video-embed-label">Watch on {video.provider}</span> '
            f'<span class="video-embed-url">{watch}</span></a>'
            f'<button class="video-embed-load" type="button" hidden>Load video</button></figure>')


def embed_videos(content_html: str) -> str:
    """Cleaned post HTML with each paragraph that holds only a video address
    (or [embed]address[/embed]), each such line of a paragraph of text lines
    and each WordPress embed block made a card; everything else as it was."""
    if "<p>" in content_html:
        content_html = _PARAGRAPH.sub(_replace, content_html)
        if "<br>" in content_html:
            content_html = _LINES.sub(_replace_lines, content_html)
    if "<figure>" in content_html:
        content_html = _BLOCK.sub(_replace_block, content_html)
    return content_html


def _replace(found: re.Match) -> str:
    text = html.unescape(found["label"] or found["bare"])
    closed = bool(found["close"]) or text.endswith(_CLOSE)
    if bool(found["open"]) != closed:
        return found.group(0)
    if found["href"] is not None:
        href = html.unescape(found["href"])
        # A link to somewhere other than what it says is the author's, kept.
        if href not in (text, text.replace(_CLOSE, _CLOSE_IN_HREF)):
            return found.group(0)
    video = parse(text.removesuffix(_CLOSE))
    return found.group(0) if video is None else card(video)


def _replace_lines(found: re.Match) -> str:
    lines = _BREAK.split(found["lines"])
    videos = [parse(html.unescape(line)) for line in lines]
    if not any(videos):
        return found.group(0)
    out, text = [], []
    for line, video in zip(lines, videos, strict=True):
        if video is None:
            text.append(line)
            continue
        if any(part.strip() for part in text):
            out.append("<p>" + "<br>\n".join(text) + "</p>")
        out.append(card(video))
        text = []
    if any(part.strip() for part in text):
        out.append("<p>" + "<br>\n".join(text) + "</p>")
    return "\n".join(out)


def _replace_block(found: re.Match) -> str:
    video = parse(html.unescape(found["bare"]))
    if video is None:
        return found.group(0)
    caption = (found["caption"] or "").strip()
    return card(video) + (f'\n<p class="wp-caption-text">{caption}</p>' if caption else "")


def as_links(content_html: str) -> str:
    """The HTML with each card back as a paragraph linking to the video: for
    feeds, exports and plain text, where no button can work."""
    if _CARD_START not in content_html:
        return content_html
    return _CARD.sub(lambda found: f'<p><a href="{found["href"]}">{found["href"]}</a></p>',
                     content_html)


def frame_origins(content_html: str) -> tuple[str, ...]:
    """The player origins the cards in this HTML may load, sorted: what the
    page showing it must allow as frame-src."""
    if _CARD_START not in content_html:
        return ()
    found = set()
    for card_match in _CARD.finditer(content_html):
        player = html.unescape(card_match["player"])
        found.update(origin for origin in PLAYER_ORIGINS.values()
                     if player.startswith(origin + "/"))
    return tuple(sorted(found))
