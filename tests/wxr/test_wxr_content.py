"""WordPress content to HTML (shortcodes, autop, comment threads) does bounded
work on hostile input: linear in the size of the body, not quadratic."""

import gc
import time

import pytest

from dreamweaver.wxr.content import prepare
from dreamweaver.wxr.thread import _in_thread_order

# The shapes that were quadratic (each took 1-8 s at 40 KB before), as functions
# of the body's length in characters.
HOSTILE = {
    "nested pairs": lambda n: "[a]" * (n // 7) + "x" + "[/a]" * (n // 7),
    "unclosed tags": lambda n: "[a]" * (n // 3),
    "many openers, one closer": lambda n: "[a]" * (n // 3) + "[/a]",
    "alternating names": lambda n: "[a][b]" * (n // 6) + "[/a][/b]" * (n // 8),
    "unclosed captions": lambda n: "[caption]" * (n // 9),
    "captions, one closer": lambda n: "[caption]" * (n // 9) + "[/caption]",
    "caption attribute quote": lambda n: '[caption a="' * (n // 12),
    "caption attribute word": lambda n: "[caption " + "a" * n + "]x[/caption]",
    "attributes, no bracket": lambda n: "[a b=" * (n // 5),
    "names, no bracket": lambda n: "[a " * (n // 3),
    "broken escapes": lambda n: "[[a]" * (n // 4),
    "unclosed pre": lambda n: "<pre" * (n // 4),
    "block tags on a line": lambda n: "x\n" + "<div " * (n // 5) + "y\nz",
}
SIZE = 40_000


def seconds(work, *args) -> float:
    """CPU seconds of the best of three runs, without the garbage collector: the
    machine is shared, and other processes and collections only add noise."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(3):
            started = time.process_time()
            work(*args)
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("shape", HOSTILE)
def test_prepare_hostile_body_linear(shape):
    once = seconds(prepare, HOSTILE[shape](SIZE))
    four_times = seconds(prepare, HOSTILE[shape](4 * SIZE))
    assert once < 1.0, f"{SIZE} characters took {once:.2f} s"
    # Linear work grows 4x; quadratic 16x. The floor keeps a few milliseconds of
    # noise on a fast shape from failing the comparison.
    assert four_times < 8 * max(once, 0.005), (once, four_times)


@pytest.mark.parametrize("source, html", [
    ("[note]kept[/note]", "<p>kept</p>"),
    ("[a][a]x[/a][/a]", "<p>x</p>"),
    ("[a 1][a 2]x[/a]", "<p>[a 2]x</p>"),
    ("[a][b]x[/a]y[/b]", "<p>xy</p>"),
    ("[B]x[/b]", "<p>[B]x[/b]</p>"),
    ("[a]x[/a y]", "<p>[a]x[/a y]</p>"),
    ("[[note]]x[/note]", "<p>[note]x[/note]</p>"),
    ("[sic] [x/] [x y/] [gallery] [embed ]", "<p>[sic]    [embed ]</p>"),
    ("[a b=1 c=2]x", "<p>x</p>"),
    ('[CAPTION align="alignleft"]<img src="c.png"> Cat[/Caption]',
     '<figure class="wp-caption alignleft"><img src="c.png">'
     '<figcaption class="wp-caption-text">Cat</figcaption></figure>'),
    # Each opening caption with the first closing one; then the leftover pair goes.
    ("[caption][caption]<img src=a.png> One[/caption] two[/caption]",
     '<figure class="wp-caption alignnone"><img src=a.png> One</figure> two'),
    ("[caption]x[/wp_caption]", "<p>[caption]x[/wp_caption]</p>"),
    ("line <div>\nnext", "<p>line <div>\nnext</p>"),
    ("line <div x\nnext", "<p>line <div x<br>\nnext</p>"),
])
def test_prepare_shortcodes(source, html):
    assert prepare(source) == html


def thread(parents: dict) -> list:
    parsed = dict.fromkeys(parents)
    return list(_in_thread_order(parsed, dict(parents), {}))


def test_thread_order_long_chain_linear():
    """Each reply to the one before: walking up from every comment was n * n / 2."""
    def chain(n):
        return {i: (i - 1 if i > 1 else None) for i in range(1, n + 1)}

    order = thread(chain(10_000))
    assert [c for _, _, c in order] == list(range(1, 10_001))
    assert {top for _, top, _ in order} == {None, 1}
    once, four_times = seconds(thread, chain(10_000)), seconds(thread, chain(40_000))
    assert once < 1.0
    assert four_times < 8 * max(once, 0.02), (once, four_times)


def test_thread_order_cuts_loops():
    # 1 <-> 2 loop; 3 hangs from the 4 -> 5 -> 4 loop
    order = thread({1: 2, 2: 1, 3: 4, 4: 5, 5: 4})
    parents = {c: p for p, _, c in order}
    assert parents == {1: None, 2: 1, 4: None, 5: 4, 3: 4}
    seen = set()
    for parent, _top, comment in order:  # parents come before their replies
        assert parent is None or parent in seen
        seen.add(comment)


def test_page_parents_long_chain_linear(ctx):
    """Each page the child of the one before: settling the import's page tree
    (loops, depth) looks at each page a bounded number of times."""
    from dreamweaver.permalinks import MAX_PAGE_DEPTH, paths_of
    from dreamweaver.publishing import settle

    def walk(n):
        parents = {i: i - 1 if i > 1 else None for i in range(1, n + 1)}
        parents[1] = n  # and a loop through all of them
        changed = settle(parents)
        paths_of((i, f"p{i}", parent) for i, parent in parents.items())
        return changed

    changed = walk(50)
    assert [c for c in changed if c[1] == "loop"] == [(2, "loop")]  # 1 -> 50 -> ... -> 2 -> 1
    assert len([c for c in changed if c[1] == "deep"]) == 50 - MAX_PAGE_DEPTH
    once, four_times = seconds(walk, 5_000), seconds(walk, 20_000)
    assert once < 1.0
    assert four_times < 8 * max(once, 0.02), (once, four_times)
