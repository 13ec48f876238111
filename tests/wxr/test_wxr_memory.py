"""A big export must not need its size in memory: the reader streams, and the
importer empties its session as it goes while keeping one transaction."""

import tracemalloc

import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post
from dreamweaver.wxr.reader import check, records
from tests.support.factories import empty_database
from tests.support.wxr_files import write_big_wxr

BODY = 10_000  # bytes of content per post


def traced_peak(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reader_memory_does_not_grow_with_the_file(tmp_path):
    small = write_big_wxr(tmp_path / "small.xml", 50, BODY)
    big = write_big_wxr(tmp_path / "big.xml", 800, BODY)

    def read(path):
        return lambda: (check(path), sum(1 for _ in records(path)))

    small_peak, big_peak = traced_peak(read(small)), traced_peak(read(big))
    assert big.stat().st_size > 8_000_000
    assert big_peak < 1_000_000  # a few items' worth, never the file
    assert big_peak < small_peak * 1.5


def test_import_memory_does_not_grow_with_the_file(app, runner, tmp_path):
    def imported(items):
        path = write_big_wxr(tmp_path / f"{items}.xml", items, BODY)
        empty_database(app)
        peak = traced_peak(lambda: runner.invoke(args=["import-wxr", str(path)],
                                                 catch_exceptions=False))
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Post.id))) == items
            assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == items * 2
        return peak

    small_peak, big_peak = imported(40), imported(320)
    # Holding 320 posts would take over 12 MB (the item, source, HTML and search
    # text of each); a flat importer's peak is a few items' worth above the small run's.
    assert big_peak < small_peak + 3_000_000, (small_peak, big_peak)
