"""Featured images as readers and link previews see them (media/featured.py):
over the post, as listing thumbnails, and in the head's og:/twitter: tags and
JSON-LD, at absolute addresses."""

import json
import re
from datetime import UTC, datetime

import pytest

from dreamweaver.media import featured
from tests.support import images
from tests.support.comment_client import permalink
from tests.support.responses import text

WHEN = datetime(2024, 2, 3, tzinfo=UTC)


def meta(body: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', body)
    return match.group(1) if match else None


def imgs(html: str) -> list[str]:
    return re.findall(r"<img\b[^>]*>", html)


@pytest.fixture
def photo(make):
    return make.media("cover.jpg", data=images.jpeg(1600, 1200), alt="A cover")


def test_post_shows_its_featured_image_first(client, app, make, photo):
    inline = make.media("inline.jpg")
    post = make.post("Featured", featured_media_id=photo.id, published_at=WHEN,
                     source=f"Intro\n\n![Inline](/media/{inline.key})")
    body = text(client.get(permalink(app, post)))
    figure = re.search(r'<figure class="post-thumbnail featured-image">(.*?)</figure>', body,
                       re.S).group(1)
    [cover] = imgs(figure)
    assert cover.startswith('<img fetchpriority="high" ') and "loading" not in cover
    assert 'alt="A cover"' in cover and 'width="1280" height="960"' in cover
    assert figure.count("<source") == 2
    content = body[body.index('<div class="entry-content e-content">'):]
    [inline_img] = imgs(content[:content.index("</div>")])
    assert 'loading="lazy"' in inline_img and "fetchpriority" not in inline_img


def test_post_without_featured_image_keeps_its_first_image_eager(client, app, make):
    inline = make.media("inline.jpg")
    post = make.post("Plain", source=f"![Inline](/media/{inline.key})", published_at=WHEN)
    body = text(client.get(permalink(app, post)))
    assert "featured-image" not in body
    [img] = [i for i in imgs(body) if "inline" in i.lower() or "Inline" in i]
    assert 'fetchpriority="high"' in img
    assert meta(body, "twitter:card") == "summary" and meta(body, "og:image") is None


def test_page_shows_its_featured_image(client, app, make, photo):
    page = make.post("About us", kind="page", featured_media_id=photo.id)
    body = text(client.get(permalink(app, page)))
    assert 'class="post-thumbnail featured-image"' in body
    assert meta(body, "og:image").startswith("http://localhost/media/")


def test_featured_caption_is_shown(client, app, make):
    media = make.media(caption="Taken at dawn & dusk")
    post = make.post("Captioned", featured_media_id=media.id, published_at=WHEN)
    assert "<figcaption>Taken at dawn &amp; dusk</figcaption>" in text(
        client.get(permalink(app, post)))


def test_link_previews_get_an_absolute_jpeg_about_1200_wide(client, app, make, photo):
    post = make.post("Shared", featured_media_id=photo.id, published_at=WHEN)
    body = text(client.get(permalink(app, post)))
    url = "http://localhost/media/" + photo.key.replace(".jpg", "-1280w.jpg")
    assert meta(body, "og:image") == url
    assert (meta(body, "og:image:width"), meta(body, "og:image:height")) == ("1280", "960")
    assert meta(body, "og:image:type") == "image/jpeg"
    assert meta(body, "og:image:alt") == "A cover"
    assert meta(body, "twitter:card") == "summary_large_image"
    assert meta(body, "twitter:image") == url and meta(body, "twitter:image:alt") == "A cover"
    assert body.count('name="twitter:card"') == 1
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', body).group(1))
    assert data["image"] == {"@type": "ImageObject", "url": url, "width": 1280, "height": 960}


def test_link_preview_of_a_png_is_a_png(client, app, make):
    logo = make.media("logo.png", data=images.png_with_alpha(1600, 800))
    post = make.post("Logo", featured_media_id=logo.id, published_at=WHEN)
    body = text(client.get(permalink(app, post)))
    assert meta(body, "og:image").endswith("-1280w.png")
    assert meta(body, "og:image:type") == "image/png"


def test_protected_post_shows_and_shares_no_featured_image(client, app, make, photo):
    post = make.post("Locked", password="pw", featured_media_id=photo.id, published_at=WHEN)
    body = text(client.get(permalink(app, post)))
    assert photo.key.removesuffix(".jpg") not in body
    assert meta(body, "twitter:card") == "summary"
    home = text(client.get("/"))
    assert "post-thumbnail" not in home


LISTINGS = ["/", "/category/art/", "/tag/colour/", "/author/maya/", "/2024/02/", "/?s=painted"]


@pytest.mark.parametrize("url", LISTINGS)
def test_listings_show_thumbnails_lazy_but_the_first(client, make, photo, url):
    art, colour = make.category("Art"), make.tag("Colour")
    author = make.user("maya")
    other = make.media("other.jpg")
    for n, media in enumerate((photo, None, other)):
        make.post(f"Painted {n}", featured_media_id=media.id if media else None,
                  categories=[art], tags=[colour], author=author,
                  published_at=datetime(2024, 2, 3 - n, tzinfo=UTC))
    body = text(client.get(url))
    thumbnails = re.findall(r'<a class="post-thumbnail"[^>]*>(.*?)</a>', body, re.S)
    assert len(thumbnails) == 2
    first, second = (imgs(t)[0] for t in thumbnails)
    assert first.startswith('<img fetchpriority="high" ') and "loading" not in first
    assert 'loading="lazy"' in second and "fetchpriority" not in second
    assert f'sizes="{featured.THUMBNAIL_SIZES}"' in first
    assert 'tabindex="-1" aria-hidden="true"' in body


def test_listing_teasers_wait_after_the_first_image(client, make, photo):
    inline = make.media("inline.jpg")
    source = f"![Top](/media/{inline.key})\n\n<!--more-->\n\nRest."
    make.post("Newest", source=source, published_at=datetime(2024, 2, 3, tzinfo=UTC))
    make.post("Older", source=source, published_at=datetime(2024, 2, 2, tzinfo=UTC))
    first, second = imgs(text(client.get("/")))
    assert 'fetchpriority="high"' in first
    assert 'loading="lazy"' in second and "fetchpriority" not in second
    make.post("Newest with cover", source=source, featured_media_id=photo.id,
              published_at=datetime(2024, 2, 4, tzinfo=UTC))
    cover, teaser, *_ = imgs(text(client.get("/")))
    assert 'fetchpriority="high"' in cover and 'loading="lazy"' in teaser


def test_listing_asks_once_for_all_featured_images(client, make, count_queries):
    def posts(n, start):
        for day in range(start, start + n):
            make.post(f"Post {day}", featured_media_id=make.media().id,
                      published_at=datetime(2024, 2, day, tzinfo=UTC))

    posts(2, 1)
    with count_queries as two:
        assert text(client.get("/")).count('class="post-thumbnail"') == 2
    posts(6, 3)
    with count_queries as eight:
        assert text(client.get("/")).count('class="post-thumbnail"') == 8
    assert eight.count == two.count


def test_cached_image_post_serves_the_same_markup(cached_app, make, photo):
    make_cached = type(make)(cached_app)
    post = make_cached.post("Cached", featured_media_id=photo.id, published_at=WHEN,
                            source=f"![Again](/media/{photo.key})")
    client = cached_app.test_client()
    url = permalink(cached_app, post)
    first = text(client.get(url))
    assert "featured-image" in first and meta(first, "og:image")
    assert text(client.get(url)) == first
    # A reader with a cookie skips the page cache: the fragments say the same.
    client.set_cookie("comment_author_x", "Reader")
    assert text(client.get(url)).count("<picture>") == first.count("<picture>") == 2
    home = cached_app.test_client()
    assert text(home.get("/")) == text(home.get("/"))
