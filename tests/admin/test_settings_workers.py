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
           "FLASK_RATELIMIT_ENABLED": "false", "FLASK_TASKS_INLINE": "true"}
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
        fields = form_fields(self.get("/admin/settings/"))
        return self.post("/admin/settings/", {**fields, **changes})


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
