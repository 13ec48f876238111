"""A setting changed in /admin through one worker shows at once on another,
each with its own in-process caches (page cache and settings), as gunicorn's
workers have them: the settings and content generations in the database are
all they share."""

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest

from tests.support.servers import Server
from tests.support.site_settings import form_fields

PASSWORD = "correct horse battery"


@pytest.fixture
def workers(app, database_uri):
    env = {"FLASK_SQLALCHEMY_DATABASE_URI": database_uri, "FLASK_SECRET_KEY": "two-workers-key",
           "FLASK_RATELIMIT_ENABLED": "false", "FLASK_TASKS_INLINE": "true",
           "FLASK_COMMENT_MIN_SECONDS": "0", "FLASK_COMMENT_FLOOD_SECONDS": "0"}
    one, two = Server(env), Server(env)
    yield one, two
    one.stop()
    two.stop()


class Browser:
    """A client with a cookie jar that follows redirects, as a browser would."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict) -> str:
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + path, data=urllib.parse.urlencode(fields).encode(),
            headers={"Origin": self.base})
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()

    def sign_in(self, login: str) -> None:
        fields = form_fields(self.get("/admin/login"))
        self.post("/admin/login", {**fields, "username": login, "password": PASSWORD})

    def save_settings(self, **changes) -> str:
        """As tests/support/site_settings.save_settings: None unticks a box."""
        fields = form_fields(self.get("/admin/settings/"))
        changes = {name: "" if value is None else value for name, value in changes.items()}
        return self.post("/admin/settings/", {**fields, **changes})


def form_with(page: str, action: str, holding: str = "") -> dict:
    """The fields of the page's form that posts to `action` (and holds `holding`)."""
    for match in re.finditer(r"<form\b.*?</form>", page, re.S):
        form = match.group(0)
        if f'action="{action}"' in form and holding in form:
            return form_fields(form)
    raise AssertionError(f"no form posting to {action} holding {holding!r}")


def site_title(page: str) -> str:
    return re.search(r'<a href="/" rel="home">([^<]*)</a>', page)[1]


def test_a_title_saved_through_one_worker_shows_on_the_other_at_once(make, workers):
    one, two = workers
    make.post("Held in Both Caches")
    make.account("owner", "administrator", PASSWORD)
    for worker in (one, two):
        worker.request("GET", "/")
        status, headers, page = worker.request("GET", "/")
        assert headers["X-Cache"] == "hit" and site_title(page) == "Psychedelic Dreamweaver"
    owner = Browser(one.port)
    owner.sign_in("owner")
    assert "Settings saved." in owner.save_settings(site_title="Seen Everywhere")
    status, headers, page = two.request("GET", "/")
    assert headers["X-Cache"] == "miss" and site_title(page) == "Seen Everywhere"
    assert site_title(one.request("GET", "/")[2]) == "Seen Everywhere"
    # Put back from the history through worker two: worker one shows the old title.
    history = Browser(two.port)
    history.sign_in("owner")
    page = history.get("/admin/settings/history/")
    action = re.search(r'action="(/admin/settings/history/\d+/restore)"', page)[1]
    history.post(action, form_fields(page))
    assert site_title(one.request("GET", "/")[2]) == "Psychedelic Dreamweaver"


def comment(worker, path: str, text: str) -> int:
    from urllib.parse import urlencode

    from tests.support.servers import SAME_ORIGIN
    _, _, page = worker.request("GET", path)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    body = urlencode({"comment": text, "author": "Worker Reader", "email": "reader@example.org",
                      "url": "", "comment_parent": "0", "csrf_token": token})
    return worker.request("POST", path + "comments/", body, SAME_ORIGIN)[0]


def test_reading_discussion_menu_and_widgets_changed_on_one_show_on_the_other(make, workers):
    """Posts per page, the moderation words, the menu and the sidebar, each
    saved through worker one's /admin, are in force on worker two at once."""
    from datetime import UTC, datetime, timedelta
    one, two = workers
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(4):
        make.post(f"Listed {n}", published_at=start + timedelta(days=n))
    make.account("owner", "administrator", PASSWORD)
    for worker in (one, two):
        worker.request("GET", "/")
        assert worker.request("GET", "/")[1]["X-Cache"] == "hit"
    owner = Browser(one.port)
    owner.sign_in("owner")

    owner.save_settings(posts_per_page="2", moderation_keys="pineapple",
                        comment_previously_approved=None)
    home = two.request("GET", "/")[2]
    assert home.count('class="entry-title"') == 2
    path = re.search(r'<h2 class="entry-title"><a href="(?:https?://[^/]+)?(/\d{4}/[^"]+)"',
                     home)[1]
    assert comment(two, path, "A plain hello.") == 303
    assert comment(two, path, "A pineapple on the windowsill.") == 303
    thread = one.request("GET", path)[2]
    assert "A plain hello." in thread and "pineapple on the windowsill" not in thread  # held

    page = owner.get("/admin/menus/")
    fields = form_with(page, "/admin/menus/items/", 'value="custom"')
    owner.post("/admin/menus/items/", {**fields, "url": "https://example.org/elsewhere",
                                        "label": "Elsewhere"})
    header = two.request("GET", "/")[2]
    assert '<a href="https://example.org/elsewhere">Elsewhere</a>' in header

    page = owner.get("/admin/widgets/")
    owner.post("/admin/widgets/", {**form_with(page, "/admin/widgets/", 'name="type"'),
                                   "type": "tag-cloud"})
    sidebar = two.request("GET", "/")[2]
    assert '<section class="widget widget-tag-cloud"' in sidebar
