"""A boost storm: a post is shared on the fediverse and thousands of servers
fetch its ActivityPub object and its page (for the link preview) within
seconds. Fires N concurrent requests (one connection each, all opened at
once) at a new post's object, at its permalink asking for JSON-LD, and at
its page, against gunicorn with the project's settings on the demo site,
and prints p50/p99/max and failures for each.

Usage: .venv/bin/python bench/storm.py [--fetches 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from databases import flask  # noqa: E402
from servers import Server  # noqa: E402

ACTIVITY = {"Accept": "application/activity+json",
            "User-Agent": "http.rb/5.2.0 (Mastodon/4.3.0; +https://mastodon.example/)"}
PREVIEW = {"Accept": "text/html", "User-Agent": "Mastodon/4.3.0 (http.rb/5.2.0; "
                                                  "+https://mastodon.example/) Bot"}


async def _fetch(port: int, path: str, headers: dict) -> tuple[float, int, bool]:
    began = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
                 *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        writer.write("\r\n".join(lines).encode())
        await writer.drain()
        answer = await reader.read()
        writer.close()
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
        hit = b"\r\nx-cache: hit\r\n" in answer.split(b"\r\n\r\n", 1)[0].lower() + b"\r\n"
    except OSError:
        status, hit = 0, False
    return (time.perf_counter() - began) * 1000, status, hit


async def storm(port: int, path: str, headers: dict, fetches: int) -> dict:
    began = time.perf_counter()
    results = await asyncio.gather(*(_fetch(port, path, headers) for _ in range(fetches)))
    wall = time.perf_counter() - began
    times = sorted(ms for ms, _, _ in results)
    failed = sum(1 for _, status, _ in results if status != 200)
    return {"p50": statistics.median(times), "p99": times[int(len(times) * 0.99) - 1],
            "max": times[-1], "failed": failed, "wall": wall,
            "hits": sum(1 for *_, hit in results if hit)}


def newest_post(env: dict) -> tuple[int, str]:
    code = ("from app import app\nfrom dreamweaver.models import Post\n"
            "from dreamweaver.extensions import db\nfrom dreamweaver.permalinks import post_url\n"
            "import sqlalchemy as sa\nwith app.test_request_context():\n"
            "    p = db.session.scalars(sa.select(Post).where(Post.type == 'post', "
            "Post.status == 'published').order_by(Post.published_at.desc())).first()\n"
            "    print(p.id, post_url(p))\n")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                         cwd=Path(__file__).resolve().parents[1], capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), out[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fetches", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {"FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/storm.sqlite",
               "FLASK_SECRET_KEY": "storm", "FLASK_FEDERATION_ENABLED": "true",
               "FLASK_MEDIA_STORAGE_URL": Path(folder, "media").as_uri(),
               "FLASK_RATELIMIT_ENABLED": "false"}
        flask(env, "init-db")
        flask(env, "seed-demo")
        post_id, path = newest_post(env)
        targets = [("object", f"/ap/posts/{post_id}", ACTIVITY),
                   ("permalink as JSON-LD", path, ACTIVITY), ("page (preview)", path, PREVIEW)]
        print(f"{args.fetches} concurrent fetches per round, {args.rounds} rounds, "
              "a server started fresh for each round (the post new to its cache)")
        for name, url, headers in targets:
            for number in range(args.rounds):
                with Server("app:app", env, "/robots.txt") as server:
                    found = asyncio.run(storm(server.port, url, headers, args.fetches))
                print(f"{name:22} round {number + 1}: p50 {found['p50']:7.1f} ms  "
                      f"p99 {found['p99']:7.1f} ms  max {found['max']:7.1f} ms  "
                      f"failed {found['failed']}  page-cache hits {found['hits']}  "
                      f"all done in {found['wall']:.2f} s")


if __name__ == "__main__":
    main()
