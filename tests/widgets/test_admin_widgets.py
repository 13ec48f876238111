"""/admin/widgets/: administrators add, configure, reorder, remove and reset
the sidebar's widgets, with and without htmx; a mistake is a 422 in place
with nothing saved; every change is in the settings history."""

import re

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import SettingsChange
from dreamweaver.widgets.kinds import MAX_WIDGETS, default_widgets
from tests.support.auth import csrf_token
from tests.support.responses import section, text
from tests.support.widgets import HTMX, WIDGETS, page_forms, set_sidebar, stored, submit


def kinds(app) -> list[str]:
    return [widget["type"] for widget in stored(app)]


def changes(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(SettingsChange))


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(WIDGETS)
    assert response.status_code in (302, 303) and "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["editor", "author"])
def test_only_administrators_see_or_change_widgets(app, client, auth, role):
    auth.login(f"an-{role}", role)
    assert client.get(WIDGETS).status_code == 403
    response = client.post(WIDGETS, data={"csrf_token": csrf_token(client, "/admin/"),
                                          "type": "search"})
    assert response.status_code == 403
    assert ">Widgets</a>" not in text(client.get("/admin/"))
    assert kinds(app) == [w["type"] for w in default_widgets()]


def test_the_screen_lists_the_default_widgets_in_order(client, auth):
    auth.login()
    page = text(client.get(WIDGETS))
    assert '<a href="/admin/widgets/" aria-current="page">Widgets</a>' in page
    assert re.findall(r'<h2 id="widget-\d-heading">([^<:]+)', page) == [
        "Recent Posts", "Recent Comments", "Archives", "Categories"]
    forms = page_forms(page)
    assert forms["/admin/widgets/1/"]["widget-1-number"] == "5"
    assert forms["/admin/widgets/4/"]["widget-4-display"] == "top"
    assert '<label for="widget-1-number">Number of posts to show</label>' in page
    assert 'max="20"' in page and 'min="1"' in page
    assert '<option value="tag-cloud">Tag Cloud</option>' in page
    assert "Reset to the default widgets</button>" in page


def test_add_a_widget_without_htmx(app, client, auth, make):
    auth.login()
    response = submit(client, WIDGETS, type="tag-cloud")
    assert response.status_code == 303 and response.headers["Location"].endswith(WIDGETS)
    assert kinds(app)[-1] == "tag-cloud" and len(kinds(app)) == 5
    assert "Tag Cloud widget added" in text(client.get(WIDGETS))
    make.post("Tagged", tags=[make.tag("calm")])
    assert 'href="/tag/calm/"' in section(client.get("/"), "tag-cloud")


def test_add_a_widget_with_htmx_swaps_the_editor(app, client, auth):
    auth.login()
    response = submit(client, WIDGETS, htmx=True, type="text")
    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<div id="widgets-editor"') and "<html" not in body
    assert "Text widget added" in body
    assert '<h2 id="widget-5-heading">Text</h2>' in body
    assert kinds(app)[-1] == "text"


def test_configure_a_widget(app, client, auth, make):
    auth.login()
    for n in range(3):
        make.post(f"Post number {n}")
    response = submit(client, "/admin/widgets/1/", **{"widget-1-number": "2",
                                                      "widget-1-title": "Fresh"})
    assert response.status_code == 303
    assert stored(app)[0] == {"type": "recent-posts", "title": "Fresh", "number": 2}
    widget = section(client.get("/"), "recent-posts")
    assert ">Fresh</h2>" in widget and widget.count("<li>") == 2


def test_configure_with_htmx_and_tick_boxes(app, client, auth):
    auth.login()
    response = submit(client, "/admin/widgets/3/", htmx=True,
                      **{"widget-3-dropdown": "y", "widget-3-count": "y"})
    assert response.status_code == 200 and "Archives widget saved." in text(response)
    assert stored(app)[2] == {"type": "archives", "title": "Archives", "dropdown": True,
                              "count": True}
    submit(client, "/admin/widgets/3/", **{"widget-3-dropdown": None})
    assert stored(app)[2]["dropdown"] is False


def test_text_widget_is_rendered_from_markdown_and_sanitized(app, client, auth):
    auth.login()
    submit(client, WIDGETS, type="text")
    source = ("Hello **there**, see [the FAQ](https://example.org/faq).\n\n"
              "<script>alert(1)</script><p onclick=\"steal()\">Safe words</p>")
    response = submit(client, "/admin/widgets/5/", **{"widget-5-title": "About",
                                                      "widget-5-text": source})
    assert response.status_code == 303
    saved = stored(app)[4]
    assert saved["text"] == source
    assert "<script" not in saved["html"] and "onclick" not in saved["html"]
    widget = section(client.get("/"), "text")
    assert "<strong>there</strong>" in widget
    assert '<a href="https://example.org/faq"' in widget
    # As in a post: the script element goes (its text stays inert), so do handlers.
    assert "<p>Safe words</p>" in widget
    assert "<script" not in widget and "onclick" not in widget
    # The editor shows the source again, to change it.
    assert "**there**" in text(client.get(WIDGETS))


def test_two_text_widgets(app, client, auth):
    auth.login()
    submit(client, WIDGETS, type="text")
    submit(client, WIDGETS, type="text")
    submit(client, "/admin/widgets/5/", **{"widget-5-text": "First note"})
    submit(client, "/admin/widgets/6/", **{"widget-6-text": "Second note"})
    home = client.get("/")
    assert "First note" in section(home, "text") and "Second note" in section(home, "text-2")
    assert 'aria-label="Text"' in section(home, "text")  # no title: named by its kind


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_move_up_and_down(app, client, auth, htmx):
    auth.login()
    response = submit(client, "/admin/widgets/3/move", htmx=htmx, button=("direction", "up"))
    assert response.status_code == (200 if htmx else 303)
    assert kinds(app) == ["recent-posts", "archives", "recent-comments", "categories"]
    submit(client, "/admin/widgets/1/move", htmx=htmx, button=("direction", "down"))
    assert kinds(app) == ["archives", "recent-posts", "recent-comments", "categories"]
    sidebar = text(client.get("/"))
    assert sidebar.index("widget-archives") < sidebar.index("widget-recent-posts")


def test_first_cannot_move_up(app, client, auth):
    auth.login()
    page = text(client.get(WIDGETS))
    assert re.search(r'value="up" disabled>Up', page)
    response = submit(client, "/admin/widgets/1/move", button=("direction", "up"))
    assert response.status_code == 422 and "cannot move further" in text(response)
    assert changes(app) == 0


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_remove(app, client, auth, htmx):
    auth.login()
    response = submit(client, "/admin/widgets/2/remove", htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    assert kinds(app) == ["recent-posts", "archives", "categories"]
    assert 'id="recent-comments"' not in text(client.get("/"))


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_reset_to_the_defaults(app, client, auth, htmx):
    auth.login()
    set_sidebar(app, {"type": "search"})
    response = submit(client, "/admin/widgets/reset", htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    assert stored(app) == default_widgets()
    again = submit(client, "/admin/widgets/reset", htmx=True)
    assert "Nothing changed" in text(again)


@pytest.mark.parametrize(("action", "field", "value", "message"), [
    ("/admin/widgets/1/", "widget-1-number", "0", "Enter a number of posts from 1 to 20."),
    ("/admin/widgets/1/", "widget-1-number", "21", "Enter a number of posts from 1 to 20."),
    ("/admin/widgets/1/", "widget-1-number", "five", "Enter a number of posts from 1 to 20."),
    ("/admin/widgets/2/", "widget-2-number", "-1", "Enter a number of comments from 1 to 20."),
    ("/admin/widgets/1/", "widget-1-title", "x" * 101, "A title is at most 100 characters long."),
    ("/admin/widgets/4/", "widget-4-display", "cloud", "Choose how to display the categories."),
    ("/admin/widgets/4/", "widget-4-number", "51",
     "Enter a number of categories from 1 to 50."),
], ids=["zero", "too-many", "words", "negative", "long-title", "display", "top-n"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bad_options_are_422_in_place_and_nothing_saved(app, client, auth, action, field,
                                                        value, message, htmx):
    auth.login()
    response = submit(client, action, htmx=htmx, **{field: value})
    assert response.status_code == 422
    body = text(response)
    assert f'<span class="field-error" id="{field}-error">{message}</span>' in body
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', body) or \
        re.search(rf'aria-invalid="true"[^>]*id="{field}"', body)
    assert "Nothing was saved" in body
    assert body.startswith('<div id="widgets-editor"') == htmx
    assert stored(app) == default_widgets() and changes(app) == 0


def test_oversized_text_is_refused(app, client, auth):
    auth.login()
    submit(client, WIDGETS, type="text")
    before = stored(app)
    response = submit(client, "/admin/widgets/5/", **{"widget-5-text": "word " * 2001})
    assert response.status_code == 422
    assert "The text is at most 10,000 characters." in text(response)
    assert stored(app) == before


def test_unknown_kind_is_refused(app, client, auth):
    auth.login()
    response = submit(client, WIDGETS, htmx=True, type="calendar")
    assert response.status_code == 422
    assert "Choose a kind of widget from the list." in text(response)
    assert changes(app) == 0


def test_no_more_than_the_limit(app, client, auth):
    auth.login()
    set_sidebar(app, *[{"type": "search"}] * MAX_WIDGETS)
    response = submit(client, WIDGETS, type="search")
    assert response.status_code == 422
    assert f"at most {MAX_WIDGETS} widgets" in text(response)
    assert len(stored(app)) == MAX_WIDGETS


def test_a_form_from_before_another_change_is_refused(app, client, auth):
    auth.login()
    fields = page_forms(text(client.get(WIDGETS)))["/admin/widgets/2/remove"]
    set_sidebar(app, {"type": "search"}, {"type": "recent-comments"}, {"type": "archives"})
    response = client.post("/admin/widgets/2/remove", data=fields, headers=HTMX)
    assert response.status_code == 409
    assert "changed meanwhile" in text(response)
    assert len(stored(app)) == 3


def test_history_lists_a_widget_change_and_puts_it_back(app, client, auth):
    auth.login()
    submit(client, WIDGETS, type="tag-cloud")
    history = text(client.get("/admin/settings/history/"))
    assert ">Widgets" in history
    assert "<tr><th scope=\"row\">Number of widgets</th><td>4</td><td>5</td></tr>" in history
    assert "Tag Cloud (Title: Tags; Number of tags to show: 45; Show tag counts: No)" in history
    change = re.search(r'action="(/admin/settings/history/\d+/restore)"', history).group(1)
    client.post(change, data={"csrf_token": csrf_token(client, "/admin/settings/history/")})
    assert stored(app) == default_widgets()
