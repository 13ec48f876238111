"""The header draws the saved menu: targets read as they are now (a renamed
page shows its new title, a page readers cannot see is left out and its
sub-items take its place), the page being read marked, the whole cached per
content generation; with nothing saved, the automatic menu as before."""

import sqlalchemy as sa

from dreamweaver import settings
from dreamweaver.extensions import db
from dreamweaver.menus.header import saved_menu
from dreamweaver.models import Post
from tests.support.menus import header_menu
from tests.support.responses import text


def save_menu(app, items):
    with app.app_context():
        settings.save("menu", {"menu_items": items})
        db.session.commit()


def page(kind, target=None, label="", children=()):
    made = {"kind": kind, "label": label, "children": list(children)}
    if kind == "custom":
        made["url"] = target
    elif kind != "home":
        made["target"] = target
    return made


def test_a_saved_menu_replaces_the_automatic_one(app, client, make):
    about = make.post("About", kind="page")
    team = make.post("Team", kind="page", parent_id=about.id)
    make.post("Contact", kind="page")
    assert header_menu(client) == ["Home", "About", "> Team", "Contact"]
    save_menu(app, [page("page", about.id, children=[page("page", team.id, "Our team")]),
                    page("custom", "https://example.org/shop", "Shop")])
    assert header_menu(client) == ["About", "> Our team", "Shop"]  # no Home: none was saved
    shown = text(client.get("/about/team/"))
    assert '<li class="menu-item-has-children"><a href="/about/">About</a>' in shown
    assert '<a href="/about/team/" aria-current="page">Our team</a>' in shown


def test_targets_are_read_when_the_page_is_drawn(app, client, make):
    about = make.post("About", kind="page")
    gone = make.post("Old News", kind="page")
    child = make.post("History", kind="page")
    draft = make.post("Coming Soon", kind="page", status="draft")
    news = make.category("News")
    save_menu(app, [page("home"), page("page", about.id),
                    page("page", gone.id, children=[page("page", child.id)]),
                    page("page", draft.id), page("category", news.id),
                    page("tag", 987654), page("post", 876543)])
    assert header_menu(client) == ["Home", "About", "Old News", "> History", "News"]
    with app.app_context():
        db.session.get(Post, about.id).title = "About Us"
        db.session.get(Post, gone.id).status = "trash"
        db.session.commit()
    # The sub-item of a page readers no longer see takes its place.
    assert header_menu(client) == ["Home", "About Us", "History", "News"]


def test_saving_the_automatic_menu_draws_the_header_as_before(app, client, make):
    make.post("About", kind="page")
    before = text(client.get("/"))
    save_menu(app, [page("home")])
    assert header_menu(client) == ["Home"]
    save_menu(app, None)
    assert text(client.get("/")).split("<main")[0] == before.split("<main")[0]


def test_the_menu_is_read_once_per_generation(cached_app, make):
    about = make.post("About", kind="page")
    save_menu(cached_app, [page("page", about.id)])
    statements = []

    def seen(*args):
        statements.append(args[2])

    with cached_app.test_request_context("/"):
        cached_app.preprocess_request()
        first = saved_menu()
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            again = saved_menu()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
        assert again == first and statements == []
    with cached_app.app_context():  # an edit moves the generation: read afresh
        db.session.get(Post, about.id).title = "About Us"
        db.session.commit()
    with cached_app.test_request_context("/"):
        cached_app.preprocess_request()
        assert [entry.title for entry in saved_menu()] == ["About Us"]
