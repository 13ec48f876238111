"""Images of ours in posts shown as the best variants that exist
(media/pictures.py): the <picture> written on save, written again when the
variants are ready, and what feeds make of it."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from dreamweaver import create_app
from dreamweaver.caching import generation
from dreamweaver.extensions import db
from dreamweaver.media import library, pictures
from dreamweaver.media.images import accept
from dreamweaver.media.keys import new_key
from dreamweaver.media.variants import make_variants
from dreamweaver.models import Media, Post
from dreamweaver.publishing import render_post
from tests.support import images
from tests.support.admin_forms import form
from tests.support.auth import csrf_token
from tests.support.factories import Factory
from tests.support.responses import text
from tests.support.settings import TEST_SETTINGS

WHEN = datetime(2024, 2, 3, tzinfo=UTC)


def expanded(app, source: str) -> str:
    with app.app_context():
        return render_post(source, "html").content_html


def tag(html: str, name: str) -> list[str]:
    return re.findall(rf"<{name}\b[^>]*>", html)


def attribute(element: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', element)
    return match.group(1) if match else None


def test_jpeg_with_variants_is_a_picture_of_every_width(app, make):
    media = make.media(data=images.jpeg(800, 600), alt="A red and blue field")
    html = expanded(app, f'<p><img src="/media/{media.key}"></p>')
    stem = media.key.removesuffix(".jpg")
    avif, webp = tag(html, "source")
    assert attribute(avif, "type") == "image/avif"
    assert attribute(avif, "srcset") == (f"/media/{stem}-320w.avif 320w, "
                                         f"/media/{stem}-640w.avif 640w, "
                                         f"/media/{stem}-800w.avif 800w")
    assert attribute(webp, "type") == "image/webp" and f"{stem}-800w.webp 800w" in webp
    assert attribute(avif, "sizes") == pictures.POST_SIZES
    [img] = tag(html, "img")
    # The JPEG fallback is the original at its own width (no copy was made).
    assert attribute(img, "srcset") == (f"/media/{stem}-320w.jpg 320w, "
                                        f"/media/{stem}-640w.jpg 640w, /media/{media.key} 800w")
    assert attribute(img, "src") == f"/media/{media.key}"  # narrower than 1280: the widest
    assert (attribute(img, "width"), attribute(img, "height")) == ("800", "600")
    assert attribute(img, "alt") == "A red and blue field"  # the library's, as none was given
    assert attribute(img, "decoding") == "async"
    assert img.startswith('<img fetchpriority="high" ') and "loading" not in img
    assert html.startswith("<p><picture><source") and html.endswith("</picture></p>")


def test_wide_photo_names_the_1280_fallback_and_announces_its_size(app, make):
    media = make.media(data=images.jpeg(2400, 1600))
    [img] = tag(expanded(app, f'<img src="/media/{media.key}" alt="">'), "img")
    assert attribute(img, "src") == "/media/" + media.key.replace(".jpg", "-1280w.jpg")
    assert (attribute(img, "width"), attribute(img, "height")) == ("1280", "853")
    assert "-2048w.jpg 2048w" in attribute(img, "srcset")
    assert media.key not in attribute(img, "srcset")  # 2400 wide: not one of the widths
    assert attribute(img, "alt") == ""  # decorative, as the author said


def test_png_with_transparency_falls_back_to_png(app, make):
    media = make.media("logo.png", data=images.png_with_alpha(400, 200))
    html = expanded(app, f'<img src="/media/{media.key}" alt="Logo">')
    [img] = tag(html, "img")
    assert [attribute(s, "type") for s in tag(html, "source")] == ["image/avif", "image/webp"]
    assert ".jpg" not in html
    assert attribute(img, "srcset").endswith(f"/media/{media.key} 400w")
    assert "-320w.png 320w" in attribute(img, "srcset")
    assert (attribute(img, "width"), attribute(img, "height")) == ("400", "200")


def test_image_still_processing_is_a_plain_img_with_its_size(app, make):
    media = make.media(data=images.jpeg(1600, 1200))
    with app.app_context():
        row = db.session.get(Media, media.id)
        row.variants, row.state = [], "processing"
        db.session.commit()
    html = expanded(app, f'<p><img src="/media/{media.key}" alt="Soon"></p>')
    assert "<picture" not in html and "srcset" not in html
    assert html == (f'<p><img fetchpriority="high" src="/media/{media.key}" width="1280" '
                    'height="960" alt="Soon" decoding="async"></p>')


def test_animated_gif_shows_as_uploaded(app, make):
    media = make.media("dance.gif", data=images.animated_gif())
    html = expanded(app, f'<img src="/media/{media.key}" alt="Dance">'
                         f'<img src="/media/{media.key}">')
    first, second = tag(html, "img")
    assert "<picture" not in html
    assert attribute(first, "src") == f"/media/{media.key}"
    assert (attribute(first, "width"), attribute(first, "height")) == ("40", "30")
    assert attribute(second, "loading") == "lazy"


def test_images_not_ours_are_left_as_written(app, make):
    media = make.media()
    source = ('<p><img src="https://example.com/photo.jpg" alt="Elsewhere" '
              'srcset="https://example.com/photo-2x.jpg 2x" width="10" height="20" '
              'loading="lazy"></p>'
              # Our key's shape on another site is not our file.
              f'<p><img src="https://example.com/media/{media.key}" alt="Copy"></p>')
    with app.app_context():
        from dreamweaver.markup import render

        cleaned = render(source, "html")
    assert expanded(app, source) == cleaned
    assert "<picture" not in cleaned


def test_authors_width_height_class_and_title_are_kept(app, make):
    media = make.media(data=images.jpeg(1600, 1200), alt="Library alt")
    html = expanded(app, f'<img src="/media/{media.key}" alt="Mine" width="300" height="200" '
                         f'class="alignleft wp-image-7" title="Hover" loading="eager" '
                         f'srcset="/elsewhere.jpg 2x" sizes="50vw">')
    [img] = tag(html, "img")
    assert (attribute(img, "width"), attribute(img, "height")) == ("300", "200")
    assert attribute(img, "class") == "alignleft wp-image-7"
    assert attribute(img, "title") == "Hover" and attribute(img, "alt") == "Mine"
    assert "/elsewhere.jpg" not in html and "50vw" not in html  # ours, not a guess
    # Narrower than the column: no wider than its own width, even on a wide screen.
    assert attribute(img, "sizes") == "(max-width: 300px) calc(100vw - 2rem), 300px"
    [only_width] = tag(expanded(app, f'<img src="/media/{media.key}" width="400">'), "img")
    assert (attribute(only_width, "width"), attribute(only_width, "height")) == ("400", "300")


def test_first_image_is_eager_and_the_rest_lazy(app, make):
    media = make.media()
    html = expanded(app, "".join(f'<p><img src="/media/{media.key}" alt="{n}"></p>'
                                 for n in range(3)))
    first, *rest = tag(html, "img")
    assert 'fetchpriority="high"' in first and "loading" not in first
    assert all('loading="lazy"' in img and "fetchpriority" not in img for img in rest)
    # Below another image (a featured image, an earlier entry), it waits too.
    later = str(pictures.not_first(html))
    assert all('loading="lazy"' in img for img in tag(later, "img"))
    assert "fetchpriority" not in later


def test_another_sites_image_first_makes_ours_wait(app, make):
    media = make.media()
    html = expanded(app, f'<img src="https://example.com/a.jpg"><img src="/media/{media.key}">')
    assert 'loading="lazy"' in tag(html, "img")[1] and "fetchpriority" not in html


def test_expansion_is_a_fixed_point(app, make):
    photo, logo = make.media(alt='Say "cheese" & <smile>'), make.media(
        "logo.png", data=images.png_with_alpha())
    source = (f'<figure><a href="/media/{photo.key}"><img src="/media/{photo.key}"></a>'
              f"<figcaption>Ours</figcaption></figure>"
              f'<p>x<img src="/media/{logo.key}" width="50" height="25" alt=\'a "b" > c\'></p>'
              f'<img src="https://example.com/a.jpg"><img src="/media/{photo.key}" id="third">')
    with app.app_context():
        once = render_post(source, "html").content_html
        assert pictures.expand(once) == once
        assert pictures.expand(pictures.expand(once)) == once
    assert 'alt="Say &quot;cheese&quot; &amp; &lt;smile&gt;"' in once
    assert "alt='a \"b\" > c'" not in once and 'alt="a &quot;b&quot; &gt; c"' in once
    assert 'id="user-content-third"' in once
    assert once.count("<picture>") == 3


def test_authors_picture_and_source_are_not_kept_by_the_sanitizer(app, make):
    media = make.media()
    html = expanded(app, '<picture><source srcset="https://evil.example/x.avif" '
                         f'type="image/avif"><img src="/media/{media.key}"></picture>')
    assert "evil.example" not in html
    assert html.count("<picture>") == 1 and html.count("<source") == 2


def test_one_query_for_500_images(app, make, count_queries):
    with app.app_context():
        rows = []
        for n in range(500):
            key = new_key(WHEN, "jpg")
            stem = key.removesuffix(".jpg")
            rows.append(Media(
                key=key, mime="image/jpeg", width=1600, height=1200, size=1, alt=f"n{n}",
                state="ready",
                variants=[{"width": w, "height": w * 3 // 4, "format": f, "key": f"{stem}-{w}w.{f}",
                           "size": 1} for f in ("avif", "jpg", "webp") for w in (320, 640, 1280)]))
        db.session.add_all(rows)
        db.session.commit()
        html = "\n".join(f'<p><img src="/media/{row.key}"></p>' for row in rows)
        with count_queries as counter:
            shown = pictures.expand_post(html)
        assert counter.count == 1
        assert shown.content_html.count("<picture>") == 500 and len(shown.media) == 500
        assert pictures.expand(shown.content_html) == shown.content_html


def test_save_records_the_media_used(app, make):
    media = make.media()
    post = make.post("With a picture", source=f"![A picture](/media/{media.key})")
    with app.app_context():
        stored = db.session.get(Post, post.id)
        assert [m.id for m in stored.media_used] == [media.id]
        assert "<picture>" in stored.content_html


def test_teaser_is_expanded_too(app, make):
    media = make.media()
    post = make.post("Teased", source=f"![Top](/media/{media.key})\n\n<!--more-->\n\nMore.")
    assert "<picture>" in post.teaser_html and 'fetchpriority="high"' in post.teaser_html


def test_variants_ready_expand_the_posts_showing_the_image(app, database_uri, media_root,
                                                           tmp_path):
    queued = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                         "MEDIA_STORAGE_URL": media_root.as_uri(), "TASKS_INLINE": False,
                         "TASKS_SQLITE_PATH": str(tmp_path / "tasks.sqlite3")})
    make = Factory(queued)
    with queued.app_context():
        import io

        media = library.add(accept(io.BytesIO(images.jpeg(1600, 1200)), 10**8),
                            original_name="later.jpg", alt="Later")
        db.session.commit()
        media_id, key = media.id, media.key
        assert media.state == "processing"  # queued, not run
    post = make.post("Shown before it is ready", source=f"![Later](/media/{key})")
    other = make.post("Not showing it")
    assert "<picture>" not in post.content_html and f'src="/media/{key}"' in post.content_html
    with queued.test_request_context():
        before = generation()
    with queued.app_context():
        make_variants(media_id)  # what the worker runs
    with queued.test_request_context():
        assert generation() > before  # cached pages and fragments follow
        stored = db.session.get(Post, post.id)
        assert "<picture>" in stored.content_html and "-1280w.avif 1280w" in stored.content_html
        assert stored.modified_at == post.modified_at  # not an edit
        assert pictures.expand(stored.content_html) == stored.content_html
        assert db.session.get(Post, other.id).content_html == other.content_html


def test_feeds_carry_plain_images_at_absolute_addresses(client, make):
    media = make.media(data=images.jpeg(1600, 1200), alt="Feed me")
    make.post("Fed", source=f"Text\n\n![Feed me](/media/{media.key})\n\n"
                            "![Theirs](https://example.com/a.jpg)", published_at=WHEN)
    stem = media.key.removesuffix(".jpg")
    for url in ("/feed/", "/feed/atom/"):
        body = text(client.get(url))
        assert "picture" not in body and "srcset" not in body and "fetchpriority" not in body
        assert (f'&lt;img src="http://localhost/media/{stem}-1280w.jpg" width="1280" '
                f'height="960" alt="Feed me"&gt;') in body
        assert '&lt;img src="https://example.com/a.jpg" alt="Theirs"&gt;' in body


def test_feed_absolute_image_while_processing(client, app, make):
    media = make.media()
    with app.app_context():
        db.session.execute(sa.update(Media).values(variants=[], state="processing"))
        db.session.commit()
    make.post("Early", source=f"![Early](/media/{media.key})", published_at=WHEN)
    body = text(client.get("/feed/"))
    assert f'src="http://localhost/media/{media.key}"' in body


def test_editor_save_and_preview_show_pictures(app, client, auth, make):
    media = make.media(alt="Edited")
    auth.login()
    source = f"Words.\n\n![Edited](/media/{media.key})"
    response = form(client, title="Saved with a picture", source=source)
    assert response.status_code == 303
    with app.app_context():
        post = db.session.scalar(sa.select(Post).where(Post.title == "Saved with a picture"))
        assert post.content_html.count("<picture>") == 1
        assert [m.id for m in post.media_used] == [media.id]
    preview = client.post("/admin/posts/preview", data={"source": source, "format": "markdown"},
                          headers={"X-CSRFToken": csrf_token(client, "/admin/posts/new")})
    assert text(preview).count("<picture>") == 1
