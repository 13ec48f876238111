"""WordPress menus in and out: `import-wxr` makes the header menu from a
file's nav_menu_item items (tests/fixtures/wxr/menus.xml has WordPress's
shape: several menus, entries three deep, every kind of entry), again
without change; `export-wxr` writes the menu as WordPress does, and the file
imports back to the same menu."""

import sqlalchemy as sa
from defusedxml.ElementTree import parse

from dreamweaver import settings
from dreamweaver.extensions import db
from dreamweaver.models import Category, Post, SettingsChange, Tag
from tests.support.factories import empty_database
from tests.support.menus import header_menu
from tests.support.paths import FIXTURES

MENUS_XML = FIXTURES / "wxr" / "menus.xml"
WP = "{http://wordpress.org/export/1.2/}"


def run(runner, *args):
    result = runner.invoke(args=list(map(str, args)))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def menu(app):
    with app.app_context():
        return settings.current().menu_items


def ids(app):
    with app.app_context():
        def one(model, **where):
            return db.session.scalar(sa.select(model.id).filter_by(**where))
        return {"about": one(Post, slug="about"), "team": one(Post, slug="team"),
                "history": one(Post, slug="history"), "post": one(Post, slug="first-steps"),
                "guides": one(Category, slug="guides"), "breathing": one(Tag, slug="breathing")}


def test_import_makes_the_largest_menu_the_header_menu(app, client, runner):
    output = run(runner, "import-wxr", MENUS_XML)
    made = ids(app)
    assert menu(app) == [
        {"kind": "home", "label": "", "children": []},
        {"kind": "page", "target": made["about"], "label": "", "children": [
            {"kind": "page", "target": made["team"], "label": "Our Team", "children": []},
            # Three deep in WordPress: under its top-level ancestor here.
            {"kind": "page", "target": made["history"], "label": "", "children": []}]},
        {"kind": "category", "target": made["guides"], "label": "", "children": [
            {"kind": "tag", "target": made["breathing"], "label": "Breath", "children": []}]},
        {"kind": "custom", "url": "https://wordpress.org/", "label": "WordPress",
         "children": []},
        # Under a "#" placeholder, which this site cannot link: in its place.
        {"kind": "post", "target": made["post"], "label": "", "children": []},
    ]
    assert "the header shows “Main Menu” (9 items), the one with the most items" in output
    assert "“Footer” (2)" in output and "“Empty Menu” (0)" in output
    assert "'#' is not an http(s) address; left out" in output
    assert "menu: 8 item(s) from “Main Menu” now make the header menu" in output
    assert header_menu(client) == ["Home", "About", "> Our Team", "> History", "Guides",
                                   "> Breath", "WordPress", "First Steps"]


def test_import_again_changes_nothing(app, runner):
    run(runner, "import-wxr", MENUS_XML)
    first = menu(app)
    output = run(runner, "import-wxr", MENUS_XML)
    assert "already made the header menu" in output
    assert menu(app) == first
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SettingsChange.id)).where(
            SettingsChange.name == "menu")) == 1


def test_a_file_without_menus_leaves_the_menu_alone(app, runner):
    run(runner, "import-wxr", FIXTURES / "wxr" / "site-1.2.xml")
    assert menu(app) is None


def test_export_writes_the_menu_as_wordpress_does_and_it_imports_back(app, client, runner,
                                                                       tmp_path):
    run(runner, "import-wxr", MENUS_XML)
    with app.app_context():  # a label with XML's special characters, and a custom link
        items = settings.current().menu_items
        items[0]["label"] = "Start & <more>"
        settings.save("menu", {"menu_items": items})
        db.session.commit()
    before, shown = menu(app), header_menu(client)
    path = tmp_path / "site.xml"
    output = run(runner, "export-wxr", path)
    assert "8 menu items" in output
    channel = parse(path).getroot().find("channel")
    terms = [t for t in channel.findall(f"{WP}term")
             if t.find(f"{WP}term_taxonomy").text == "nav_menu"]
    assert len(terms) == 1
    # WordPress's importer maps every taxonomy's term ids in one table.
    term_ids = {int(t.find(f"{WP}term_id").text)
                for t in (*channel.findall(f"{WP}category"), *channel.findall(f"{WP}tag"))}
    assert int(terms[0].find(f"{WP}term_id").text) not in term_ids
    entries = [i for i in channel.findall("item")
               if i.find(f"{WP}post_type").text == "nav_menu_item"]
    assert len(entries) == 8
    post_ids = [int(i.find(f"{WP}post_id").text) for i in channel.findall("item")]
    assert len(post_ids) == len(set(post_ids))  # no entry takes a post's id
    meta = {m.find(f"{WP}meta_key").text: m.find(f"{WP}meta_value").text
            for m in entries[1].findall(f"{WP}postmeta")}
    assert meta["_menu_item_type"] == "post_type" and meta["_menu_item_object"] == "page"
    assert entries[0].find("title").text == "Start & <more>"
    assert entries[0].find("category").get("domain") == "nav_menu"
    empty_database(app)
    run(runner, "import-wxr", path)
    again = ids(app)
    after = menu(app)
    assert shape(after) == shape(before)  # targets by the ids this import gave them
    assert after[1]["target"] == again["about"]
    assert after[2]["children"][0]["target"] == again["breathing"]
    assert header_menu(client) == shown


def shape(items):
    return [(one["kind"], one["label"], one.get("url"),
             [(child["kind"], child["label"]) for child in one["children"]]) for one in items]
