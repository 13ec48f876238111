"""A page whose rendering took long enough for a scheduled post to come due
meanwhile is kept only until that moment: what a cache keeps ends at the
first publication after its content was read, not after it was stored."""

import time
from datetime import UTC, datetime, timedelta

from dreamweaver.blog import listings
from tests.support.listings import listed
from tests.support.responses import text
from tests.support.settings import app_with_cache


def test_a_slow_rendering_ends_when_the_post_came_due(app, database_uri, make, monkeypatch):
    worker = app_with_cache(database_uri, MEDIA_STORAGE_URL=app.config["MEDIA_STORAGE_URL"])
    make.post("Already Out")
    due = datetime.now(UTC) + timedelta(seconds=1)
    make.post("Coming Up", status="scheduled", published_at=due)
    render = listings._render

    def slow(*args):
        shown = render(*args)  # its posts read before the moment
        time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.2)
        return shown

    monkeypatch.setattr(listings, "_render", slow)
    client = worker.test_client()
    first = client.get("/")
    assert "Coming Up" not in listed(text(first))  # (the sidebar, rendered later, has it)
    assert first.headers["X-Cache"] == "miss"
    again = client.get("/")
    assert again.headers["X-Cache"] == "miss"  # its entry ended when the post came due
    assert "Coming Up" in listed(text(again))
