"""Images in the editor: the picker and the snippets it inserts, the featured
image field and what it refuses, and the note about images without alt text
(admin/media.py media_picker, admin/featured.py, media/snippets.py,
media/alt_text.py)."""

import html as html_module
import re

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.markup import render
from dreamweaver.models import Post
from tests.support import images
from tests.support.admin_forms import HTMX, form

PICKER = "/admin/media/picker"


def saved(app, title):
    with app.app_context():
        return db.session.scalar(sa.select(Post).where(Post.title == title))


def test_picker_page_shows_each_snippet_to_copy(client, auth, make):
    owner = auth.login()
    media = make.media("door.jpg", owner=owner, alt='A "red" door [1]', title="Door")
    page = client.get(PICKER, query_string={"format": "markdown"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in text
    assert re.search(r'<textarea[^>]*readonly[^>]*>!\[A &#34;red&#34; door \\\[1\\\]\]'
                     rf'\(/media/{re.escape(media.key)} &#34;Door&#34;\)</textarea>', text)
    html = client.get(PICKER, query_string={"format": "html"}).get_data(as_text=True)
    assert (f"&lt;img src=&#34;/media/{media.key}&#34; "
            "alt=&#34;A &amp;quot;red&amp;quot; door [1]&#34;") in html


def test_picker_fragment_has_insert_buttons_search_and_pages(client, auth, make, monkeypatch):
    owner = auth.login()
    monkeypatch.setattr("dreamweaver.admin.media.PICKER_PER_PAGE", 2)
    for name in ("sea.jpg", "hill.jpg", "sky.jpg"):
        make.media(name, owner=owner, data=images.jpeg(40, 30))
    first = client.get(PICKER, headers=HTMX).get_data(as_text=True)
    assert "<html" not in first and first.count("data-pick ") == 2
    assert 'class="nav-previous"' in first and "Insert sky" in first and "Insert sea" not in first
    second = client.get(PICKER, query_string={"page": 2}, headers=HTMX).get_data(as_text=True)
    assert "Insert sea" in second
    found = client.get(PICKER, query_string={"s": "hil", "mode": "featured"},
                       headers=HTMX).get_data(as_text=True)
    assert "Feature hill" in found and "sky" not in found


def test_picker_full_page_on_history_restore(client, auth):
    auth.login()
    page = client.get(PICKER, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]


def test_picker_shows_authors_only_their_own(client, auth, make):
    other = make.account("someone", "author")
    make.media("theirs.jpg", owner=other)
    writer = auth.login("writer", "author")
    make.media("mine.jpg", owner=writer)
    text = client.get(PICKER, headers=HTMX).get_data(as_text=True)
    assert "mine" in text and "theirs" not in text


@pytest.mark.parametrize("query", [{"mode": "delete"}, {"format": "rst"}])
def test_picker_refuses_unknown_modes_and_formats(client, auth, query):
    auth.login()
    assert client.get(PICKER, query_string=query).status_code == 400


def test_snippets_render_to_the_image_with_alt_and_caption(client, auth, make, app):
    owner = auth.login()
    plain = make.media("plain.jpg", owner=owner, alt="A plain view", title="Plain")
    captioned = make.media("cap.jpg", owner=owner, alt="Boats", caption="At <dawn> & after")
    for fmt in ("markdown", "html"):
        page = client.get(PICKER, query_string={"format": fmt}, headers=HTMX)
        text = page.get_data(as_text=True)
        with app.app_context():
            for media in (plain, captioned):
                snippet = re.search(rf'data-snippet-{fmt}="([^"]*)"[^>]*data-thumbnail="[^"]*"'
                                    rf'[^>]*>\s*<img[^>]*>\s*<span class="media-name">Insert '
                                    rf'{media.title}', text)
                assert snippet, (fmt, media.title)
                html = render(html_module.unescape(snippet.group(1)), fmt)
                assert f'src="/media/{media.key}"' in html and f'alt="{media.alt}"' in html
        assert "<figure>" in render(html_module.unescape(re.search(
            r'data-snippet-' + fmt + r'="([^"]*figure[^"]*)"', text).group(1)), fmt)
    with app.app_context():
        figure = render(f'<figure><img src="/media/{captioned.key}" alt="Boats">'
                        "<figcaption>At &lt;dawn&gt; &amp; after</figcaption></figure>", "markdown")
    assert "<figcaption>At &lt;dawn&gt; &amp; after</figcaption>" in figure


def test_featured_image_is_chosen_shown_and_removed(client, auth, make, app):
    owner = auth.login()
    media = make.media("hero.jpg", owner=owner)
    assert form(client, title="Featured", featured_media_id=str(media.id)).status_code == 303
    post = saved(app, "Featured")
    assert post.featured_media_id == media.id
    page = client.get(f"/admin/posts/{post.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{media.id}">hero</option>', page)
    assert 'data-featured-preview>\n      <img src="' in page
    url = f"/admin/posts/{post.id}/edit"
    assert form(client, url, title="Featured", featured_media_id="").status_code == 303
    assert saved(app, "Featured").featured_media_id is None


@pytest.mark.parametrize("forged", ["theirs", "999999", "junk", "-3", "1.5"])
def test_forged_featured_image_is_422_and_nothing_saved(client, auth, make, app, forged):
    other = make.account("someone", "author")
    theirs = make.media("theirs.jpg", owner=other)
    auth.login("writer", "author")
    value = str(theirs.id) if forged == "theirs" else forged
    response = form(client, title="Forged", featured_media_id=value)
    assert response.status_code == 422
    assert "Choose an image from your media library" in response.get_data(as_text=True)
    assert saved(app, "Forged") is None


def test_author_keeps_a_featured_image_an_admin_chose(client, auth, make, app):
    writer = make.account("writer", "author")
    admins = make.media("admins.jpg", owner=make.account("boss", "administrator"))
    post = make.post("Theirs", author=writer, featured_media_id=admins.id)
    auth.login("writer", "author")
    url = f"/admin/posts/{post.id}/edit"
    assert "admins</option>" in client.get(url).get_data(as_text=True)
    assert form(client, url, title="Theirs", featured_media_id=str(admins.id)).status_code == 303
    assert saved(app, "Theirs").featured_media_id == admins.id


def test_admin_may_feature_an_authors_image(client, auth, make, app):
    authors = make.media("authors.jpg", owner=make.account("writer", "author"))
    auth.login()
    assert form(client, title="Boss", featured_media_id=str(authors.id)).status_code == 303
    assert saved(app, "Boss").featured_media_id == authors.id


def test_editor_flags_images_without_alt_text(client, auth, make, app):
    owner = auth.login()
    media = make.media("bare.jpg", owner=owner, title="Bare one")
    source = (f"![](/media/{media.key})\n\n![A described cat](/cat.png)\n\n"
              '<img src="/dog.png" alt="">\n\n<img src="/bird.png">')
    assert form(client, title="Alts", source=source).status_code == 303
    post = saved(app, "Alts")
    page = client.get(f"/admin/posts/{post.id}/edit").get_data(as_text=True)
    note = page[page.index('id="missing-alt"'):page.index('class="post-preview"')]
    assert "3 images without alt text" in note
    assert f'href="/admin/media/{media.id}/">Bare one</a>' in note
    assert "/dog.png" in note and "/bird.png" in note and "/cat.png" not in note


def test_preview_updates_the_missing_alt_note_out_of_band(client, auth):
    auth.login()
    from tests.support.auth import csrf_token
    token = csrf_token(client, "/admin/posts/new")
    preview = client.post("/admin/posts/preview", headers={**HTMX, "X-CSRFToken": token},
                          data={"source": "![](/x.png)", "format": "markdown"})
    text = preview.get_data(as_text=True)
    assert 'id="missing-alt" class="missing-alt-note" hx-swap-oob="true"' in text
    assert "1 image without alt text" in text
    clean = client.post("/admin/posts/preview", headers={**HTMX, "X-CSRFToken": token},
                        data={"source": "![Fine](/x.png)", "format": "markdown"})
    assert "without alt text" not in clean.get_data(as_text=True)


def test_invalid_save_still_flags_missing_alt(client, auth):
    auth.login()
    response = form(client, title="", source="<img src='/a.png'>", format="html")
    assert response.status_code == 422
    assert "1 image without alt text" in response.get_data(as_text=True)
