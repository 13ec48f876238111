"""The owner's images, in a browser, with JavaScript and without: upload
(the file input, and with JavaScript also a drop, with progress and the grid
growing in place), alt text asked for at once, the image inserted into a new
post and made its featured image, the post published and its image seen by a
reader, then the image deleted after being asked, since a post uses it."""

import base64
import re

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Media, Post
from tests.support import images
from tests.support.browser import log_in, watch_console

# The statuses of the refusal and of the confirm step, which the browser logs as errors.
EXPECTED = ("422", "409")


def jpeg_file(name, width=640, height=480):
    return {"name": name, "mimeType": "image/jpeg", "buffer": images.jpeg(width, height)}


def media_named(live_app, name) -> Media:
    with live_app.app_context():
        return db.session.scalar(sa.select(Media).where(Media.original_name == name))


def post_titled(live_app, title) -> Post:
    with live_app.app_context():
        return db.session.scalar(sa.select(Post).where(Post.title == title))


def image_loads(page, key):
    """An image of the post whose file shares the media's stem has loaded
    (the original or any of its variants, whichever the page chose)."""
    stem = key.rsplit(".", 1)[0]
    page.wait_for_function(
        "stem => [...document.images].some(i => (i.currentSrc || i.src).includes(stem)"
        " && i.complete && i.naturalWidth > 0)", arg=stem)


def visit_post(page, live_server, live_app, title):
    page.locator(".notice", has_text="Post saved.").wait_for()
    page.click(".notice a")
    page.wait_for_url(re.compile(r"/\d{4}/\d{2}/\d{2}/"))
    assert page.locator("h1.entry-title").inner_text() == title


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_owner_uploads_inserts_features_and_deletes_with_javascript(page, live_server,
                                                                     live_app, owner):
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/media/")
    page.evaluate("""() => {
        window.__marker = 'same page';
        window.__progress = 0;
        new MutationObserver(records => records.forEach(r => {
            if (r.target.tagName === 'PROGRESS') window.__progress = Math.max(
                window.__progress, Number(r.target.value));
            r.addedNodes.forEach(n => { if (n.querySelector && n.querySelector('progress'))
                window.__progress = Math.max(window.__progress, 0.5); });
        })).observe(document.querySelector('[data-upload-queue]'),
                    {subtree: true, childList: true, attributes: true});
    }""")
    assert page.locator("#media-upload .upload-alt").is_hidden()

    # The file input: the upload starts once the file is chosen.
    page.set_input_files("#media-files", files=[jpeg_file("harbour-js.jpg")])
    done = page.locator("[data-upload-queue] li.upload-ok", has_text="harbour-js.jpg")
    done.wait_for()
    assert page.evaluate("window.__progress") > 0
    page.locator("#media-grid li", has_text="harbour-js").wait_for()

    # A drop on the zone, as a file dragged from the desktop.
    data = base64.b64encode(images.jpeg(320, 240)).decode()
    page.evaluate("""([name, data]) => {
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, {type: 'image/jpeg'}));
        const zone = document.querySelector('[data-drop-zone]');
        for (const type of ['dragenter', 'dragover', 'drop'])
            zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true,
                                                    dataTransfer: transfer}));
    }""", ["dropped-js.jpg", data])
    page.locator("[data-upload-queue] li.upload-ok", has_text="dropped-js.jpg").wait_for()
    page.locator("#media-grid li", has_text="dropped-js").wait_for()
    assert page.evaluate("window.__marker") == "same page"

    # A refusal is said next to its file; nothing joins the grid.
    page.set_input_files("#media-files", files=[
        {"name": "drawing.svg", "mimeType": "image/svg+xml", "buffer": images.svg()}])
    refused = page.locator("[data-upload-queue] li.upload-refused", has_text="drawing.svg")
    refused.wait_for()
    assert "SVG" in refused.inner_text()
    assert page.locator("#media-grid li", has_text="drawing").count() == 0

    # Alt text, asked for next to the new image and saved in place.
    done.locator("input[name=alt]").fill("A harbour at dusk")
    done.get_by_role("button", name="Save alt text").click()
    page.locator("[data-upload-queue] li.upload-ok", has_text="alt text saved").wait_for()
    harbour = media_named(live_app, "harbour-js.jpg")
    assert harbour.alt == "A harbour at dusk"
    assert page.evaluate("window.__marker") == "same page"

    # Inserted at the cursor of a new post, and made its featured image.
    page.goto(live_server + "/admin/posts/new")
    page.fill("#title", "Pictures With Script")
    page.fill("#source", "Before the picture.\n\nAfter the picture.")
    page.evaluate("() => { const s = document.getElementById('source');"
                  " s.focus(); s.setSelectionRange(21, 21); }")
    page.get_by_role("link", name="Add media", exact=True).click()
    dialog = page.locator("#media-picker-dialog")
    dialog.locator("[data-pick]", has_text="harbour-js").click()
    dialog.wait_for(state="hidden")
    source = page.input_value("#source")
    snippet = f'![A harbour at dusk](/media/{harbour.key} "harbour-js")'
    assert source == f"Before the picture.\n\n{snippet}\n\nAfter the picture."
    page.locator("#post-preview img[alt='A harbour at dusk']").wait_for()
    assert page.locator("#featured_media_id").is_hidden()
    page.get_by_role("button", name="Set featured image").click()
    dialog.locator("[data-pick]", has_text="harbour-js").click()
    dialog.wait_for(state="hidden")
    page.locator("[data-featured-preview] img").wait_for()
    assert page.input_value("#featured_media_id") == str(harbour.id)
    page.select_option("#status", "published")
    page.click("form.post-editor button[type=submit]")
    visit_post(page, live_server, live_app, "Pictures With Script")
    assert post_titled(live_app, "Pictures With Script").featured_media_id == harbour.id
    image_loads(page, harbour.key)

    # Deleting it asks first, in place, saying where it is used.
    page.goto(live_server + f"/admin/media/{harbour.id}/")
    page.get_by_role("button", name="Delete permanently").click()
    confirm = page.locator("#media-confirm-delete")
    confirm.wait_for()
    assert "Pictures With Script" in confirm.inner_text()
    assert "(featured image)" in confirm.inner_text()
    confirm.get_by_role("button", name="Delete anyway").click()
    page.locator(".notice", has_text="Image deleted.").wait_for()
    page.wait_for_url(re.compile(r"/admin/media/$"))
    assert media_named(live_app, "harbour-js.jpg") is None
    assert post_titled(live_app, "Pictures With Script").featured_media_id is None
    assert page.evaluate("window.__csp") == []
    assert [p for p in problems if not any(status in p for status in EXPECTED)] == []


def test_owner_uploads_inserts_features_and_deletes_without_javascript(no_js_page,
                                                                        live_server,
                                                                        live_app, owner):
    page = no_js_page
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/media/")
    page.set_input_files("#media-files", files=[jpeg_file("harbour-plain.jpg"),
                                                jpeg_file("other-plain.jpg", 300, 200)])
    # Several files at once, and no alt text yet (the field is for a single image).
    page.click("#media-upload button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/media/\?uploaded="))
    assert page.locator("#media-grid li", has_text="harbour-plain").count() == 1

    item = page.locator("#upload-results li.upload-ok", has_text="harbour-plain.jpg")
    item.locator("input[name=alt]").fill("A quiet harbour")
    item.get_by_role("button", name="Save alt text").click()
    page.locator(".notice", has_text="Saved the alt text").wait_for()
    # The list of what was just uploaded is still there for the next one.
    assert page.locator("#upload-results li.upload-ok", has_text="other-plain.jpg").count() == 1
    harbour = media_named(live_app, "harbour-plain.jpg")
    assert harbour.alt == "A quiet harbour"

    page.goto(live_server + "/admin/posts/new")
    page.fill("#title", "Pictures Without Script")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=re.compile("^Add media")).click()
    picker = opened.value
    picker.wait_for_load_state()
    snippet = picker.locator(f"#snippet-{harbour.id}").input_value()
    picker.close()
    assert snippet == f'![A quiet harbour](/media/{harbour.key} "harbour-plain")'
    page.fill("#source", f"Before the picture.\n\n{snippet}\n")
    page.select_option("#featured_media_id", label="harbour-plain")
    page.select_option("#status", "published")
    page.click("form.post-editor button[type=submit]")
    visit_post(page, live_server, live_app, "Pictures Without Script")
    assert post_titled(live_app, "Pictures Without Script").featured_media_id == harbour.id
    image = page.locator(f"img[src*='{harbour.key.rsplit('.', 1)[0]}']").first
    image.wait_for()
    response = page.request.get(live_server + image.get_attribute("src").split(" ")[0])
    assert response.ok and response.headers["content-type"].startswith("image/")

    page.goto(live_server + f"/admin/media/{harbour.id}/")
    page.get_by_role("button", name="Delete permanently").click()
    page.locator("h1", has_text="Delete Media").wait_for()
    confirm = page.locator("#media-confirm-delete")
    assert "Pictures Without Script" in confirm.inner_text()
    confirm.get_by_role("button", name="Delete anyway").click()
    page.locator(".notice", has_text="Image deleted.").wait_for()
    assert media_named(live_app, "harbour-plain.jpg") is None
    assert post_titled(live_app, "Pictures Without Script").featured_media_id is None
    assert [p for p in problems if "409" not in p] == []


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_media_pages_fit_a_320_pixel_screen(browser, live_server, live_app, owner):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    problems = watch_console(page)
    log_in(page, live_server, owner)
    page.goto(live_server + "/admin/media/")
    long_name = "a-photograph-with-a-rather-long-file-name-from-a-camera-" + "x" * 40 + ".jpg"
    page.set_input_files("#media-files", files=[jpeg_file(long_name, 300, 900)])
    page.locator("[data-upload-queue] li.upload-ok").wait_for()
    assert overflow(page) <= 0
    media = media_named(live_app, long_name)
    for url in (f"/admin/media/{media.id}/", "/admin/media/picker?format=html"):
        page.goto(live_server + url)
        assert overflow(page) <= 0, url
    page.goto(live_server + "/admin/posts/new")
    page.get_by_role("link", name="Add media", exact=True).click()
    page.locator("#media-picker-dialog [data-pick]").first.wait_for()
    box = page.locator("#media-picker-dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert overflow(page) <= 0
    assert page.evaluate("window.__csp") == [] and problems == []
    context.close()
