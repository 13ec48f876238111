"""Found by a hostile review of the settings, menu and widget screens: each
input below once did something it should not (a 500, a silent overwrite, a
placeholder around the sanitizer); each test pins the fix."""

import re

import sqlalchemy as sa

from dreamweaver import settings
from dreamweaver.extensions import db
from dreamweaver.models import SettingsChange
from tests.support.auth import csrf_token
from tests.support.menus import MENUS, add_item, post_menu
from tests.support.paths import FIXTURES
from tests.support.responses import text
from tests.support.site_settings import SETTINGS, form_fields, save_settings
from tests.support.widgets import WIDGETS, page_forms, set_sidebar, stored


def changes(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(SettingsChange.id)))


def test_a_title_of_spaces_or_control_characters_is_no_title(app, client, auth):
    auth.login()
    for title in ("   ", "\x01\x02"):
        response = save_settings(client, site_title=title)
        assert response.status_code == 422
        assert "Enter a title for the site." in text(response)
    assert changes(app) == 0


def test_footer_placeholders_stay_out_of_tags(app, client, auth):
    auth.login()
    response = save_settings(client, site_title="javascript:alert(1)",
                             footer_text='<a href="{title}">home</a> {year}')
    assert response.status_code == 422
    assert "not inside a link" in text(response)
    assert changes(app) == 0
    assert save_settings(client, footer_text='{title}, <a href="https://example.org/">us</a>'
                         ).status_code == 303


def test_a_settings_page_from_before_someone_elses_save_is_refused(app, client, auth):
    auth.login()
    shown = form_fields(text(client.get(SETTINGS)))
    save_settings(client, moderation_keys="poker")
    response = client.post(SETTINGS, data={**shown, "site_title": "From an Old Tab"})
    assert response.status_code == 409
    assert "changed meanwhile" in text(response)
    assert 'value="Psychedelic Dreamweaver"' in text(response)  # as it is now
    with app.app_context():
        site = settings.current()
        assert site.moderation_keys == "poker" and site.site_title == "Psychedelic Dreamweaver"


def test_zone_database_placeholders_are_not_timezones(client, auth):
    auth.login()
    for zone in ("localtime", "Factory", "posixrules"):
        assert save_settings(client, site_timezone=zone).status_code == 422


def test_an_origin_of_null_is_another_origin(client, auth):
    auth.login()
    fields = form_fields(text(client.get(SETTINGS)))
    assert client.post(SETTINGS, data=fields, headers={"Origin": "null"}).status_code == 403


def test_menu_numbers_are_ascii_digits(app, client, auth, make):
    make.post("About", kind="page")
    auth.login()
    for action in ("up:\u00b2", "down:\u0661"):
        assert post_menu(client, action).status_code == 400
    for kind in ("page", "category"):
        response = add_item(client, kind, **{kind: "\u00b2"})
        assert response.status_code == 422
    assert changes(app) == 0


def test_a_menu_link_with_a_user_name_is_refused(app, client, auth):
    auth.login()
    response = add_item(client, "custom", url="https://user:pass@example.org/", label="Us")
    assert response.status_code == 422
    assert "user name or password" in text(response)


def test_an_import_with_an_unreadable_menu_address_leaves_that_item_out(app, runner, tmp_path):
    xml = (FIXTURES / "wxr" / "menus.xml").read_text(encoding="utf-8")
    broken = tmp_path / "menus.xml"
    url = "<wp:meta_value><![CDATA[https://menus.example.org/]]></wp:meta_value>"
    assert url in xml
    broken.write_text(xml.replace(url, url.replace("https://menus.example.org/", "http://[oops/")),
                      encoding="utf-8")
    result = runner.invoke(args=["import-wxr", str(broken)])
    assert result.exit_code == 0, result.output
    assert "'http://[oops/' is not a web address; left out" in result.output
    with app.app_context():
        assert settings.current().menu_items


def test_options_for_a_widget_removed_meanwhile_say_so(app, client, auth):
    auth.login()
    set_sidebar(app, {"type": "search"}, {"type": "archives"})
    fields = page_forms(text(client.get(WIDGETS)))["/admin/widgets/2/"]
    set_sidebar(app, {"type": "search"})
    response = client.post("/admin/widgets/2/", data=fields)
    assert response.status_code == 409
    assert "changed meanwhile" in text(response)
    assert [widget["type"] for widget in stored(app)] == ["search"]
    assert csrf_token(client, MENUS)
    assert re.search(r"search", text(client.get("/")))


def test_a_saved_menu_links_the_static_front_page_where_it_is_shown(app, client, make):
    from dreamweaver.menus import tree
    about = make.post("About Us", kind="page")
    with app.app_context():
        settings.save("reading", {"show_on_front": "page", "page_on_front": about.id})
        settings.save("menu", {"menu_items": [tree.item("page", about.id)]})
        db.session.commit()
    menu = re.search(r'<ul class="menu" id="primary-menu">.*?</ul>', text(client.get("/")),
                     re.S)[0]
    assert '<a href="/" aria-current="page">About Us</a>' in menu
