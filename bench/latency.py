"""In-process latency of the reader pages: Flask test client, no network, no server.

Usage: .venv/bin/python bench/latency.py [--repeat N] [--label TEXT]

The database is FLASK_SQLALCHEMY_DATABASE_URI's; URLs are found in it. Per URL: 3 warm-up,
N timed requests; prints p50/p95/mean ms, status, bytes, SQL statements per request.
`discover()` is for reuse by `make bench` (gunicorn + wrk): both time the same pages.
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

# The checkout this script sits in comes first: the app measured is this one.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dreamweaver import create_app  # noqa: E402
from dreamweaver.blog import queries
from dreamweaver.extensions import db  # noqa: E402
from dreamweaver.models import Category, Post, Tag, post_categories, post_tags  # noqa: E402
from dreamweaver.permalinks import post_url  # noqa: E402

WARM_UP = 3
HX = {"HX-Request": "true"}
# The synthetic vocabulary (dreamweaver/demo/bench.py) has ~75 words, each in ~90% of
# posts: a common word is a worst case. The rare word is in no synthetic post.
RARE, COMMON, TWO = "mescaline", "psilocybin", "integration therapy"


def _most_posts(column, target, *, fewest=False):
    """The slug of the category/tag with the most (or fewest) visible posts, and the count."""
    count = sa.func.count()
    query = (
        sa.select(target.slug, count)
        .join(column.table, column == target.id)
        .join(Post, Post.id == column.table.c.post_id)
        .where(Post.type == "post", queries.is_visible())
        .group_by(target.id, target.slug)
        .order_by(count if fewest else count.desc(), target.id)
        .limit(1)
    )
    return db.session.execute(query).one()


def _page(wanted: int, posts: int, per_page: int) -> int:
    """Page `wanted`, or the last page of a listing that has fewer."""
    return max(1, min(wanted, math.ceil(posts / per_page)))


def discover(app) -> list[tuple[str, str, dict]]:
    """(name, URL, headers) for each page measured, found in the app's database."""
    per_page = app.config["POSTS_PER_PAGE"]
    with app.test_request_context():
        visible = queries.visible_posts()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(visible.subquery()))
        newest = db.session.scalar(visible.order_by(*queries.NEWEST_FIRST).limit(1))
        talked = db.session.scalar(
            visible.order_by(sa.func.abs(Post.comment_count - 25), Post.id).limit(1))
        big, big_n = _most_posts(post_categories.c.category_id, Category)
        small, _ = _most_posts(post_categories.c.category_id, Category, fewest=True)
        tag, _ = _most_posts(post_tags.c.tag_id, Tag)
        local = newest.published_local
        return [
            ("home", "/", {}),
            ("home page 2", "/page/2/", {}),
            ("home deep page", f"/page/{_page(500, total, per_page)}/", {}),
            ("post (newest)", post_url(newest), {}),
            (f"post ({talked.comment_count} comments)", post_url(talked), {}),
            ("category (big)", f"/category/{big}/", {}),
            ("category (small)", f"/category/{small}/", {}),
            ("category deep page", f"/category/{big}/page/{_page(50, big_n, per_page)}/", {}),
            ("month (newest)", f"/{local.year}/{local.month:02d}/", {}),
            ("year", f"/{local.year - 1}/", {}),
            ("author", f"/author/{newest.author.slug}/", {}),
            ("tag", f"/tag/{tag}/", {}),
            ("search rare word", f"/?s={RARE}", {}),
            ("search common word", f"/?s={COMMON}", {}),
            ("search two words", f"/?s={TWO.replace(' ', '+')}", {}),
            ("search page 3", f"/page/3/?s={COMMON}", {}),
            ("home, htmx fragment", "/", HX),
            ("category (big), htmx fragment", f"/category/{big}/", HX),
        ]


class StatementCounter:
    """Counts SQL statements sent to the database (SQLite's own BEGIN left out)."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args):
        if statement.strip().upper() != "BEGIN":
            self.count += 1


def measure(client, counter, url: str, headers: dict, repeat: int) -> dict:
    for _ in range(WARM_UP):
        client.get(url, headers=headers)
    times, statements = [], set()
    for _ in range(repeat):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        statements.add(counter.count)
    return {
        "status": response.status_code, "bytes": len(response.data),
        "sql": "/".join(str(n) for n in sorted(statements)),
        "p50": statistics.median(times),
        "p95": sorted(times)[math.ceil(0.95 * repeat) - 1],  # nearest rank
        "mean": statistics.fmean(times),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--label", default="", help="a heading for the table")
    args = parser.parse_args()
    pages = discover(app := create_app())
    with app.app_context():
        counter = StatementCounter(db.engine)
        posts = db.session.scalar(sa.select(sa.func.count(Post.id)))
        comments = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("comments")))
        dialect = db.engine.dialect.name
    client, load = app.test_client(), os.getloadavg()[0]
    print(f"### {args.label or dialect}\n")
    print(f"{dialect}, {posts:,} posts, {comments:,} comments; {WARM_UP} warm-up + "
          f"{args.repeat} timed requests per URL, in process (Flask test client).\n")
    print("| page | URL | status | bytes | SQL | p50 ms | p95 ms | mean ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, url, headers in pages:
        r = measure(client, counter, url, headers, args.repeat)
        flag = "" if r["status"] == 200 else " **!**"  # non-200: see the traceback on stderr
        print(f"| {name} | `{url}` | {r['status']}{flag} | {r['bytes']:,} | {r['sql']} | "
              f"{r['p50']:.1f} | {r['p95']:.1f} | {r['mean']:.1f} |", flush=True)
    print(f"\nLoad average (1 min) {load:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"({os.cpu_count()} CPUs): other busy processes inflate these figures.")


if __name__ == "__main__":
    main()
