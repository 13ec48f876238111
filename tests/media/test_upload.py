"""Uploading to the media library: what is stored, what is refused, and who
sees what (admin/media.py, media/library.py)."""

import io

import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Media
from tests.support import images
from tests.support.auth import csrf_token
from tests.support.uploads import upload


def stored_files(media_root):
    return sorted(p.relative_to(media_root).as_posix() for p in media_root.rglob("*")
                  if p.is_file()) if media_root.exists() else []


def all_media(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Media).order_by(Media.id)))


def test_upload_stores_the_image_with_a_generated_name(client, auth, app, media_root):
    auth.login()
    response = upload(client, ("../../etc/passwd.jpg", images.jpeg()), alt="A red door")
    assert response.status_code == 303
    [media] = all_media(app)
    assert media.original_name == "passwd.jpg" and media.title == "passwd"
    assert media.alt == "A red door" and media.mime == "image/jpeg"
    assert "passwd" not in media.key and (media_root / media.key).is_file()
    assert images.CAMERA.encode() not in (media_root / media.key).read_bytes()


def test_variants_are_made_in_avif_webp_and_jpeg(client, auth, app, media_root):
    auth.login()
    upload(client, ("photo.jpg", images.jpeg(1000, 750)))
    [media] = all_media(app)
    assert media.state == "ready"
    made = {(v["format"], v["width"]) for v in media.variants}
    assert made == {(f, w) for f in ("avif", "webp", "jpg") for w in (320, 640, 960)} | {
        ("avif", 1000), ("webp", 1000)}  # the original is the 1000-wide JPEG
    for variant in media.variants:
        stored = images.opened((media_root / variant["key"]).read_bytes())
        assert stored.size == (variant["width"], variant["height"])
    assert len(stored_files(media_root)) == 1 + len(media.variants)


def test_several_files_in_one_upload_each_judged_alone(client, auth, app, media_root):
    auth.login()
    response = upload(client, ("one.png", images.encoded(images.picture(50, 50), "PNG")),
                      ("evil.svg", images.svg()),
                      ("two.webp", images.encoded(images.picture(50, 50), "WEBP")))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "evil.svg" in page and "SVG and other markup files are not accepted" in page
    assert sorted(m.original_name for m in all_media(app)) == ["one.png", "two.webp"]


def test_refused_upload_leaves_nothing(client, auth, app, media_root):
    auth.login()
    for name, data in (("cut.jpg", images.truncated_jpeg()), ("bomb.png", images.bomb_png()),
                       ("page.jpg", b"<html>hi</html>")):
        response = upload(client, (name, data))
        assert response.status_code == 422, name
        assert name in response.get_data(as_text=True)
    assert all_media(app) == [] and stored_files(media_root) == []


def test_file_over_the_media_limit_is_413(client, auth, app, media_root):
    auth.login()
    app.config["MEDIA_MAX_BYTES"] = 300_000
    response = upload(client, ("big.png", images.encoded(images.noisy(400, 400), "PNG")))
    assert response.status_code == 413
    assert all_media(app) == [] and stored_files(media_root) == []


def test_upload_may_exceed_the_site_wide_body_limit(client, auth, app):
    auth.login()
    data = images.encoded(images.noisy(600, 600), "PNG")
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    assert upload(client, ("big.png", data)).status_code == 303


def test_other_endpoints_keep_the_site_wide_body_limit(client, auth, app):
    auth.login()
    body = {"csrf_token": "x", "title": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)}
    assert client.post("/admin/posts/new", data=body).status_code == 413


def test_upload_needs_the_csrf_token(client, auth, app):
    auth.login()
    response = client.post("/admin/media/", data={"files": [(io.BytesIO(images.jpeg()), "a.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and all_media(app) == []


def test_upload_needs_a_signed_in_user(client, app):
    response = client.post("/admin/media/", data={"files": [(io.BytesIO(images.jpeg()), "a.jpg")]},
                           content_type="multipart/form-data")
    # Refused before any view runs (the CSRF check comes first), and nothing stored.
    assert response.status_code in (302, 400, 401) and all_media(app) == []


def test_no_file_chosen_says_so(client, auth):
    auth.login()
    response = upload(client)
    assert response.status_code == 422
    assert "Choose one or more images" in response.get_data(as_text=True)


def test_authors_see_and_manage_only_their_own(client, auth, app, make):
    auth.login("owner", "administrator")
    upload(client, ("owners.jpg", images.jpeg()))
    auth.logout()
    auth.login("writer", "author")
    upload(client, ("writers.jpg", images.jpeg()))
    owners, writers = all_media(app)
    page = client.get("/admin/media/").get_data(as_text=True)
    assert "writers" in page and "owners" not in page
    assert client.get(f"/admin/media/{owners.id}/").status_code == 404
    assert client.get(f"/admin/media/{writers.id}/").status_code == 200


def test_library_search_and_htmx_fragment(client, auth):
    auth.login()
    upload(client, ("sunset.jpg", images.jpeg()))
    upload(client, ("harbour.jpg", images.jpeg()))
    page = client.get("/admin/media/?s=sun", headers={"HX-Request": "true"})
    text = page.get_data(as_text=True)
    assert "sunset" in text and "harbour" not in text and "<html" not in text


def test_served_media_is_immutable_and_typed(client, auth, app):
    auth.login()
    upload(client, ("a.webp", images.encoded(images.picture(50, 40), "WEBP")))
    [media] = all_media(app)
    response = client.get(f"/media/{media.key}")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_media_paths_outside_our_keys_are_404(client):
    for path in ("/media/../instance/secret_key", "/media/2026/12/x.jpg",
                 "/media/2026/12/0123456789abcdef.svg", "/media/2026/12/0123456789abcdef.jpg"):
        assert client.get(path).status_code == 404, path


def test_alt_text_is_editable_and_missing_alt_is_flagged(client, auth, app):
    auth.login()
    upload(client, ("a.jpg", images.jpeg()))
    [media] = all_media(app)
    page = client.get(f"/admin/media/{media.id}/").get_data(as_text=True)
    assert "no alt text yet" in page
    response = client.post(f"/admin/media/{media.id}/", data={
        "csrf_token": csrf_token(client, f"/admin/media/{media.id}/"), "alt": "A cat",
        "title": "Cat", "caption": "Our cat"})
    assert response.status_code == 303
    [media] = all_media(app)
    assert (media.alt, media.title, media.caption) == ("A cat", "Cat", "Our cat")


def test_delete_asks_first_when_used_and_then_removes_files(client, auth, app, make,
                                                            media_root):
    auth.login()
    upload(client, ("a.jpg", images.jpeg()))
    [media] = all_media(app)
    make.post("Uses it", source=f'<img src="/media/{media.key}" alt="">')
    token = csrf_token(client, f"/admin/media/{media.id}/")
    asked = client.post(f"/admin/media/{media.id}/delete", data={"csrf_token": token})
    assert asked.status_code == 409 and "Uses it" in asked.get_data(as_text=True)
    assert all_media(app) != []
    done = client.post(f"/admin/media/{media.id}/delete",
                       data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 303
    assert all_media(app) == [] and stored_files(media_root) == []
