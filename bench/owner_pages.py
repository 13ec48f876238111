"""The owner's pages, timed in process: an administrator signed in through the
Flask test client (no server, no network), as tests/support/auth.py signs in.

Usage: .venv/bin/python bench/owner_pages.py [--repeat N] [--json]

The database is FLASK_SQLALCHEMY_DATABASE_URI's; an administrator is added to
it if it has none that can sign in (seed-bench's writers have no password), so
point it at a copy. Per page: 3 warm-up requests, then the median of N.
`make bench` calls run() for each size and database (in a process of its own,
so that each measurement has one app and a cold harness does not weigh on it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGIN, PASSWORD = "bench-owner", "bench owner's password"
WARM_UP = 3
CSRF_FIELD = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def owner_urls() -> list[tuple[str, str]]:
    """(name, URL): the posts list, the moderation queue (pending, the default
    tab: empty on a seeded site), the approved tab (every comment), and the
    editor of the post whose comment count is closest to 25 (latency.py's)."""
    import sqlalchemy as sa

    from dreamweaver.extensions import db
    from dreamweaver.models import Post

    post_id = db.session.scalar(
        sa.select(Post.id).where(Post.type == "post")
        .order_by(sa.func.abs(Post.comment_count - 25), Post.id).limit(1))
    return [
        ("posts list", "/admin/posts/"),
        ("moderation queue", "/admin/comments/"),
        ("approved comments", "/admin/comments/?status=approved"),
        ("post editor", f"/admin/posts/{post_id}/edit"),
    ]


def _administrator() -> None:
    import sqlalchemy as sa

    from dreamweaver.extensions import db
    from dreamweaver.models import User

    user = db.session.scalar(sa.select(User).where(User.login == LOGIN))
    if user is None:
        user = User(login=LOGIN, display_name="Bench Owner", slug=LOGIN, role="administrator")
        db.session.add(user)
    user.set_password(PASSWORD)
    db.session.commit()


def signed_in_client(app):
    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/admin/login").get_data(as_text=True)).group(1)
    response = client.post("/admin/login", data={
        "csrf_token": token, "username": LOGIN, "password": PASSWORD})
    if response.status_code != 303:
        raise SystemExit(f"signing in failed: {response.status_code}")
    return client


def measure(app, repeat: int) -> list[dict]:
    from latency import StatementCounter

    from dreamweaver.extensions import db

    with app.app_context():
        _administrator()
        urls = owner_urls()
        counter = StatementCounter(db.engine)
    client = signed_in_client(app)
    rows = []
    for name, url in urls:
        for _ in range(WARM_UP):
            client.get(url)
        times = []
        for _ in range(repeat):
            counter.count = 0
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        rows.append({"page": name, "url": url, "status": response.status_code,
                     "median": statistics.median(times), "max": max(times),
                     "sql": counter.count})
    return rows


def run(env: dict, repeat: int = 20) -> list[dict]:
    """measure() in a process of its own with `env` (the site's FLASK_* settings)."""
    out = subprocess.run(
        [sys.executable, __file__, "--repeat", str(repeat), "--json"], cwd=ROOT,
        env={**os.environ, **env}, check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--json", action="store_true", help="one JSON line (for make bench)")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    from dreamweaver import create_app

    rows = measure(create_app(), args.repeat)
    if args.json:
        print(json.dumps(rows))
        return
    print("| page | URL | status | SQL | median ms | max ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['page']} | `{r['url']}` | {r['status']} | {r['sql']} | {r['median']:.1f} | "
              f"{r['max']:.1f} |")


if __name__ == "__main__":
    main()
