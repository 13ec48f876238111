"""Comment POSTs (issue 21, target 3): where one costs its time in process, and
how many gunicorn serves with wrk, as `make bench` posts them (bench/run.py's
RELAXED rules, bench/pages.py's Lua script, bench/servers.py's gunicorn with 2
sync workers, -t2 -c4).

    .venv/bin/python bench/comment_posts.py profile [--db 1k.sqlite] [--posts 300]
    .venv/bin/python bench/comment_posts.py wrk [--db 1k.sqlite | --db postgresql://...]

A SQLite --db is copied first (the original is never written); a PostgreSQL
URL is used as it is (seed it with init-db and seed-bench). Without --db the
profile runs on a fresh demo site.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import databases  # noqa: E402
import pages  # noqa: E402
from run import RELAXED  # noqa: E402
from servers import Server, wrk  # noqa: E402

LINK = r'<h2 class="entry-title"><a href="(?:https?://[^/]+)?(/\d{4}/[^"]+)"'
FORM = {"author": "Bench Reader", "email": "bench@example.org", "url": "",
        "comment_parent": "0"}


def database_uri(db: str | None, folder: str) -> str | None:
    if db is None:
        return None
    if "://" in db:
        return db
    copy = Path(folder) / "comments.sqlite"
    shutil.copyfile(db, copy)
    return f"sqlite:///{copy}"


def profile(args) -> None:
    from flask_migrate import upgrade

    from dreamweaver import create_app
    from dreamweaver.extensions import db

    folder = tempfile.mkdtemp()
    uri = database_uri(args.db, folder) or f"sqlite:///{folder}/demo.sqlite"
    app = create_app({"SECRET_KEY": pages.SECRET, "PAGE_CACHE": False, "RATELIMIT_ENABLED": False,
                      "COMMENT_MODERATION": False, "COMMENT_FLOOD_SECONDS": 0,
                      "COMMENT_MIN_SECONDS": 0, "CACHE_TYPE": "SimpleCache",
                      "TASKS_SQLITE_PATH": f"{folder}/tasks.sqlite3",
                      "SQLALCHEMY_DATABASE_URI": uri})
    if args.db is None:
        from dreamweaver.demo import load_demo

        with app.app_context():
            upgrade()
            load_demo()
            db.session.commit()
    client = app.test_client()
    post = re.search(LINK, client.get("/").get_data(as_text=True))[1]
    html = client.get(post).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]
    headers = {"Sec-Fetch-Site": "same-origin"}
    counter = iter(range(10**9))
    run_mark = time.time_ns()  # a PostgreSQL database keeps the texts of earlier runs

    def one():
        response = client.post(post + "comments/", headers=headers, data={
            **FORM, "csrf_token": token,
            "comment": f"Benchmark comment number {next(counter)} from run {run_mark}"})
        assert response.status_code == 303, response.status_code

    for _ in range(20):
        one()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.posts):
        one()
    plain = (time.perf_counter() - started) / args.posts * 1000
    # CPU time of this process (not the database server's): steadier than the
    # wall clock on a shared machine.
    cpu = (time.process_time() - cpu) / args.posts * 1000
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.posts):
        one()
    profiler.disable()
    each = (time.perf_counter() - started) / args.posts * 1000
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    lines = [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    print(f"{post}comments/ on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: "
          f"{plain:.2f} ms per POST ({cpu:.2f} ms CPU), {each:.2f} ms under cProfile "
          f"({args.posts} POSTs)")
    print("\n".join(lines[first:first + args.top + 1]))


def measure(args) -> None:
    folder = tempfile.mkdtemp()
    uri = database_uri(args.db, folder)
    # The page cache on, as bench/run.py has it when it posts (a POST never uses it).
    env = {"FLASK_SQLALCHEMY_DATABASE_URI": uri, "FLASK_SECRET_KEY": pages.SECRET,
           "FLASK_PAGE_CACHE": "true", "FLASK_TASKS_SQLITE_PATH": f"{folder}/tasks.sqlite3",
           **RELAXED}
    os.environ.update(env)
    databases.flask({}, "init-db")
    server = Server("app:app", env)
    try:
        home = urllib.request.urlopen(server.url + "/").read().decode()
        post = re.search(LINK, home)[1]
        target, script = pages.comment_script(server, post, Path(folder))
        lua = script.read_text()
        for number in range(args.repeat):
            # wrk seeds no random numbers: the same thread ids every run, so each
            # run's texts get their own mark (a repeat would be a 409 duplicate,
            # on PostgreSQL across invocations too).
            for mark, seconds in (("warm", 2), ("run", args.seconds)):
                script.write_text(lua.replace(
                    "+from+thread+", f"+from+{mark}+{number}+{time.time_ns()}+thread+"))
                result = wrk(server.url + target, seconds, args.connections, {}, script)
            print(f"{uri.split(':')[0]}: {result['rps']:.0f} POST/s, p50 {result['p50']:.2f} ms,"
                  f" p99 {result['p99']:.2f} ms, problems: "
                  f"{', '.join(result['problems']) or 'none'}", flush=True)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("profile", "wrk"))
    parser.add_argument("--db", help="a SQLite file (copied) or a PostgreSQL URL")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    (profile if args.mode == "profile" else measure)(args)


if __name__ == "__main__":
    main()
