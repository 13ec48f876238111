"""`make bench`: the site under gunicorn, driven by wrk, against a bare Flask
"hello world" under the same gunicorn settings (the floor); issue 21's targets.

For each size (1,000 posts / 10,000 comments and 100,000 / 1,000,000) and
database (SQLite, the local PostgreSQL), a seeded site is copied fresh and
served with the project's gunicorn.conf.py (2 workers, access log off). Each
reader page is loaded with wrk (2 threads, a browser's Accept-Encoding) at
each connection count in three modes: page-cache hit, page cache off, and a
returning commenter (page cache on, the "save my name" cookie sent). Then a
sequential probe of the cached pages, comment POSTs (-c4), and the owner's
pages in process (bench/owner_pages.py). The floor is measured before the
first block and after each one, at each connection count; a block is judged
against the higher of the floors around it. Prints one table row per size,
database, page, mode and connection count, then a PASS/FAIL line per target
(bench/targets.py) and how many were met.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import databases  # noqa: E402
import owner_pages  # noqa: E402
import pages  # noqa: E402
import targets  # noqa: E402
from servers import BROWSER_ENCODING, Server, probe, warm_up, wrk  # noqa: E402

# DESIGN: outside tests of comment flows run with these rules off.
RELAXED = {"FLASK_COMMENT_MODERATION": "false", "FLASK_COMMENT_FLOOD_SECONDS": "0",
           "FLASK_COMMENT_MIN_SECONDS": "0", "FLASK_RATELIMIT_ENABLED": "false"}
# Selectable with --pages like the reader pages.
POSTS, PROBE, OWNER = "comment POST", "sequential probe", "owner pages"
POSTERS = 4


class Run:
    """Everything one `make bench` measured, keyed by block: (size, database)."""

    def __init__(self, args):
        self.args = args
        self.connections = args.connections
        self.databases = [b.name for b in args.backends]
        self.blocks: list[tuple[str, str]] = []
        self.rows: dict[tuple, dict] = {}  # (block, page, mode, c) -> wrk's figures
        self.floor_runs: list[dict] = []  # {c: figures}, before the first block and after each
        self.floors: dict[tuple, dict] = {}  # block -> {c: the higher floor around it}
        self.probes, self.posts, self.owner, self.notes = {}, {}, {}, {}
        self.weight = None

    def pages(self, block, mode: str, c: int) -> dict[str, dict]:
        return {page: r for (b, page, m, n), r in self.rows.items()
                if b == block and m == mode and n == c}

    def shares(self, block, mode: str, c: int) -> dict[str, float]:
        floor = self.floors[block][c]["rps"]
        return {page: r["rps"] / floor for page, r in self.pages(block, mode, c).items()}


def selected(args, name: str) -> bool:
    return not args.pages or any(word.lower() in name.lower() for word in args.pages)


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def measure_floor(run: Run) -> None:
    figures = {}
    with Server("hello:app", {"PYTHONPATH": str(ROOT / "bench")}) as hello:
        for c in run.connections:
            warm_up(hello.url, {}, c, run.args.warm_up)
            figures[c] = wrk(hello.url, run.args.seconds, c, BROWSER_ENCODING)
            progress(f"floor -c{c}: {figures[c]['rps']:.0f} req/s, p50 {figures[c]['p50']:.2f} ms,"
                     f" p99 {figures[c]['p99']:.2f} ms")
    run.floor_runs.append(figures)


def load(run: Run, block, server: Server, mode: str, page: str, url: str, headers: dict):
    """One page in one mode at every connection count (one warm-up before them)."""
    args = run.args
    headers = pages.mode_headers(mode, headers)
    warm_up(server.url + url, headers, run.connections[0], args.warm_up)
    problem = pages.cache_problem(server, url, headers, mode)
    for c in run.connections:
        r = wrk(server.url + url, args.seconds, c, {**BROWSER_ENCODING, **headers})
        r["problems"] += [problem] if problem else []
        run.rows[(block, page, mode, c)] = r
        progress(f"{block[0]} {block[1]} {page}, {mode}, -c{c}: {r['rps']:.0f} req/s, "
                 f"p99 {r['p99']:.2f} ms {'; '.join(r['problems'])}")


def bench_block(run: Run, size: str, backend) -> None:
    args, block = run.args, (size, backend.name)
    uri = backend.fresh_copy(size)
    env = {"FLASK_SQLALCHEMY_DATABASE_URI": uri, "FLASK_SECRET_KEY": pages.SECRET,
           "FLASK_MEDIA_STORAGE_URL": (args.dir / f"{size}.run.media").as_uri(), **RELAXED}
    databases.flask(env, "init-db")  # a base seeded by an older checkout: migrated
    found, comment_target, note = pages.discover(uri)
    reader = {page: spec for page, spec in found.items() if selected(args, page)}
    run.notes[block] = (found, note)
    try:
        with Server("app:app", {**env, "FLASK_PAGE_CACHE": "false"}, "/robots.txt") as server:
            for page, (url, headers) in reader.items():
                load(run, block, server, "no cache", page, url, headers)
        with Server("app:app", {**env, "FLASK_PAGE_CACHE": "true"}, "/robots.txt") as server:
            for page, (url, headers) in reader.items():
                load(run, block, server, "hit", page, url, headers)
            if selected(args, PROBE) and reader:
                progress(f"{size} {backend.name}: sequential probe, {args.probe_seconds} s")
                run.probes[block] = probe(server.url, list(reader.values()), args.probe_seconds)
            for page, (url, headers) in reader.items():
                load(run, block, server, "commenter", page, url, headers)
            if run.weight is None and "single post" in reader:
                run.weight = pages.page_weight(server, reader["single post"][0])
            # Last: every comment moves the content generation (no more hits).
            if selected(args, POSTS):
                target, script = pages.comment_script(server, comment_target, args.dir)
                wrk(server.url + target, args.warm_up, POSTERS, {}, script)
                run.posts[block] = wrk(server.url + target, args.seconds, POSTERS, {}, script)
                progress(f"{size} {backend.name} comment POSTs: {run.posts[block]['rps']:.0f}/s")
        if selected(args, OWNER):
            run.owner[block] = owner_pages.run(env)
    finally:
        backend.drop_copy(size)


def print_rows(run: Run, block) -> None:
    size, database = block
    for c, floor in run.floors[block].items():
        before, after = run.floor_runs[-2][c], run.floor_runs[-1][c]
        for when, r in (("before", before), ("after", after)):
            mark = " (judged against)" if r is floor else ""
            print(f"| {size} | {database} | floor: hello world | {when}{mark} | {c} | "
                  f"{r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                  f"{r['rps'] / floor['rps']:.0%} | {'; '.join(r['problems'])} |")
    rows = [(k, r) for k, r in run.rows.items() if k[0] == block]
    if block in run.posts:
        rows.append(((block, POSTS, "POST", POSTERS), run.posts[block]))
    for (_, page, mode, c), r in rows:
        share = r["rps"] / run.floors[block][c]["rps"] if c in run.floors[block] else 0
        print(f"| {size} | {database} | {page} | {mode} | {c} | {r['rps']:.0f} | {r['p50']:.2f} | "
              f"{r['p99']:.2f} | {share:.0%} | {'; '.join(r['problems'])} |", flush=True)


def print_details(run: Run) -> None:
    print("\nPages measured (found in each database by bench/latency.py's discover):")
    for (size, database), (found, note) in run.notes.items():
        urls = ", ".join(f"{page} {url}" for page, (url, _) in found.items())
        print(f"- {size} {database}: {urls} (the single post is latency.py's \"{note}\")")
    for (size, database), timings in run.probes.items():
        times = [ms for _, ms, _, _ in timings]
        failed = sum(f for _, _, _, f in timings)
        slowest = sorted(timings, key=lambda t: -t[1])[:5]
        print(f"\nSequential probe, {size} {database}: {len(times)} requests in "
              f"{run.args.probe_seconds} s (one connection, cached pages in turn), p50 "
              f"{statistics.median(times):.2f} ms, p99 {_p99(times):.2f} ms, {failed} failed; "
              "the 5 slowest: " + ", ".join(f"{ms:.1f} ms at {at:.1f} s ({path})"
                                            for at, ms, path, _ in slowest))
    for (size, database), rows in run.owner.items():
        print(f"\nOwner's pages in process, {size} {database} (median of 20 after 3 warm-up): "
              + ", ".join(f"{r['page']} {r['median']:.1f} ms ({r['sql']} SQL, status "
                          f"{r['status']}, {r['url']})" for r in rows))
    if w := run.weight:
        print(f"\nSingle post page weight: HTML {w['html raw']} bytes raw, {w['html']} bytes as "
              f"sent ({w['encoding']}); with " + ", ".join(
                  f"{p.split('?')[0]} {n}" for p, n in w["assets"].items())
              + f": {w['total']} bytes in {w['requests']} requests")


def _p99(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.99 * len(values)) - 1)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/dreamweaver-bench"),
                        help="where the seeded SQLite databases are kept")
    parser.add_argument("--sizes", default="1k,100k", help="1k, 100k or both")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432",
                        help="the server the dw_bench_* databases are made on")
    parser.add_argument("--pages", "--only", default="",
                        help="comma-separated words: only what has one in its name (reader "
                             f"pages, '{POSTS}', '{PROBE}', '{OWNER}')")
    parser.add_argument("--seconds", type=int, default=5, help="each wrk measurement")
    parser.add_argument("--warm-up", type=int, default=2, help="wrk load before each page")
    parser.add_argument("--connections", default="4,16")
    parser.add_argument("--probe-seconds", type=float, default=30)
    args = parser.parse_args()
    args.sizes = args.sizes.split(",")
    args.pages = [word for word in args.pages.split(",") if word]
    args.connections = [int(c) for c in args.connections.split(",")]
    args.dir.mkdir(parents=True, exist_ok=True)
    args.backends = databases.backends(args.databases.split(","), args.dir, args.postgres)
    return args


def main():
    args = parse_args()
    for size in args.sizes:  # all seeding first: no block waits minutes between its floors
        for backend in args.backends:
            backend.base(size)
    run, started = Run(args), time.time()
    print(f"Settings: wrk -t2 -c{{{','.join(map(str, args.connections))}}}, {args.seconds:g} s "
          f"each after {args.warm_up:g} s of warm-up per page and mode; sizes {args.sizes}, "
          f"databases {run.databases}; gunicorn.conf.py with WEB_CONCURRENCY=2, access log off; "
          f"comment POSTs -c{POSTERS}; sequential probe {args.probe_seconds:g} s.\n")
    print("| size | database | page | mode | c | req/s | p50 ms | p99 ms | of floor | problems |")
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    measure_floor(run)
    for size in args.sizes:
        for backend in args.backends:
            block = (size, backend.name)
            run.blocks.append(block)
            bench_block(run, size, backend)
            # This machine's speed drifts: the floor is measured again after each
            # block, and the block is judged against the higher of its two floors.
            measure_floor(run)
            before, after = run.floor_runs[-2], run.floor_runs[-1]
            run.floors[block] = {c: max(before[c], after[c], key=lambda r: r["rps"])
                                 for c in args.connections}
            print_rows(run, block)
    print_details(run)
    print(f"\nTargets (issue 21), {(time.time() - started) / 60:.0f} minutes of measuring:")
    targets.report(targets.check(run))


if __name__ == "__main__":
    main()
