"""In-process latency of the owner's pages (issue 21, target 4): the posts list,
the comment moderation queue and the post editor, signed in as an administrator.

    FLASK_SQLALCHEMY_DATABASE_URI=sqlite:////tmp/copy.sqlite \\
        .venv/bin/python bench/owner_pages.py [--repeat 20] [--profile NAME]

Run it on a copy of a seeded database: it adds an administrator ("bench-owner")
with a known password. Per page: 3 warm-up requests, then --repeat timed ones
through Flask's test client; prints the median, p95 and SQL statements per
request, twice: as the owner usually meets the pages (the status counts cached
under the content generation), and right after a write (the generation moved
before every request, so every cached count is computed afresh, as after each
new comment). `measure(app)` is for `make bench` (bench/run.py).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

# The checkout this script sits in comes first: the app measured is this one.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dreamweaver import create_app  # noqa: E402
from dreamweaver.caching import bump  # noqa: E402
from dreamweaver.extensions import db  # noqa: E402
from dreamweaver.models import Post, User  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import StatementCounter  # noqa: E402

WARM_UP = 3
REPEAT = 20
OWNER, PASSWORD = "bench-owner", "bench owner password, not a secret"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def ensure_owner(app) -> None:
    """An administrator the benchmark signs in as, created with a known password."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.login == OWNER))
        if user is None:
            user = User(login=OWNER, display_name="Bench Owner", slug=OWNER,
                        email="bench-owner@example.org", role="administrator")
            db.session.add(user)
        user.role = "administrator"
        user.disabled_at = None
        user.set_password(PASSWORD)
        db.session.commit()


def signed_in_client(app):
    client = app.test_client()
    token = CSRF.search(client.get("/admin/login").get_data(as_text=True))[1]
    response = client.post("/admin/login", headers={"Sec-Fetch-Site": "same-origin"},
                           data={"csrf_token": token, "username": OWNER, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return client


def pages(app) -> dict[str, str]:
    """{name: URL} of the pages measured; the editor opens the newest post."""
    with app.app_context():
        newest = db.session.scalar(
            sa.select(Post.id).where(Post.type == "post").order_by(Post.id.desc()).limit(1))
    return {
        "posts list": "/admin/posts/",
        "posts list, page 50": "/admin/posts/?page=50",
        "posts list, published tab": "/admin/posts/?status=published",
        "comments: pending (default tab)": "/admin/comments/",
        "comments: approved tab": "/admin/comments/?status=approved",
        "comments: approved, page 50": "/admin/comments/?status=approved&page=50",
        "post editor": f"/admin/posts/{newest}/edit",
    }


def _write(app) -> None:
    """What any write does to the caches: the content generation moves on."""
    with app.app_context():
        bump()
        db.session.commit()


def _time(app, client, counter, url: str, repeat: int, after_write: bool):
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200, url
    times, statements = [], set()
    for _ in range(repeat):
        if after_write:
            _write(app)
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
        statements.add(counter.count)
    p95 = sorted(times)[math.ceil(0.95 * repeat) - 1]  # nearest rank
    return statistics.median(times), p95, max(statements)


def measure(app, repeat: int = REPEAT, *, after_write: bool = False
            ) -> dict[str, tuple[float, float, int]]:
    """{page: (median ms, p95 ms, SQL statements per request)} of the owner's
    pages; with after_write, each request follows a move of the generation."""
    ensure_owner(app)
    client = signed_in_client(app)
    with app.app_context():
        counter = StatementCounter(db.engine)
    return {name: _time(app, client, counter, url, repeat, after_write)
            for name, url in pages(app).items()}


def rows(app, repeat: int = REPEAT) -> list[dict]:
    """measure() both ways, one dict per page (what --json prints)."""
    warm, fresh = measure(app, repeat), measure(app, repeat, after_write=True)
    # (status: every timed request answered 200, or _time stopped the run)
    return [{"page": name, "url": url, "status": 200, "median": warm[name][0],
             "p95": warm[name][1],
             "sql": warm[name][2], "after_write_median": fresh[name][0],
             "after_write_p95": fresh[name][1], "after_write_sql": fresh[name][2]}
            for name, url in pages(app).items()]


def run(env: dict, repeat: int = REPEAT) -> list[dict]:
    """rows() in a process of its own with `env` (the site's FLASK_* settings):
    one app per measurement, as `make bench` wants it."""
    out = subprocess.run([sys.executable, __file__, "--repeat", str(repeat), "--json"],
                         env={**os.environ, **env}, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.splitlines()[-1])


def profile(app, name: str, requests: int = 50, top: int = 15) -> str:
    """cProfile of one page, sorted by cumulative time."""
    ensure_owner(app)
    client = signed_in_client(app)
    url = pages(app)[name]
    for _ in range(WARM_UP):
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--profile", metavar="PAGE", help="cProfile one page instead")
    parser.add_argument("--json", action="store_true", help="one JSON line (for make bench)")
    args = parser.parse_args()
    app = create_app({"PAGE_CACHE": False, "RATELIMIT_ENABLED": False})
    if args.profile:
        print(profile(app, args.profile))
        return
    if args.json:
        print(json.dumps(rows(app, args.repeat)))
        return
    with app.app_context():
        dialect = db.engine.dialect.name
        posts = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
        comments = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("comments")))
    load = os.getloadavg()[0]
    print(f"{dialect}, {posts:,} posts, {comments:,} comments; {WARM_UP} warm-up + "
          f"{args.repeat} timed requests per page, in process, signed in as an administrator\n")
    print("| page | median ms | p95 ms | SQL | after a write: median | p95 | SQL |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows(app, args.repeat):
        print(f"| {r['page']} | {r['median']:.1f} | {r['p95']:.1f} | {r['sql']} | "
              f"{r['after_write_median']:.1f} | {r['after_write_p95']:.1f} | "
              f"{r['after_write_sql']} |")
    print(f"\nLoad average (1 min) {load:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"({os.cpu_count()} CPUs).")


if __name__ == "__main__":
    main()
