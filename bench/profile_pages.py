"""Where a reader page's time goes without the page cache: cProfile of each
page of the demo site, in process, after warming (issue 21 asks for profiles
before any change). Prints each page's time per request under the profiler
and its most expensive functions by own time.

    .venv/bin/python bench/profile_pages.py [--requests 200] [--top 12]
"""

import argparse
import cProfile
import io
import pstats
import re
import tempfile
import time

from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.demo import load_demo
from dreamweaver.extensions import db

LINK = r'<h2 class="entry-title"><a href="(?:https?://[^/]+)?(/\d{4}/[^"]+)"'


def demo_client():
    folder = tempfile.mkdtemp()
    app = create_app({"SECRET_KEY": "profile", "PAGE_CACHE": False, "RATELIMIT_ENABLED": False,
                      "CACHE_TYPE": "SimpleCache",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/profile.sqlite"})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    return app.test_client()


def pages(client) -> dict[str, str]:
    home = client.get("/").get_data(as_text=True)
    return {"home": "/", "post": re.search(LINK, home)[1],
            "category": re.search(r'href="(/category/[^"]+/)"', home)[1],
            "month": "/2023/10/", "search": "/?s=therapy", "feed": "/feed/"}


def profile(client, url: str, requests: int, top: int) -> str:
    for _ in range(20):
        client.get(url)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        assert client.get(url).status_code == 200
    profiler.disable()
    each = (time.perf_counter() - started) / requests * 1000
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    lines = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if line.startswith("ncalls"))
    return "\n".join([f"{url}: {each:.2f} ms per request under cProfile ({requests} requests)",
                      *lines[first:first + top + 1]])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    client = demo_client()
    for name, url in pages(client).items():
        print(f"\n## {name}\n{profile(client, url, args.requests, args.top)}")


if __name__ == "__main__":
    main()
