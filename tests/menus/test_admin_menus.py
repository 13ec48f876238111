"""The menu screen, /admin/menus/: who may use it, adding items, labels,
moves by button (as without JavaScript) and by a posted order (as drag and
drop sends it), the one-level nesting rule, refusals that save nothing, the
automatic menu back, and every change in the history."""

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from dreamweaver.extensions import db
from dreamweaver.models import SettingsChange, SiteSetting
from tests.support.auth import csrf_token
from tests.support.menus import (
    ADD,
    MENUS,
    RESET,
    add_item,
    editor_fields,
    header_menu,
    items_of,
    place_of,
    post_menu,
)
from tests.support.responses import text

HX = {"HX-Request": "true"}


def saved(app):
    with app.app_context():
        row = db.session.get(SiteSetting, "menu")
        return None if row is None else row.value["menu_items"]


@pytest.fixture
def pages(make):
    return {title: make.post(title, kind="page") for title in ("About", "Contact", "Reading")}


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(MENUS)
    assert response.status_code in (302, 303)
    assert "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["editor", "author"])
def test_only_administrators_see_or_change_the_menu(client, auth, role):
    auth.login(f"an-{role}", role)
    assert client.get(MENUS).status_code == 403
    token = csrf_token(client, "/admin/")
    assert client.post(ADD, data={"csrf_token": token, "kind": "home"}).status_code == 403
    assert client.post(RESET, data={"csrf_token": token}).status_code == 403
    assert ">Menus<" not in text(client.get("/admin/"))


def test_the_screen_starts_from_the_automatic_menu(client, auth, pages):
    auth.login()
    page = text(client.get(MENUS))
    assert '<a href="/admin/menus/" aria-current="page">Menus' in page
    assert "The menu is automatic" in page
    assert [label for _, _, label in items_of(page)] == ["", "", "", ""]
    assert [place_of(page, name) for name in ("Home", "About", "Contact", "Reading")] == [
        "0", "1", "2", "3"]
    assert "Use the automatic menu" not in page  # it already is


def test_adding_a_custom_link_saves_the_menu_from_what_it_showed(app, client, auth, pages):
    auth.login()
    assert header_menu(client) == ["Home", "About", "Contact", "Reading"]
    response = add_item(client, "custom", url="https://shop.example.org/", label="Shop")
    assert response.status_code == 303
    assert "Added to the menu." in text(client.get(response.headers["Location"]))
    assert header_menu(client) == ["Home", "About", "Contact", "Reading", "Shop"]
    assert '<a href="https://shop.example.org/">Shop</a>' in text(client.get("/"))
    assert [item["kind"] for item in saved(app)] == ["home", "page", "page", "page", "custom"]


def test_adding_with_htmx_swaps_the_screen(client, auth, pages, make):
    news = make.category("News")
    make.tag("Breathing")
    auth.login()
    response = add_item(client, "category", headers=HX, category=str(news.id), label="")
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith('<section id="menu-screen"')
    assert "<title>Menus" in page and "Added to the menu." in page
    assert "Category:</span> News" in page
    add_item(client, "tag", tag="breathing", label="Breath work")
    add_item(client, "page", page=str(pages["About"].id), label="Who we are")
    add_item(client, "home", label="Start")
    menu = header_menu(client)
    assert menu[-4:] == ["News", "Breath work", "Who we are", "Start"]
    home = text(client.get("/"))
    assert '<a href="/category/news/">News</a>' in home
    assert '<a href="/tag/breathing/">Breath work</a>' in home
    assert '<a href="/" aria-current="page">Start</a>' in home
    # The archive the reader is on is marked in the menu too.
    assert '<a href="/category/news/" aria-current="page">News</a>' in text(
        client.get("/category/news/"))


@pytest.mark.parametrize(("kind", "fields", "message"), [
    ("custom", {"url": "javascript:alert(1)", "label": "Run"}, "must be a web address"),
    ("custom", {"url": "ftp://files.example.org/", "label": "Files"}, "https:// or http://"),
    ("custom", {"url": "", "label": "Nowhere"}, "Enter the link&#39;s address"),
    ("custom", {"url": "https://example.org/", "label": ""}, "Give the link a label"),
    ("custom", {"url": "https://example.org/" + "a" * 2000, "label": "Long"},
     "at most 2000 characters"),
    ("custom", {"url": "https://example.org/", "label": "x" * 101}, "at most 100 characters"),
    ("page", {"page": "999999"}, "Choose a page from the list."),
    ("page", {"page": "not a number"}, "Choose a page from the list."),
    ("category", {"category": "424242"}, "Choose a category from the list."),
    ("tag", {"tag": "no such tag"}, "There is no tag called “no such tag”."),
])
def test_a_refused_item_says_why_in_place_and_saves_nothing(app, client, auth, pages, kind,
                                                            fields, message):
    auth.login()
    for headers in ({}, HX):
        response = add_item(client, kind, headers=headers, **fields)
        assert response.status_code == 422
        page = text(response)
        assert message in page
        assert f'id="add-{kind}-error"' in page
        assert "Nothing was saved" in page
    assert saved(app) is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SettingsChange.id))) == 0
    assert header_menu(client) == ["Home", "About", "Contact", "Reading"]


def test_a_refused_custom_link_keeps_what_was_typed(client, auth, pages):
    auth.login()
    page = text(add_item(client, "custom", url="mailto:me@example.org", label="Mail me"))
    assert 'value="mailto:me@example.org"' in page
    assert 'value="Mail me"' in page
    assert 'aria-describedby="add-custom-error"' in page


def test_an_unknown_kind_or_an_expired_form_is_refused(client, auth):
    auth.login()
    assert add_item(client, "script").status_code == 400
    assert client.post(ADD, data={"kind": "home"}).status_code == 400


def test_up_down_in_and_out_buttons_move_items(app, client, auth, pages):
    auth.login()
    page = text(client.get(MENUS))
    reading = place_of(page, "Reading")
    assert post_menu(client, f"up:{reading}").status_code == 303
    assert header_menu(client) == ["Home", "About", "Reading", "Contact"]
    post_menu(client, f"in:{place_of(text(client.get(MENUS)), 'Reading')}")
    assert header_menu(client) == ["Home", "About", "> Reading", "Contact"]
    post_menu(client, f"in:{place_of(text(client.get(MENUS)), 'Contact')}")
    assert header_menu(client) == ["Home", "About", "> Reading", "> Contact"]
    post_menu(client, f"up:{place_of(text(client.get(MENUS)), 'Contact')}")
    assert header_menu(client) == ["Home", "About", "> Contact", "> Reading"]
    # A top-level item moves with its sub-items.
    post_menu(client, f"up:{place_of(text(client.get(MENUS)), 'About')}")
    assert header_menu(client) == ["About", "> Contact", "> Reading", "Home"]
    post_menu(client, f"down:{place_of(text(client.get(MENUS)), 'About')}")
    assert header_menu(client) == ["Home", "About", "> Contact", "> Reading"]
    post_menu(client, f"out:{place_of(text(client.get(MENUS)), 'Contact')}")
    assert header_menu(client) == ["Home", "About", "> Reading", "Contact"]
    items = saved(app)
    assert items[1]["kind"] == "page" and [c["target"] for c in items[1]["children"]] == [
        pages["Reading"].id]


def test_buttons_work_with_htmx_too(client, auth, pages):
    auth.login()
    page = text(client.get(MENUS))
    response = post_menu(client, f"down:{place_of(page, 'Home')}", headers=HX, html=page)
    assert response.status_code == 200
    assert text(response).lstrip().startswith('<section id="menu-screen"')
    assert "Menu saved." in text(response)
    assert header_menu(client) == ["About", "Home", "Contact", "Reading"]


@pytest.mark.parametrize(("setup", "verb", "name", "message"), [
    ([], "in", "Home", "there is no item above to put it under"),
    ([("in", "Contact")], "in", "About", "has sub-items of its own"),
    ([("in", "Contact")], "in", "Contact", "already a sub-item: menus nest one level"),
    ([], "up", "Home", "already at the top of the menu"),
    ([], "down", "Reading", "already at the bottom of the menu"),
    ([], "out", "About", "already at the top level"),
    ([("in", "Contact")], "up", "Contact", "already the first item under its parent"),
])
def test_a_move_that_cannot_be_made_is_refused_in_place(app, client, auth, pages, setup, verb,
                                                        name, message):
    auth.login()
    for before, who in setup:
        post_menu(client, f"{before}:{place_of(text(client.get(MENUS)), who)}")
    menu = header_menu(client)
    changes = _changes(app)
    for headers in ({}, HX):
        page = text(client.get(MENUS))
        place = place_of(page, name)
        response = post_menu(client, f"{verb}:{place}", headers=headers, html=page)
        assert response.status_code == 422
        shown = text(response)
        assert message in shown
        assert f'id="item-{place}-error"' in shown
    assert header_menu(client) == menu
    assert _changes(app) == changes


def _changes(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(SettingsChange.id)))


def test_labels_are_saved_and_a_custom_link_needs_one(app, client, auth, pages):
    auth.login()
    page = text(client.get(MENUS))
    about = place_of(page, "About")
    assert post_menu(client, labels={about: "  Who we are  "}).status_code == 303
    assert header_menu(client) == ["Home", "Who we are", "Contact", "Reading"]
    add_item(client, "custom", url="https://example.org/", label="Elsewhere")
    page = text(client.get(MENUS))
    elsewhere = place_of(page, "Elsewhere &lt;https://example.org/&gt;")
    response = post_menu(client, labels={elsewhere: ""}, html=page)
    assert response.status_code == 422
    assert "Give the link a label" in text(response)
    assert f'aria-describedby="label-{elsewhere}-error"' in text(response)
    response = post_menu(client, labels={about: "y" * 101})
    assert response.status_code == 422
    assert "at most 100 characters" in text(response)
    assert header_menu(client)[-1] == "Elsewhere"


def test_a_posted_order_reorders_as_drag_and_drop_sends_it(client, auth, pages):
    auth.login()
    page = text(client.get(MENUS))
    order = [place_of(page, name) for name in ("Reading", "Home", "Contact", "About")]
    response = post_menu(client, order=order, headers=HX, html=page)
    assert response.status_code == 200
    assert header_menu(client) == ["Reading", "Home", "Contact", "About"]


def test_a_post_about_another_version_of_the_menu_is_refused(app, client, auth, pages):
    auth.login()
    page = text(client.get(MENUS))
    add_item(client, "home", label="Start")  # someone saves meanwhile
    response = post_menu(client, f"remove:{place_of(page, 'About')}", html=page)
    assert response.status_code == 409
    assert "The menu changed since this page was shown" in text(response)
    assert "About" in header_menu(client)


def test_a_form_that_does_not_describe_the_menu_is_refused(client, auth, pages):
    auth.login()
    page = text(client.get(MENUS))
    fields = editor_fields(page)
    data = [pair for pair in fields if pair[0] in ("csrf_token", "revision")]
    data += [("item", "0"), ("depth", "0"), ("label", ""), ("action", "save")]
    assert client.post(MENUS, data=MultiDict(data)).status_code == 400
    assert post_menu(client, "up:77").status_code == 400
    assert post_menu(client, "explode:0").status_code == 400


def test_removing_an_item_keeps_its_sub_items(client, auth, pages):
    auth.login()
    post_menu(client, f"in:{place_of(text(client.get(MENUS)), 'Contact')}")
    assert header_menu(client) == ["Home", "About", "> Contact", "Reading"]
    post_menu(client, f"remove:{place_of(text(client.get(MENUS)), 'About')}")
    assert header_menu(client) == ["Home", "Contact", "Reading"]


def test_the_menu_holds_at_most_200_items(app, client, auth, pages):
    auth.login()
    with app.app_context():
        from dreamweaver import settings

        settings.save("menu", {"menu_items": [
            {"kind": "custom", "url": f"https://example.org/{n}", "label": f"Link {n}",
             "children": []} for n in range(200)]})
        db.session.commit()
    response = add_item(client, "home")
    assert response.status_code == 422
    assert "at most 200 items" in text(response)


def test_the_automatic_menu_comes_back_and_every_change_is_in_the_history(app, client, auth,
                                                                       pages):
    auth.login()
    post_menu(client, f"remove:{place_of(text(client.get(MENUS)), 'Contact')}")
    assert header_menu(client) == ["Home", "About", "Reading"]
    assert "Use the automatic menu" in text(client.get(MENUS))
    response = client.post(RESET, data={"csrf_token": csrf_token(client, MENUS)})
    assert response.status_code == 303
    assert saved(app) is None
    assert header_menu(client) == ["Home", "About", "Contact", "Reading"]
    history = text(client.get("/admin/settings/history/"))
    assert history.count("<h2 id=\"change-") == 2
    assert "Automatic: Home and every published page" in history
    assert "Home · About · Reading" in history
    # Put back the menu as it was before the reset.
    with app.app_context():
        reset = db.session.scalars(sa.select(SettingsChange).order_by(
            SettingsChange.id.desc())).first()
        assert reset.name == "menu"
        change_id = reset.id
    response = client.post(f"/admin/settings/history/{change_id}/restore",
                           data={"csrf_token": csrf_token(client, "/admin/settings/history/")})
    assert response.status_code == 303
    assert "Menu put back as it was before change" in text(
        client.get(response.headers["Location"]))
    assert header_menu(client) == ["Home", "About", "Reading"]
