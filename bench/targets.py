"""Issue 21's targets, judged on one `make bench` run: a PASS/FAIL line each.

A line covers every page of one size, database, mode and connection count,
and names the pages that miss (or, if none does, the closest to missing).
Ratios are to the floor measured around the same block (the higher of the
run before it and the run after it, at the same connection count).
"""

from __future__ import annotations

MODE_LABELS = {"hit": "page-cache hits", "no cache": "no page cache (PAGE_CACHE=false)",
               "commenter": "returning commenter (page cache on)"}
UNCACHED_SHARE = 0.25  # target 1
POSTS_PER_SECOND, POST_P99_MS = 150, 100  # target 3
OWNER_MS = 50  # target 4
SIZE_RATIO = 1.2  # target 5
PROBE_MS = 50  # target 2, the sequential probe
WEIGHT_KB, WEIGHT_REQUESTS = 40, 4


def _within(values: dict[str, float], threshold: float, show, *, at_most: bool):
    """(every value on the right side of `threshold`, text): the pages that
    miss, or, when none does, the one nearest to missing."""
    if not values:
        return True, "no page measured"
    missed = {page: v for page, v in values.items()
              if (v > threshold if at_most else v < threshold)}
    if missed:
        return False, f"{len(missed)} of {len(values)} miss: " + ", ".join(
            f"{page} {show(v)}" for page, v in missed.items())
    closest = (max if at_most else min)(values, key=values.get)
    return True, f"closest: {closest} {show(values[closest])}"


def check(run) -> list[tuple[bool, str, str]]:
    checks = []
    for block in run.blocks:
        checks += _block_checks(run, block)
    checks += _flat_in_size(run)
    if run.weight:
        total = run.weight["total"]
        checks.append((total <= WEIGHT_KB * 1024, f"single post <= {WEIGHT_KB} KB total "
                       "(compressed)", f"{total / 1024:.1f} KB"))
        checks.append((run.weight["requests"] <= WEIGHT_REQUESTS,
                       f"single post <= {WEIGHT_REQUESTS} requests", str(run.weight["requests"])))
    # In the order (a stable sort keeps sizes and databases in run order).
    return sorted(checks, key=lambda check: check[1][:3] if check[1].startswith("[") else "[9")


def _block_checks(run, block) -> list:
    size, database = block
    where, checks = f"{size} {database}", []
    for c, floor in run.floors.get(block, {}).items():
        for mode in ("no cache", "commenter"):
            shares = run.shares(block, mode, c)
            if shares:
                ok, text = _within(shares, UNCACHED_SHARE, "{:.0%}".format, at_most=False)
                needed = floor["rps"] * UNCACHED_SHARE
                checks.append((ok, f"[1] {where}, {MODE_LABELS[mode]}, -c{c}: every page "
                               f">= {UNCACHED_SHARE:.0%} of floor ({needed:.0f} req/s)", text))
        shares = run.shares(block, "hit", c)
        if shares:
            ok, text = _within(shares, 1.0, "{:.0%}".format, at_most=False)
            checks.append((ok, f"[2] {where}, page-cache hits, -c{c}: every page >= 100% of "
                           f"floor ({floor['rps']:.0f} req/s)", text))
            p99 = {page: r["p99"] for page, r in run.pages(block, "hit", c).items()}
            ok, text = _within(p99, floor["p99"], "{:.2f} ms".format, at_most=True)
            checks.append((ok, f"[2] {where}, page-cache hits, -c{c}: p99 <= floor's p99 "
                           f"({floor['p99']:.2f} ms)", text))
    if block in run.probes:
        slowest = max(ms for _, ms, _, _ in run.probes[block])
        checks.append((slowest <= PROBE_MS, f"[2] {where}, sequential probe of cached pages: "
                       f"no request slower than {PROBE_MS} ms", f"slowest {slowest:.1f} ms"))
    if block in run.posts:
        post = run.posts[block]
        checks.append((post["rps"] >= POSTS_PER_SECOND, f"[3] {where}, comment POSTs (-c4) >= "
                       f"{POSTS_PER_SECOND}/s", f"{post['rps']:.0f}/s"))
        checks.append((post["p99"] < POST_P99_MS, f"[3] {where}, comment POSTs (-c4) p99 < "
                       f"{POST_P99_MS} ms", f"{post['p99']:.1f} ms"))
    for page in run.owner.get(block, []):
        checks.append((page["median"] < OWNER_MS and page["status"] == 200,
                       f"[4] {where}, owner's {page['page']} < {OWNER_MS} ms in process",
                       f"{page['median']:.1f} ms (status {page['status']})"))
    return checks


def _flat_in_size(run) -> list:
    """Target 5: time at 100k / time at 1k, i.e. req/s at 1k / req/s at 100k."""
    checks = []
    for database in run.databases:
        small, big = ("1k", database), ("100k", database)
        for mode in ("hit", "no cache", "commenter"):
            for c in run.connections:
                before, after = run.pages(small, mode, c), run.pages(big, mode, c)
                ratios = {page: before[page]["rps"] / after[page]["rps"]
                          if after[page]["rps"] else float("inf")
                          for page in before if page in after}
                if ratios:
                    ok, text = _within(ratios, SIZE_RATIO, "{:.2f}x".format, at_most=True)
                    checks.append((ok, f"[5] {database}, {MODE_LABELS[mode]}, -c{c}: every page's "
                                   f"time at 100k <= {SIZE_RATIO}x its time at 1k", text))
    return checks


def report(checks) -> None:
    for ok, label, value in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {value}")
    met = sum(ok for ok, _, _ in checks)
    print(f"\n{met} of {len(checks)} targets met.")
