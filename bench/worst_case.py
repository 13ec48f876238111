"""The worst inputs we know, at the largest size each is accepted, timed.

`python bench/worst_case.py` (or `make bench-worst`) takes every shape below,
grows it to the largest size its limits accept (a text beyond them is refused
before any parser sees it, in one linear pass), and times the work a request
does with it: sanitizing a comment (the comment form and the admin's edit),
the live comment preview, rendering a post from Markdown or HTML (the
editor's save and preview), and the importer's shortcode pass. `--fuzz N`
then searches N more shapes with hypothesis, steered towards the slowest
(hypothesis.target). It prints the slowest shape of each family against its
bound: 50 ms for a comment, 1 s for a post. Figures and the machine are in bench/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dreamweaver import create_app  # noqa: E402
from dreamweaver.comments.views import PREVIEW_MAX  # noqa: E402
from dreamweaver.markup import SOURCE_MAX, render, to_html  # noqa: E402
from dreamweaver.sanitize import (  # noqa: E402
    POST_LIMITS,
    POST_TAGS,
    check_comment,
    clean_comment,
    explain_comment,
)
from dreamweaver.sanitize.htmlshape import TooComplex, check  # noqa: E402
from dreamweaver.wxr.content import prepare  # noqa: E402

COMMENT_MAX = 65_525
VERBOSE = "--verbose" in sys.argv
BOUND = {"comment": 0.050, "preview": 0.050, "markdown": 1.0, "html": 1.0, "shortcodes": 1.0}

# Pieces a hostile text is made of: every one is repeated as often as the
# limits let it, alone and after a prefix that opens what the limits allow.
UNITS = [
    "word ", "a\n", "a\n\n", "\n", "<", "< ", "<<<b", "&", "& ", "&amp;", "&#x41;", "&#",
    "&#99999999;", "&lt;b&gt;", "a.co ", "http://a.co/ ", "www.a.co/x ", "x@a.co ",
    "<b>x</b>", "<b>", "</b>", "</b >", "</x y>", "<!--", "<!---->", "<!x>", "<?x>", "<x>",
    "<script>", "<a href=x>", "<a href=x>x</a>", "<a><b>", "<a>", "<p>", "<p>x", "<br>",
    "<blockquote>", "<q>", "<b a=1>", '<a title="', "<a title='>'>", "<abbr title=x>",
    "<b><i></b></i>", "<code>x", "<pre>\n", "é", "😀", "e\u0301", "\u202e", "[", "[a](",
    "*a", "_a", "**a", "`", "``a", "> ", "- ", "1. ", "    ", "|a", "| a |\n", "[^1]",
    "[a]: b\n", "*[", "![", "<div>", "<table>", "<td>", "<li>", "<ul><li>", "<h1>",
    "<img src=x>", "<section>", "<details>", "a-", "a-b.", "a_", "1.", "a ", "x.y ", "-",
    "a.", "a.b.c ", "a.com/", "(a.com) ", "(", "((a ", "(a", "<br>y", "<b>x</b>y",
]
# The importer's shortcode and paragraph pass (wxr/content.py), on the worst
# shapes found for it, each built at the size of the largest post we render.
SHORTCODE_SHAPES = {
    "[caption a…]x[/caption]": lambda n: "[caption " + "a" * n + "]x[/caption]",
    "[a  × n": lambda n: "[a " * (n // 3),
    "[a b= × n": lambda n: "[a b=" * (n // 5),
    "[a][b] × n, [/a][/b] × n": lambda n: "[a][b]" * (n // 12) + "[/a][/b]" * (n // 16),
    "[a] × n, [/a]": lambda n: "[a]" * (n // 3) + "[/a]",
    "[a] × n (never closed)": lambda n: "[a]" * (n // 3),
    "[caption a=\" × n": lambda n: '[caption a="' * (n // 12),
    "[[a] × n": lambda n: "[[a]" * (n // 4),
    "<pre × n": lambda n: "<pre" * (n // 4),
    "[caption] × n, [/caption]": lambda n: "[caption]" * (n // 9) + "[/caption]",
    "[a]…x…[/a] nested": lambda n: "[a]" * (n // 7) + "x" + "[/a]" * (n // 7),
    "<div  × n across lines": lambda n: "x\n" + "<div " * (n // 5) + "y\nz",
}
PREFIXES = {
    "": "",
    "open formatting": "".join(f"<b t={i}>" for i in range(8)) + "<p>x</p>",
    "deep": "<blockquote>" * 15,
    "many attributes": "<a " + " ".join(f"a{i}=v" for i in range(8)) + ">",
    "long attribute": '<a title="' + "x" * 400 + '">',
    "open table": "<table>",
}


def accepted(family: str, text: str) -> bool:
    try:
        if family in ("comment", "preview"):
            check_comment(text)
        else:
            check(to_html(text, family), POST_LIMITS, POST_TAGS)
    except TooComplex:
        return False
    return True


def largest(family: str, prefix: str, unit: str) -> str | None:
    """prefix + unit * n for the largest n its limits accept (or None)."""
    cap = {"comment": COMMENT_MAX, "preview": PREVIEW_MAX}.get(family, SOURCE_MAX)
    high = max((cap - len(prefix)) // len(unit), 0)
    if not accepted(family, prefix + unit):
        return None
    low = 1
    while low < high:
        middle = (low + high + 1) // 2
        if accepted(family, prefix + unit * middle):
            low = middle
        else:
            high = middle - 1
    return prefix + unit * low


def work(family: str) -> Callable[[str], object]:
    return {
        "comment": clean_comment,
        "preview": explain_comment,
        "markdown": lambda text: render(text, "markdown"),
        "html": lambda text: render(text, "html"),
    }[family]


def timed(function: Callable[[str], object], text: str, repeat: int = 3) -> float:
    """The best of a few runs, in CPU seconds of this thread."""
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        try:
            function(text)
        except TooComplex:
            return 0.0
        best = min(best, time.thread_time() - start)
    return best


def run_shapes(families: list[str]) -> dict[str, list[tuple[float, str, int]]]:
    results: dict[str, list[tuple[float, str, int]]] = {f: [] for f in families}
    if "shortcodes" in families:
        for name, make in SHORTCODE_SHAPES.items():
            text = make(SOURCE_MAX)[:SOURCE_MAX]
            results["shortcodes"].append((timed(prepare, text), name, len(text)))
    for family in (f for f in families if f != "shortcodes"):
        for label, prefix in PREFIXES.items():
            for unit in UNITS:
                text = largest(family, prefix, unit)
                if text is None:
                    continue
                name = f"{label + ' + ' if label else ''}{unit!r} x {len(text) // len(unit)}"
                results[family].append((timed(work(family), text), name, len(text)))
                if VERBOSE:
                    print(f"{family}: {results[family][-1][0] * 1000:.1f} ms {name}",
                          file=sys.stderr, flush=True)
    return results


def fuzz(families: list[str], examples: int, results) -> None:
    """Hypothesis searches compositions of the pieces, steered to the slowest."""
    from hypothesis import HealthCheck, given, settings, target
    from hypothesis import strategies as st

    pieces = st.lists(st.tuples(st.sampled_from(UNITS), st.integers(1, 4000)),
                      min_size=1, max_size=6)

    def search(family: str):
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(pieces)
        def slowest(parts):
            text = "".join(unit * count for unit, count in parts)
            if not accepted(family, text):
                return
            seconds = timed(work(family), text, repeat=1)
            target(seconds)
            results[family].append((seconds, "fuzz: " + " + ".join(
                f"{unit!r} x {count}" for unit, count in parts), len(text)))

        slowest()

    for family in families:
        if family != "shortcodes":
            search(family)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default="comment,preview,markdown,html,shortcodes")
    parser.add_argument("--fuzz", type=int, default=0, help="hypothesis examples per family")
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="each shape as it is timed")
    parser.add_argument("--fuzz-only", action="store_true", help="skip the listed shapes")
    args = parser.parse_args()
    families = args.families.split(",")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "INPUT_TIME_LIMIT": 0})
    with app.app_context():
        results = {f: [] for f in families} if args.fuzz_only else run_shapes(families)
        if args.fuzz:
            fuzz(families, args.fuzz, results)
    print("| family | bound | slowest | median of shapes | shapes | slowest shape (chars) |")
    print("| --- | --- | --- | --- | --- | --- |")
    failed = False
    for family in (f for f in families if results[f]):
        rows = sorted(results[family], reverse=True)
        worst = rows[0]
        median = statistics.median(seconds for seconds, _, _ in rows)
        failed |= worst[0] > BOUND[family]
        print(f"| {family} | {BOUND[family] * 1000:.0f} ms | {worst[0] * 1000:.1f} ms "
              f"| {median * 1000:.1f} ms | {len(rows)} | {worst[1]} ({worst[2]:,}) |")
    for family in families:
        print(f"\n{family}: slowest {args.top}")
        for seconds, name, size in sorted(results[family], reverse=True)[:args.top]:
            print(f"  {seconds * 1000:8.1f} ms  {size:>9,} chars  {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
