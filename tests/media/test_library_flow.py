"""After an upload: the alt text asked for next to each new image (htmx and
plain), the upload's fragment for the upload script, and deleting an image in
use, asked first in place (admin/media.py)."""

import re

import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Media, Post
from tests.support import images
from tests.support.admin_forms import HTMX
from tests.support.auth import csrf_token
from tests.support.uploads import upload


def test_plain_upload_lists_the_new_images_with_alt_fields(client, auth, app):
    auth.login()
    response = upload(client, ("a.jpg", images.jpeg(60, 40)), ("b.png", images.png_with_alpha()))
    assert response.status_code == 303
    assert re.search(r"/admin/media/\?uploaded=\d+,\d+$", response.headers["Location"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count('class="alt-form"') == 2
    assert page.count('<strong class="missing-alt">Add alt text') == 2


def test_alt_text_saved_inline_with_htmx(client, auth, app, make):
    owner = auth.login()
    media = make.media("cat.jpg", owner=owner)
    token = csrf_token(client, "/admin/media/")
    response = client.post(f"/admin/media/{media.id}/alt", data={"alt": " A cat asleep "},
                           headers={**HTMX, "X-CSRFToken": token})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.lstrip().startswith('<li class="upload-ok"')
    assert "alt text saved" in text and 'value="A cat asleep"' in text
    with app.app_context():
        assert db.session.get(Media, media.id).alt == "A cat asleep"


def test_alt_text_saved_plain_returns_to_the_list(client, auth, make, app):
    owner = auth.login()
    media = make.media("cat.jpg", owner=owner)
    token = csrf_token(client, "/admin/media/")
    response = client.post(f"/admin/media/{media.id}/alt", data={
        "csrf_token": token, "alt": "A cat", "uploaded": f"{media.id}"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/media/?uploaded={media.id}")
    too_long = client.post(f"/admin/media/{media.id}/alt", data={
        "csrf_token": token, "alt": "x" * 1001}, headers={**HTMX, "X-CSRFToken": token})
    assert too_long.status_code == 422 and 'aria-invalid="true"' in too_long.get_data(as_text=True)


def test_alt_text_of_anothers_image_is_404(client, auth, make):
    theirs = make.media("theirs.jpg", owner=make.account("someone", "author"))
    auth.login("writer", "author")
    token = csrf_token(client, "/admin/media/")
    assert client.post(f"/admin/media/{theirs.id}/alt", data={
        "csrf_token": token, "alt": "Mine now"}).status_code == 404


def test_upload_fragment_carries_the_new_grid_items(client, auth):
    auth.login()
    response = upload(client, ("one.jpg", images.jpeg(60, 40)), headers=HTMX)
    text = response.get_data(as_text=True)
    assert response.status_code == 201 and "<html" not in text
    assert re.search(r'<ul hidden data-new-grid-items>\s*<li id="media-\d+">', text)
    assert 'id="uploaded-' in text and 'hx-post="/admin/media/' in text


def test_delete_in_use_asks_in_place_with_htmx_then_clears_featured(client, auth, make, app):
    owner = auth.login()
    media = make.media("used.jpg", owner=owner)
    post = make.post("Features it", featured_media_id=media.id)
    token = csrf_token(client, f"/admin/media/{media.id}/")
    headers = {**HTMX, "X-CSRFToken": token}
    asked = client.post(f"/admin/media/{media.id}/delete", headers=headers)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 409 and "<html" not in text
    assert "Features it" in text and "(featured image)" in text and "hx-get=" in text
    done = client.post(f"/admin/media/{media.id}/delete", data={"confirm": "yes"},
                       headers=headers)
    assert done.status_code == 200 and '"/admin/media/"' in done.headers["HX-Location"]
    with app.app_context():
        assert db.session.get(Media, media.id) is None
        assert db.session.get(Post, post.id).featured_media_id is None


def test_database_clears_featured_image_of_deleted_media(make, app):
    """The foreign key's SET NULL holds on its own (SQLite runs with foreign keys on)."""
    media = make.media("gone.jpg")
    post = make.post("Had it", featured_media_id=media.id)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.session.execute(sa.delete(Media).where(Media.id == media.id))
        db.session.commit()
        assert db.session.get(Post, post.id).featured_media_id is None


def test_upload_form_works_without_alt_text(client, auth):
    """The form's alt field is for a single image: never required (a browser
    would refuse to send several files without it)."""
    auth.login()
    page = client.get("/admin/media/").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="alt"[^>]*>', page).group(0)
    assert "required" not in field
