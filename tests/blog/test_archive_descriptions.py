"""A category's or tag's description shows under its archive's heading, as
WordPress's archive description: on the page and in the htmx fragment, cleaned."""

import re

from dreamweaver.extensions import db
from dreamweaver.models import Category, Tag
from tests.support.admin_forms import edit
from tests.support.auth import csrf_token
from tests.support.responses import text

HTMX = {"HX-Request": "true"}
TYPED = ('Brains and <a href="https://example.org/">a link</a> & more.\n\n'
         'Second <script>alert(1)</script><b onclick="x()">para</b>')


def description(body: str) -> str | None:
    found = re.search(r'<div class="archive-description">(.*?)</div>', body, re.S)
    return found and found.group(1)


def test_category_description_shows_on_its_archive(client, make):
    science = make.category("Neuroscience", description=TYPED)
    make.post("Filed", categories=[science])
    shown = description(text(client.get("/category/neuroscience/")))
    assert shown == ('<p>Brains and <a href="https://example.org/">a link</a> &amp; more.</p>\n'
                     "<p>Second alert(1)<b>para</b></p>")
    assert description(text(client.get("/category/neuroscience/", headers=HTMX))) == shown


def test_description_is_the_archives_meta_description(client, make):
    make.category("Neuroscience", description="What the <em>brain</em> does.\n\n" + "Word " * 60)
    body = text(client.get("/category/neuroscience/"))
    meta = re.search(r'<meta name="description" content="([^"]*)">', body).group(1)
    assert meta.startswith("What the brain does. Word Word")
    assert len(meta) <= 161 and meta.endswith("\u2026")


def test_description_in_html_keeps_its_own_paragraphs(client, make):
    make.category("Art", description="<p>One.</p>\n<ul><li>Two</li></ul>")
    shown = description(text(client.get("/category/art/")))
    assert shown == "<p>One.</p>\n<ul><li>Two</li></ul>"


def test_archive_without_description_has_none(client, make):
    make.category("Art")
    assert description(text(client.get("/category/art/"))) is None
    assert '<meta name="description" content="Category: Art">' in text(client.get("/category/art/"))


def test_tag_description_shows_on_its_archive(client, make):
    tag = make.tag("Dosing")
    make.post("Tagged", tags=[tag])
    with client.application.app_context():
        db.session.get(Tag, tag.id).description = "Amounts & timing."
        db.session.commit()
    assert description(text(client.get("/tag/dosing/"))) == "<p>Amounts &amp; timing.</p>"


def test_description_edited_in_admin_shows_at_once(app, client, auth, make):
    auth.login()
    art = make.category("Art")
    assert description(text(client.get("/category/art/"))) is None
    token = csrf_token(client, "/admin/categories/")
    assert edit(client, token, art, description="Paintings, mostly.").status_code == 303
    with app.app_context():
        assert db.session.get(Category, art.id).description == "Paintings, mostly."
    assert description(text(client.get("/category/art/"))) == "<p>Paintings, mostly.</p>"
