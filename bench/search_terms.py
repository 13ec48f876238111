"""In-process time of searches with prefixes, phrases and exclusions.

Usage: FLASK_PAGE_CACHE=false .venv/bin/python bench/search_terms.py [--repeat N] [QUERY ...]

The database is FLASK_SQLALCHEMY_DATABASE_URI's (e.g. a `seed-bench --posts 100000`
site). Per query: one warm-up, then N timed requests of `/?s=QUERY` with the Flask
test client; prints the median and the slowest in ms, and the results listed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# The checkout this script sits in comes first: the app measured is this one.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dreamweaver import create_app  # noqa: E402

# The synthetic vocabulary (dreamweaver/demo/bench.py): most words are in ~90% of posts.
QUERIES = [
    "psilocybin",            # a whole common word, as bench/latency.py times it
    "psilo",                 # its prefix
    "micro",                 # prefix of microdose
    "neuro",                 # a prefix no word has
    "mes",                   # the shortest prefix, several words start with it
    "ps",                    # too short for a prefix: the whole word only
    "integ thera",           # two prefixes
    '"harm reduction"',      # a phrase
    "psilo -ayahuasca",      # prefix and exclusion
    'psilo "set setting" -ritual -legal',  # mixed
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("queries", nargs="*")
    args = parser.parse_args()
    if os.environ.get("FLASK_PAGE_CACHE", "").lower() != "false":
        sys.exit("Set FLASK_PAGE_CACHE=false: the page cache would answer every repeat.")
    client = create_app().test_client()
    print(f"load {os.getloadavg()[0]:.2f}")
    print(f"{'query':40} {'median':>8} {'max':>8} {'status':>6} {'listed':>6}")
    for words in args.queries or QUERIES:
        client.get("/", query_string={"s": words})
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get("/", query_string={"s": words})
            times.append((time.perf_counter() - started) * 1000)
        listed = response.get_data(as_text=True).count("<article")
        print(f"{words:40} {statistics.median(times):8.1f} {max(times):8.1f} "
              f"{response.status_code:6} {listed:6}")


if __name__ == "__main__":
    main()
