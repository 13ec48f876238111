"""What `make bench` loads: the reader pages (found in the database by
bench/latency.py's discover), the three ways a reader meets them, the comment
POST script, and the page weight."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from servers import BROWSER_ENCODING, Server, get

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-key-not-for-production"
# The reader pages of issue 21 and the name each has in latency.discover().
READER_PAGES = {
    "single post": r"post \(\d+ comments\)",
    "home": "home",
    "category": r"category \(big\)",
    "tag": "tag",
    "monthly archive": r"month \(newest\)",
    "author archive": "author",
    # Every synthetic word is in ~88% of posts: a full page of results, a worst case.
    "search": "search common word",
    "home fragment (htmx)": "home, htmx fragment",
    "category fragment (htmx)": r"category \(big\), htmx fragment",
}
# Anything a reader page is loaded with: the page cache on and the reader anonymous
# (a hit), the page cache off, and the page cache on for a reader whose browser
# sends the cookies "Save my name" set (never served from the cache).
MODES = ("hit", "no cache", "commenter")
COMMENT_LUA = """
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
request = function()
  counter = counter + 1
  local body = "comment=Benchmark+comment+number+" .. counter .. "+from+thread+" .. id ..
    "&author=Bench+Reader&email=bench%40example.org&url=&comment_parent=0&csrf_token=TOKEN"
  return wrk.format(nil, nil, nil, body)
end
-- LuaJIT's math.random is not seeded: the clock keeps a warm-up's comments
-- and the measurement's apart (a repeated text is refused as a duplicate).
setup = function(thread)
  thread:set("id", os.time() .. "-" .. math.random(1, 1000000000))
end
init = function(args) id = id or "0" end
"""


def discover(uri: str) -> tuple[dict[str, tuple[str, dict]], str, str]:
    """The reader pages ({name: (URL, headers)}), the URL comments are posted
    to (the newest post's) and a note of what was found (the single post's
    comment count)."""
    from latency import discover as found_in

    from dreamweaver import create_app
    from dreamweaver.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": SECRET})
    found = {name: (url, headers) for name, url, headers in found_in(app)}
    with app.app_context():
        db.engine.dispose()  # no connection left open on the run's database
    names = {page: next(n for n in found if re.fullmatch(pattern, n))
             for page, pattern in READER_PAGES.items()}
    pages = {page: found[name] for page, name in names.items()}
    pages["RSS feed"] = ("/feed/", {})
    return pages, found["post (newest)"][0], names["single post"]


def commenter_cookie() -> dict:
    """The Cookie header of a reader who ticked "Save my name, email, and website"."""
    from itsdangerous import URLSafeSerializer

    from dreamweaver.comments.cookies import AUTHOR_COOKIE

    value = URLSafeSerializer(SECRET, salt=AUTHOR_COOKIE).dumps(
        {"author": "Bench Reader", "email": "bench@example.org", "url": ""})
    return {"Cookie": f"{AUTHOR_COOKIE}={value}"}


def mode_headers(mode: str, headers: dict) -> dict:
    return {**headers, **commenter_cookie()} if mode == "commenter" else headers


def cache_problem(server: Server, url: str, headers: dict, mode: str) -> str:
    """Why this request is not the path its mode names ('' if it is): a hit
    must say X-Cache: hit, the others must not."""
    status, response_headers, _ = get(server.url + url, headers)
    hit = response_headers.get("X-Cache") == "hit"
    if status != 200:
        return f"status {status}"
    if hit != (mode == "hit"):
        return "not a cache hit" if mode == "hit" else "served from the page cache"
    return ""


def comment_script(server: Server, post_url: str, directory: Path) -> tuple[str, Path]:
    html = urllib.request.urlopen(server.url + post_url).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    script = directory / "comment.lua"
    script.write_text(COMMENT_LUA.replace("TOKEN", token.group(1)))
    return post_url + "comments/", script


def page_weight(server: Server, url: str) -> dict:
    """What a browser with an empty cache loads for the page: the HTML and every
    stylesheet, script and icon it names, as transferred (compressed)."""
    def fetch(path):
        request = urllib.request.Request(server.url + path, headers=BROWSER_ENCODING)
        with urllib.request.urlopen(request) as response:
            return response.read(), response.headers.get("Content-Encoding", "identity")

    html, encoding = fetch(url)
    raw = urllib.request.urlopen(server.url + url).read()
    text = raw.decode()
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
    assets += re.findall(r'<script src="([^"]+)"', text)
    assets += [h for h in re.findall(r'<link rel="icon" href="([^"]+)"', text)
               if not h.startswith("data:")]
    assets += re.findall(r'<img [^>]*src="(/[^"]+)"', text)
    sizes = {path: len(fetch(path)[0]) for path in assets}
    return {"html raw": len(raw), "html": len(html), "encoding": encoding, "assets": sizes,
            "total": len(html) + sum(sizes.values()), "requests": 1 + len(assets)}
