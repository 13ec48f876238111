"""`import-wxr FILE --uploads DIR`: a WordPress site's pictures move in with
it (attachments as media, every reference rewritten, [gallery], featured
images, old URLs redirected), and `export-wxr` writes them out again.

WordPress's own theme unit test export (an excerpt, tests/fixtures/wxr/README.md)
with an uploads folder made here: a generated image at every attachment's path.
"""

import re
from pathlib import Path

import sqlalchemy as sa
from defusedxml import ElementTree as ET

from dreamweaver.extensions import db
from dreamweaver.models import ImportedMedia, Media, Post
from tests.support.factories import empty_database
from tests.support.images import animated_gif, jpeg
from tests.support.paths import FIXTURES
from tests.support.wxr_files import (
    attachment_xml,
    import_file,
    import_with_uploads,
    item_xml,
    thumbnail_xml,
    write_wxr,
)

THEME_TEST = FIXTURES / "wxr" / "themeunittestdata.wordpress.xml"
WP = "{https://wordpress.org/export/1.2/}"
EXCERPT = "{https://wordpress.org/export/1.2/excerpt/}"
SITE = "https://big.example.org"
_MEDIA = re.compile(r"""(?:src|href)="(/media/[^"]+)\"""")
_IMG_SRC = re.compile(r"""<img\b[^>]*\bsrc="([^"]*)\"""")


# -- the theme unit test ------------------------------------------------------------

def theme_attachments() -> list[dict]:
    """Every attachment of the fixture: id, parent, file path, alt, caption."""
    found = []
    for item in ET.parse(THEME_TEST).getroot().iter("item"):
        if item.findtext(WP + "post_type") != "attachment":
            continue
        meta = {m.findtext(WP + "meta_key"): m.findtext(WP + "meta_value")
                for m in item.iter(WP + "postmeta")}
        url = item.findtext(WP + "attachment_url").strip()
        found.append({"id": int(item.findtext(WP + "post_id")),
                      "parent": int(item.findtext(WP + "post_parent")),
                      "path": url.split(".files.wordpress.com/", 1)[1],
                      "alt": meta.get("_wp_attachment_image_alt") or "",
                      "caption": item.findtext(EXCERPT + "encoded") or ""})
    return found


def is_image(path: str) -> bool:
    return path.endswith((".jpg", ".gif"))


def make_uploads(root: Path, attachments, skip=()) -> Path:
    """A copy of wp-content/uploads: a small generated image at each image's
    path, the bytes of something else at each other file's (an MP3, a video)."""
    for attachment in attachments:
        if attachment["path"] in skip:
            continue
        target = root / attachment["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if attachment["path"].endswith(".gif"):
            target.write_bytes(animated_gif())
        elif is_image(attachment["path"]):
            target.write_bytes(jpeg(360, 240))
        else:
            target.write_bytes(b"ID3\x03\x00 not an image at all " * 20)
    return root


def stored_files(media_root: Path) -> set[str]:
    return {p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file()}


def test_the_theme_unit_test_moves_in_with_every_image(app, runner, client, media_root,
                                                         tmp_path):
    attachments = theme_attachments()
    images = [a for a in attachments if is_image(a["path"])]
    assert len(images) >= 30 and len(attachments) > len(images)
    uploads = make_uploads(tmp_path / "uploads", attachments)
    result = import_with_uploads(runner, THEME_TEST, uploads)
    assert result.exit_code == 0, result.output
    refused = len(attachments) - len(images)
    assert (f"{len(images)} found ({len(images)} imported, 0 imported before), 0 missing, "
            f"{refused} refused") in result.output
    assert "2014-slider-mobile-behavior.mov: This is not an image we accept" in result.output
    assert "featured image(s) set" in result.output

    with app.app_context():
        imported = {wp_id: media for wp_id, media in db.session.execute(
            sa.select(ImportedMedia.wp_id, Media).join(Media))}
        assert sorted(imported) == sorted(a["id"] for a in images)
        for attachment in images:  # alt, caption, old path and parent post, as WordPress had them
            media = imported[attachment["id"]]
            assert media.source_path == attachment["path"]
            assert media.alt == attachment["alt"]
            assert media.caption == attachment["caption"]
            assert media.state == "ready"
            assert media.variants or media.animated  # an animation shows as it is
            if attachment["parent"] in (555, 501):  # posts of the file
                assert media.post_id == attachment["parent"]
        posts = db.session.scalars(sa.select(Post)).all()
        # The content as imported (rewritten); what is stored for display expands
        # each image to the variants that exist (tests/media/test_pictures.py).
        contents = {post.id: post.source for post in posts}
        featured = {post.id: post.featured_media_id for post in posts}
        by_path = {m.source_path: m for m in imported.values()}
        rewritten = sum(len(_MEDIA.findall(html)) for html in contents.values())

    # Every image a post shows is one of ours, and is there; no page loads the old host.
    shown = {url for html in contents.values() for url in _MEDIA.findall(html)}
    assert len(shown) >= 25
    for url in shown:
        assert client.get(url).status_code == 200, url
    for post_id, html in contents.items():
        for src in _IMG_SRC.findall(html):
            assert src.startswith("/media/"), (post_id, src)
    assert "wordpress.com/20" not in contents[1133]
    assert rewritten > 34

    # Featured images (_thumbnail_id).
    assert featured[1011] == by_path["2013/03/featured-image-horizontal.jpg"].id
    assert featured[1016] == by_path["2013/03/featured-image-vertical.jpg"].id
    page = client.get("/2012/03/15/template-featured-image-horizontal/")
    assert page.status_code == 200

    # [gallery] without ids: the images attached to the post, in WordPress's order,
    # once per gallery, with the columns asked for.
    gallery_ids = [a["id"] for a in images if a["parent"] == 555]
    keys = [imported[i].key for i in sorted(gallery_ids)]
    html = contents[555]
    assert re.findall(r'class="gallery gallery-columns-(\d)"', html) == [
        "3", *(str(n) for n in range(1, 10))]
    first = html.split('class="gallery ', 2)[1]
    # (the post's first image is marked high priority: attributes in any order)
    assert re.findall(r'<img\b[^>]*\bsrc="/media/([^"]+)"', first) == keys
    assert 'alt="Golden Gate Bridge"' in first
    assert '<figcaption class="gallery-caption">Golden Gate Bridge</figcaption>' in first
    # [gallery ids=...]: those, the one the export lacks (763) left out.
    tiled = re.findall(r'<img\b[^>]*\bsrc="/media/([^"]+)"', contents[1031])
    assert tiled == [imported[i].key for i in (755, 757, 758, 760, 766)]
    assert 'class="gallery gallery-columns-4"' in contents[1031]
    # [caption] around a linked image, both pointing at the new file.
    key = by_path["2013/09/dsc20040724_152504_532.jpg"].key
    assert (f'<a href="/media/{key}"><img src="/media/{key}"' in contents[568]
            and 'class="wp-caption aligncenter"' in contents[568])
    assert contents[568].count("wp-caption-text") == 1
    body = client.get("/2010/09/10/post-format-gallery/").get_data(as_text=True)
    assert body.count('class="gallery-item"') >= len(gallery_ids)

    # Every old URL answers with a 301 to its file: the file itself, its
    # WordPress sizes, and its attachment page.
    for attachment in images:
        media = imported[attachment["id"]]
        old = f"/wp-content/uploads/{attachment['path']}"
        response = client.get(old)
        assert response.status_code == 301, old
        assert response.headers["Location"] == f"/media/{media.key}"
        stem, extension = attachment["path"].rsplit(".", 1)
        for size in ("150x150", "300x200", "1024x768"):
            response = client.get(f"/wp-content/uploads/{stem}-{size}.{extension}")
            assert response.status_code == 301
            target = response.headers["Location"]
            assert target.startswith(f"/media/{media.key.rsplit('.', 1)[0]}")
            assert client.get(target).status_code == 200
        response = client.get(f"/?attachment_id={attachment['id']}")
        assert response.status_code == 301
        assert response.headers["Location"].endswith(f"/media/{media.key}")

    # A second import of the same file and folder stores nothing again.
    files = stored_files(media_root)
    again = import_with_uploads(runner, THEME_TEST, uploads)
    assert again.exit_code == 0, again.output
    assert f"{len(images)} found (0 imported, {len(images)} imported before)" in again.output
    assert "posts: 0 imported, 0 updated" in again.output
    assert "pages: 0 imported, 0 updated" in again.output
    assert stored_files(media_root) == files
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == len(images)
        assert {p.id: p.source for p in db.session.scalars(sa.select(Post))} == contents


def test_missing_files_are_listed_and_their_references_kept(app, runner, tmp_path):
    attachments = theme_attachments()
    gone = ["2013/03/image-alignment-580x300.jpg", "2008/06/canola2.jpg"]
    uploads = make_uploads(tmp_path / "uploads", attachments, skip=gone)
    result = import_with_uploads(runner, THEME_TEST, uploads)
    assert result.exit_code == 0, result.output
    assert "2 missing" in result.output
    listed = result.output.split("missing (not in the uploads folder): 2", 1)[1]
    for path in gone:
        assert f"    {path}\n" in listed
    # The page still shows the old address (listed to copy), not a broken /media/ one.
    assert "image-alignment-580x300.jpg" in result.output.split("still pointing", 1)[1]
    with app.app_context():
        page = db.session.get(Post, 1133)
        assert "wpthemetestdata.files.wordpress.com/2013/03/image-alignment-580x300.jpg" in (
            page.content_html)
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == len(
            [a for a in attachments if is_image(a["path"])]) - 2


def test_without_uploads_the_report_lists_what_to_copy(app, runner):
    result = import_file(runner, THEME_TEST)
    assert result.exit_code == 0, result.output
    assert "Media URLs on the old site to move" in result.output
    assert "copy the old site's wp-content/uploads folder" in result.output
    assert "attachment: " in result.output  # not imported, as before
    assert "https://i0.wp.com/wpthemetestdata.files.wordpress.com/2008/06/dcp_2082.jpg" in (
        result.output)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 0


# -- WordPress's own site layout: sizes, -scaled, srcset, links, hosts ----------------

def photo_site(tmp_path, content: str, *, items: str = "") -> tuple[Path, Path]:
    uploads = tmp_path / "uploads"
    (uploads / "2020" / "05").mkdir(parents=True)
    (uploads / "2020" / "05" / "photo.jpg").write_bytes(jpeg(900, 600))
    (uploads / "2020" / "05" / "big-scaled.jpg").write_bytes(jpeg(1000, 750))
    (uploads / "2020" / "05" / "turned-rotated.jpg").write_bytes(jpeg(300, 400))
    wxr = write_wxr(tmp_path / "site.xml", (
        attachment_xml(10, "2020/05/photo.jpg", parent=5, alt="A photo", caption="Its caption")
        + attachment_xml(11, "2020/05/big-scaled.jpg", parent=5, alt="Big", order=2)
        + attachment_xml(12, "2020/05/turned-rotated.jpg", parent=5, order=1)
        + item_xml(5, "Pictures", slug="pictures", content=content,
                   comments=thumbnail_xml(11))
        + items))
    return wxr, uploads


def test_every_kind_of_reference_is_rewritten(app, runner, client, tmp_path):
    up = f"{SITE}/wp-content/uploads/2020/05"
    content = "\n".join([
        f'<p><img src="{up}/photo-300x200.jpg" srcset="{up}/photo-300x200.jpg 300w, '
        f'{up}/photo-768x512.jpg 768w" sizes="(max-width: 300px) 100vw, 300px" '
        'class="wp-image-10"></p>',
        '<p><a href="http://big.example.org/wp-content/uploads/2020/05/big.jpg">'
        '<img src="/wp-content/uploads/2020/05/big-1024x768.jpg" alt="big"></a></p>',
        "<p><img src='//big.example.org/wp-content/uploads/2020/05/turned-225x300.jpg'></p>",
        f'<p><a href="{up}/photo.jpg?w=300&amp;ssl=1">full size</a> '
        '<img src="https://elsewhere.example.com/wp-content/uploads/2020/05/photo.jpg"></p>',
        f'[caption id="attachment_10" align="alignright" width="300"]<img '
        f'src="{up}/photo-150x150.jpg" alt="x"> A caption[/caption]',
        '[gallery ids="11,10" columns="2" size="medium" link="none"]',
        "", "[gallery]", "", "[[gallery]]"])
    wxr, uploads = photo_site(tmp_path, content)
    result = import_with_uploads(runner, wxr, uploads)
    assert result.exit_code == 0, result.output
    assert "3 found (3 imported, 0 imported before), 0 missing, 0 refused" in result.output
    assert "2 gallery(ies) rendered, 1 featured image(s) set" in result.output
    with app.app_context():
        media = {m.source_path: m for m in db.session.scalars(sa.select(Media))}
        photo, big, turned = (media[f"2020/05/{name}"].key
                              for name in ("photo.jpg", "big-scaled.jpg", "turned-rotated.jpg"))
        post = db.session.get(Post, 5)
        html = post.source  # as imported, before images are expanded for display
        assert post.featured_media_id == media["2020/05/big-scaled.jpg"].id
        assert {m.key for m in post.media_used} == {photo, big, turned}
    assert f'<img src="/media/{photo}" class="wp-image-10"' in html
    assert "srcset" not in html  # the renderer makes its own
    assert f'<a href="/media/{big}"><img src="/media/{big}" alt="big"></a>' in html
    assert f'src="/media/{turned}"' in html  # -rotated, by its original's name
    assert f'<a href="/media/{photo}">full size</a>' in html
    assert 'src="https://elsewhere.example.com/wp-content/uploads/2020/05/photo.jpg"' in html
    assert f'class="wp-caption alignright"><img src="/media/{photo}" alt="x">' in html
    galleries = html.split('class="gallery ')[1:]
    assert len(galleries) == 2
    assert galleries[0].startswith('gallery-columns-2"')
    assert re.findall(r'<img src="/media/([^"]+)"', galleries[0]) == [big, photo]
    assert "<a " not in galleries[0] and 'class="size-medium"' in galleries[0]
    assert 'alt="A photo"' in galleries[0] and "Its caption</figcaption>" in galleries[0]
    # Without ids: the post's attached images by menu order, each linked to its file.
    assert re.findall(r'<img src="/media/([^"]+)"', galleries[1]) == [photo, turned, big]
    assert f'<a href="/media/{photo}">' in galleries[1]
    assert "[gallery]" in html  # the escaped one, as text
    page = client.get("/2022/05/01/pictures/").get_data(as_text=True)
    assert f"/media/{photo}" in page and 'class="gallery gallery-columns-2"' in page

    # Old URLs: the original, its sizes (the nearest variant at least as wide, in its own
    # format), -scaled's original name, and the attachment page.
    with app.app_context():
        variants = {v["key"]: v for v in db.session.scalar(
            sa.select(Media.variants).where(Media.key == photo))}
    for old, expected in (("photo.jpg", f"/media/{photo}"),
                          ("big-scaled.jpg", f"/media/{big}"),
                          ("big.jpg", f"/media/{big}"),
                          ("turned.jpg", f"/media/{turned}")):
        response = client.get(f"/wp-content/uploads/2020/05/{old}")
        assert (response.status_code, response.headers["Location"]) == (301, expected), old
    response = client.get("/wp-content/uploads/2020/05/photo-300x200.jpg")
    assert response.status_code == 301
    chosen = variants[response.headers["Location"].removeprefix("/media/")]
    assert (chosen["format"], chosen["width"]) == ("jpg", 320)
    response = client.get("/wp-content/uploads/2020/05/photo-5000x3000.jpg")
    assert response.headers["Location"] == f"/media/{photo}"  # wider than any: the original
    assert client.get("/?attachment_id=12").headers["Location"].endswith(f"/media/{turned}")


HOSTILE = [
    "/wp-content/uploads/2020/05/nothing.jpg",
    "/wp-content/uploads/../../etc/passwd",
    "/wp-content/uploads/2020/%2e%2e/%2e%2e/etc/passwd",
    "/wp-content/uploads/2020/05/%252e%252e/photo.jpg",
    "/wp-content/uploads/2020/05/photo.jpg%00.png",
    "/wp-content/uploads/" + "a/" * 2000 + "photo.jpg",
    "/wp-content/uploads//etc/passwd",
    "/wp-content/uploads/2020\\05\\photo.jpg",
    "/wp-content/uploads/2020/05/photo-99999999x1.jpg",
    "/?attachment_id=999",
    "/?attachment_id=abc",
    "/?attachment_id=99999999999999999999",
]


def test_unknown_and_hostile_old_urls_are_404(app, runner, client, tmp_path):
    wxr, uploads = photo_site(tmp_path, "<p>Nothing.</p>")
    assert import_with_uploads(runner, wxr, uploads).exit_code == 0
    for url in HOSTILE:
        # (Werkzeug first merges "//" with a redirect of its own.)
        assert client.get(url, follow_redirects=True).status_code == 404, url


def test_paths_leaving_the_uploads_folder_are_refused(app, runner, media_root, tmp_path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg(100, 100))
    uploads = tmp_path / "uploads"
    (uploads / "2020").mkdir(parents=True)
    (uploads / "2020" / "link.jpg").symlink_to(secret)
    (uploads / "2020" / "folder.jpg").mkdir()
    wxr = write_wxr(tmp_path / "hostile.xml", "".join([
        attachment_xml(20, "x.jpg", attached="../secret.jpg"),
        attachment_xml(21, "x.jpg", attached=str(secret)),
        attachment_xml(22, "2020/link.jpg"),
        attachment_xml(23, "x.jpg", attached="2020/../../secret.jpg"),
        attachment_xml(24, "", attached="", url=f"{SITE}/wp-content/uploads/%2e%2e/secret.jpg"),
        attachment_xml(25, "2020/folder.jpg"),
        attachment_xml(26, "", attached="", url="file:///etc/passwd"),
    ]))
    result = import_with_uploads(runner, wxr, uploads)
    assert result.exit_code == 0, result.output
    assert "0 found (0 imported, 0 imported before)" in result.output
    assert "5 refused" in result.output and "2 missing" in result.output
    assert "../secret.jpg: not a path inside the uploads folder" in result.output
    assert "2020/link.jpg: leads outside the uploads folder" in result.output
    assert "2020/folder.jpg: not a regular file" in result.output
    assert stored_files(media_root) == set()


def test_a_failed_import_leaves_no_file_behind(app, runner, media_root, tmp_path):
    """All or nothing: the files written before the failure go with the rollback."""
    wxr, uploads = photo_site(tmp_path, "<p>First.</p>")
    assert import_with_uploads(runner, wxr, uploads).exit_code == 0
    files = stored_files(media_root)
    (uploads / "2020" / "05" / "new.jpg").write_bytes(jpeg(200, 100))
    # Item 5 was imported as a post; the same site now says it is a page.
    bad = write_wxr(tmp_path / "bad.xml", attachment_xml(30, "2020/05/new.jpg")
                    + item_xml(5, "Now a page", slug="pictures", kind="page"))
    result = import_with_uploads(runner, bad, uploads)
    assert result.exit_code != 0 and "nothing was imported" in result.output
    assert stored_files(media_root) == files
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 3


def test_an_uploads_folder_that_is_not_one_is_refused(runner, tmp_path):
    wxr, _uploads = photo_site(tmp_path, "<p>x</p>")
    result = runner.invoke(args=["import-wxr", str(wxr), "--uploads", str(tmp_path / "none")])
    assert result.exit_code != 0 and "does not exist" in result.output


# -- out again: export-wxr, and back in --------------------------------------------------

def test_export_writes_attachments_and_the_round_trip_keeps_the_pictures(
        app, runner, media_root, tmp_path):
    up = f"{SITE}/wp-content/uploads/2020/05"
    content = (f'<p><img src="{up}/photo-300x200.jpg" alt="in text"></p>\n'
               f'[caption align="alignleft"]<img src="{up}/big-1024x768.jpg"> Big one[/caption]\n'
               '[gallery columns="2"]')
    wxr, uploads = photo_site(tmp_path, content)
    assert import_with_uploads(runner, wxr, uploads).exit_code == 0
    with app.app_context():
        before = {m.source_path: (m.alt, m.caption, m.width, m.height)
                  for m in db.session.scalars(sa.select(Media))}
        html_before = db.session.get(Post, 5).content_html

    out, files = tmp_path / "export.xml", tmp_path / "exported-uploads"
    result = runner.invoke(args=["export-wxr", str(out), "--uploads", str(files),
                                 "--site-url", "https://new.example.com"])
    assert result.exit_code == 0, result.output
    assert "3 media" in result.output
    root = ET.parse(out).getroot()
    wp = "{http://wordpress.org/export/1.2/}"
    items = {item.findtext(wp + "post_id"): item for item in root.iter("item")}
    attachments = [i for i in items.values() if i.findtext(wp + "post_type") == "attachment"]
    assert len(attachments) == 3
    post = next(i for i in items.values() if i.findtext(wp + "post_type") == "post")
    for attachment in attachments:
        meta = {m.findtext(wp + "meta_key"): m.findtext(wp + "meta_value")
                for m in attachment.iter(wp + "postmeta")}
        url = attachment.findtext(wp + "attachment_url")
        assert url == f"https://new.example.com/wp-content/uploads/{meta['_wp_attached_file']}"
        assert attachment.findtext("guid") == url
        assert attachment.findtext(wp + "status") == "inherit"
        assert attachment.findtext(wp + "post_parent") == post.findtext(wp + "post_id")
        assert (files / meta["_wp_attached_file"]).is_file()
        if meta["_wp_attached_file"] == "2020/05/photo.jpg":
            assert meta["_wp_attachment_image_alt"] == "A photo"
            assert attachment.findtext("{http://wordpress.org/export/1.2/excerpt/}encoded") == (
                "Its caption")
    thumbnail = {m.findtext(wp + "meta_key"): m.findtext(wp + "meta_value")
                 for m in post.iter(wp + "postmeta")}["_thumbnail_id"]
    assert thumbnail in items and items[thumbnail].findtext(wp + "post_type") == "attachment"
    exported = post.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert "/media/" not in exported
    assert 'src="https://new.example.com/wp-content/uploads/2020/05/photo.jpg"' in exported
    # Ids of posts and attachments never collide (WordPress keeps both in one table).
    assert len(items) == len({i.findtext(wp + "post_id") for i in root.iter("item")})

    # Into an empty site, with the exported files as its uploads folder.
    empty_database(app)
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    result = import_with_uploads(runner, out, files)
    assert result.exit_code == 0, result.output
    assert "3 found (3 imported, 0 imported before), 0 missing, 0 refused" in result.output
    with app.app_context():
        after = {m.source_path: (m.alt, m.caption, m.width, m.height)
                 for m in db.session.scalars(sa.select(Media))}
        keys = {m.source_path: m.key for m in db.session.scalars(sa.select(Media))}
        again = db.session.get(Post, 5)
        assert again.featured_media_id == db.session.scalar(
            sa.select(Media.id).where(Media.source_path == "2020/05/big-scaled.jpg"))
        html_after = again.content_html
    assert after == before
    assert "new.example.com" not in html_after
    shape = re.compile(r"/media/[0-9]{4}/[0-9]{2}/[0-9a-f]{16}")
    assert shape.sub("/media/K", html_after) == shape.sub("/media/K", html_before)
    # The image shows as one of its new keys (expanded to its variants for display).
    assert re.search(rf'<img\b[^>]*\bsrc="/media/{keys["2020/05/photo.jpg"].rsplit(".", 1)[0]}'
                     rf'[^"]*"[^>]*alt="in text"', html_after)
    assert html_after.count('class="gallery-item"') == 3


def test_export_paths_of_media_uploaded_here(app, make, runner, client, tmp_path):
    """A file that never was on a WordPress site is exported under its key, and
    that URL answers here too."""
    media = make.media("new.jpg", alt="Fresh")
    out = tmp_path / "export.xml"
    assert runner.invoke(args=["export-wxr", str(out)]).exit_code == 0
    wp = "{http://wordpress.org/export/1.2/}"
    attachment = next(i for i in ET.parse(out).getroot().iter("item")
                      if i.findtext(wp + "post_type") == "attachment")
    assert attachment.findtext(wp + "attachment_url").endswith(f"/wp-content/uploads/{media.key}")
    response = client.get(f"/wp-content/uploads/{media.key}")
    assert (response.status_code, response.headers["Location"]) == (301, f"/media/{media.key}")
