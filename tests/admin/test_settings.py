"""Settings in /admin: who may change them, General's fields and their checks,
nothing half-saved, the defaults reproducing configuration, and the change
reaching every page at once."""

import re

import pytest
import sqlalchemy as sa

from dreamweaver import create_app, settings
from dreamweaver.extensions import db
from dreamweaver.models import SettingsChange, SiteSetting
from tests.support.auth import csrf_token
from tests.support.factories import empty_database
from tests.support.responses import text
from tests.support.settings import TEST_SETTINGS
from tests.support.site_settings import SETTINGS, form_fields, save_settings

HX = {"HX-Request": "true"}


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(SETTINGS)
    assert response.status_code in (302, 303)
    assert "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["editor", "author"])
def test_only_administrators_see_or_change_settings(client, auth, role):
    auth.login(f"an-{role}", role)
    assert client.get(SETTINGS).status_code == 403
    response = client.post(SETTINGS, data={"csrf_token": csrf_token(client, "/admin/"),
                                           "site_title": "Taken Over"})
    assert response.status_code == 403
    assert "Settings" not in re.findall(r'<nav class="admin-nav".*?</nav>',
                                        text(client.get("/admin/")), re.S)[0]


def test_the_form_shows_the_configured_values_with_the_designs_labels(client, auth):
    auth.login()
    page = text(client.get(SETTINGS))
    for label in ("Site title", "Tagline", "Timezone", "Date format", "Time format",
                  "Footer text"):
        assert f">{label}</label>" in page
    fields = form_fields(page)
    assert fields["site_title"] == "Psychedelic Dreamweaver"
    assert fields["site_tagline"] == "All about psychedelics and how they can work for you."
    assert fields["site_timezone"] == "UTC"
    assert fields["date_format"] == "F j, Y"
    assert fields["time_format"] == "g:i a"


def test_a_new_title_and_tagline_show_on_every_page_at_once(app, client, auth, make):
    make.post("Breathing Slowly")
    auth.login()
    client.get("/")
    response = save_settings(client, site_title="The Quiet Mind", site_tagline="Notes & more")
    assert response.status_code == 303
    assert "Settings saved." in text(client.get(response.headers["Location"]))
    home = text(client.get("/"))
    assert '<a href="/" rel="home">The Quiet Mind</a>' in home
    assert "Notes &amp; more" in home
    assert "<title>The Quiet Mind \u2013 Notes &amp; more</title>" in home
    assert "<title>The Quiet Mind</title>" in text(client.get("/feed/"))


def test_date_formats_change_how_dates_read(app, client, auth, make):
    from datetime import UTC, datetime
    make.post("Dated", published_at=datetime(2024, 3, 5, 15, 4, tzinfo=UTC))
    auth.login()
    assert "March 5, 2024" in text(client.get("/"))
    save_settings(client, date_format="l, jS \\o\\f F Y")
    assert "Tuesday, 5th of March 2024" in text(client.get("/"))


def test_footer_text_keeps_links_and_drops_scripts(client, auth):
    auth.login()
    save_settings(client, footer_text='&copy; {year} {title} <a href="https://example.org/">Us</a>'
                                      '<script>alert(1)</script>')
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', text(client.get("/")),
                       re.S).group(1)
    assert "Psychedelic Dreamweaver" in footer and "{title}" not in footer
    assert '<a href="https://example.org/"' in footer
    assert "<script" not in footer


@pytest.mark.parametrize(("field", "value", "message"), [
    ("site_title", "", "Enter a title for the site."),
    ("site_title", "x" * 201, "at most 200 characters"),
    ("site_timezone", "Mars/Olympus_Mons", "Choose a timezone from the list"),
    ("date_format", "*** ***", "shows no part of the date"),
    ("date_format", "F j, Y\\", "A backslash must be followed"),
    ("time_format", "", "Enter a format"),
    ("footer_text", "y" * 1001, "at most 1000 characters"),
])
def test_bad_values_are_refused_in_place_and_nothing_is_saved(app, client, auth, field, value,
                                                              message):
    auth.login()
    response = save_settings(client, site_tagline="Changed too", **{field: value})
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert "Nothing was saved" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SiteSetting)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SettingsChange)) == 0


def test_htmx_swaps_the_form_with_its_message(client, auth):
    auth.login()
    response = save_settings(client, headers=HX, site_title="Swapped In")
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith("<form")
    assert "Settings saved." in page
    refused = save_settings(client, headers=HX, site_title="")
    assert refused.status_code == 422 and "Enter a title for the site." in text(refused)


def test_a_form_from_another_site_is_refused(app, client, auth):
    auth.login()
    fields = form_fields(text(client.get(SETTINGS)))
    fields["site_title"] = "Defaced"
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        assert client.post(SETTINGS, data=fields, headers=headers).status_code == 403
    del fields["csrf_token"]
    assert client.post(SETTINGS, data=fields).status_code == 400
    with app.app_context():
        assert settings.current().site_title == "Psychedelic Dreamweaver"


def test_saving_unchanged_settings_records_nothing(app, client, auth):
    auth.login()
    response = save_settings(client)
    assert "Nothing changed" in text(client.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SettingsChange)) == 0


def test_configuration_is_the_first_run_default_until_saved(database_uri, _migrated):
    """A config key that became a setting still sets the value of a site whose
    owner has not saved that group; once saved, the saved value counts."""
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri,
                      "SITE_TITLE": "From Config"})
    try:
        with app.app_context():
            assert settings.current().site_title == "From Config"
            settings.save("general", {"site_title": "Saved"})
            db.session.commit()
            assert settings.current().site_title == "Saved"
            assert settings.current().site_tagline == app.config["SITE_TAGLINE"]
    finally:
        empty_database(app)


def test_a_change_is_recorded_and_can_be_put_back(app, client, auth):
    owner = auth.login()
    save_settings(client, site_title="Second Title")
    save_settings(client, site_title="Third Title", date_format="Y-m-d")
    history = text(client.get("/admin/settings/history/"))
    assert history.count('class="admin-panel settings-change"') == 2
    assert "Third Title" in history and "Y-m-d" in history and owner.display_name in history
    with app.app_context():
        first, second = db.session.scalars(sa.select(SettingsChange).order_by(SettingsChange.id))
        assert first.before["site_title"] == "Psychedelic Dreamweaver"
        assert second.after == {**second.before, "site_title": "Third Title",
                                "date_format": "Y-m-d"}
    token = csrf_token(client, "/admin/settings/history/")
    response = client.post(f"/admin/settings/history/{first.id}/restore",
                           data={"csrf_token": token})
    assert response.status_code == 303
    assert "General put back" in text(client.get(response.headers["Location"]))
    assert '<a href="/" rel="home">Psychedelic Dreamweaver</a>' in text(client.get("/"))
    with app.app_context():
        last = db.session.scalars(
            sa.select(SettingsChange).order_by(SettingsChange.id.desc())).first()
        assert last.restored_from == first.id and last.after["date_format"] == "F j, Y"
    assert client.post("/admin/settings/history/999999/restore",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/settings/history/{first.id}/restore").status_code == 400


def test_settings_are_read_again_only_after_they_change(app, client, make):
    """Settings are read once per settings generation: a new post moves the
    content generation, not theirs, so pages after it do not read them again."""
    statements = []
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute",
                    lambda _conn, _cursor, statement, *_: statements.append(statement))
    reads = lambda: sum("FROM site_settings" in statement for statement in statements)  # noqa: E731
    make.post("First")
    client.get("/")
    assert reads() == 1
    make.post("Second")
    assert "Second" in text(client.get("/"))
    assert reads() == 1
    with app.app_context():
        settings.save("general", {"site_title": "Reloaded"})
        db.session.commit()
    statements.clear()
    assert "Reloaded" in text(client.get("/"))
    assert reads() == 1


def test_the_export_names_the_site_as_saved(app, runner, tmp_path):
    with app.app_context():
        settings.save("general", {"site_title": "Exported & Named", "site_tagline": "As set"})
        db.session.commit()
    result = runner.invoke(args=["export-wxr", str(tmp_path / "site.xml")])
    assert result.exit_code == 0, result.output
    head = (tmp_path / "site.xml").read_text(encoding="utf-8")[:2000]
    assert "<title>Exported &amp; Named</title>" in head
    assert "<description>As set</description>" in head


def test_mail_is_signed_with_the_saved_title(app, smtp):
    from dreamweaver.mail import outbox
    with app.app_context():
        settings.save("general", {"site_title": "Signed Site"})
        outbox.queue("reader@example.org", "Hello", "test_message", kind="test",
                     sender_name="Owner")
        db.session.commit()
    [message] = smtp.wait_for(1)
    assert "Signed Site" in message["From"]


def test_a_post_that_names_some_fields_leaves_the_others_as_they_are(app, client, auth):
    """A script may send only what it changes (a browser sends every field)."""
    auth.login()
    save_settings(client, date_format="Y-m-d")
    response = client.post(SETTINGS, data={"csrf_token": csrf_token(client, SETTINGS),
                                           "site_title": "Only the Title"})
    assert response.status_code == 303
    with app.app_context():
        site = settings.current()
        assert site.site_title == "Only the Title" and site.date_format == "Y-m-d"
        assert site.site_tagline == app.config["SITE_TAGLINE"]
