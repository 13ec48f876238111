"""A post's pictures in a real browser: the candidate it takes is never
narrower than the image is drawn (so `sizes` is not too small for the
column) and at most one width step wider; the boxes are in place before the
bytes arrive (no layout shift); the featured image is fetched first."""

from datetime import UTC, datetime

import pytest

from dreamweaver.extensions import db
from dreamweaver.media.variants import widths_for
from dreamweaver.models import Media
from tests.support import images
from tests.support.browser import serving, watch_console
from tests.support.comment_client import permalink

# (viewport width, device pixel ratio): phones, a tablet, laptops, a wide screen.
SCREENS = [(320, 2), (390, 3), (768, 2), (1024, 1), (1280, 2), (1440, 2), (1920, 1)]
SHIFTS = """new Promise(done => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
    .observe({type: "layout-shift", buffered: true});
  setTimeout(() => done(total), 300);
})"""


@pytest.fixture
def served(app):
    with serving(app) as url:
        yield url


@pytest.fixture
def photo_post(app, make):
    cover = make.media("cover.jpg", data=images.jpeg(2400, 1600), alt="Cover")
    photo = make.media("photo.jpg", data=images.jpeg(2400, 1800), alt="Photo")
    words = " ".join(["Words of a paragraph."] * 40)
    post = make.post("Pictures in a browser", featured_media_id=cover.id,
                     published_at=datetime(2024, 2, 3, tzinfo=UTC),
                     source=f"{words}\n\n![Photo](/media/{photo.key})\n\n{words}")
    with app.app_context():
        widths = {m.key.rsplit(".", 1)[0]: widths_for(m.width)
                  for m in db.session.query(Media).all()}
    return permalink(app, post), widths


@pytest.mark.parametrize("width,dpr", SCREENS)
def test_browser_takes_a_candidate_as_wide_as_the_image_is_drawn(browser, served, photo_post,
                                                                  width, dpr):
    path, widths = photo_post
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  device_scale_factor=dpr)
    page = context.new_page()
    problems = watch_console(page)
    page.goto(served + path, wait_until="load")
    for selector in (".featured-image img", ".entry-content picture img"):
        drawn, chosen = page.eval_on_selector(
            selector, "i => [i.getBoundingClientRect().width, i.currentSrc]")
        assert chosen.endswith(".avif"), chosen  # the first source chromium takes
        stem, _, rest = chosen.split("/media/", 1)[1].rpartition("-")
        taken = int(rest.split("w.", 1)[0])
        needed = drawn * dpr
        offered = widths[stem]
        assert taken >= min(needed, offered[-1]) - 1, (selector, drawn, taken)
        wider = [w for w in offered if w >= needed]
        assert not wider or taken <= wider[min(1, len(wider) - 1)], (selector, drawn, taken)
    page.mouse.wheel(0, 4000)  # the lazy image comes in
    page.wait_for_function("[...document.images].every(i => i.complete)")
    assert page.evaluate(SHIFTS) == 0
    assert page.eval_on_selector(".featured-image img", "i => i.fetchPriority") == "high"
    assert problems == []
    context.close()
