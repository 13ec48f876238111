"""A live server with the demo site, and Debian's chromium driven by Playwright."""

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.demo import load_demo
from dreamweaver.extensions import db
from dreamweaver.models import SiteSetting, User
from tests.support.browser import PASSWORD, serving
from tests.support.settings import TEST_SETTINGS
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / ".cache/node/node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "tests/browser/artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app behind the live server, with the demo site loaded."""
    folder = tmp_path_factory.mktemp("browser")
    database = folder / "site.sqlite"
    # Uploads go to the run's own folder, never the checkout's instance/media.
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "MEDIA_STORAGE_URL": (folder / "media").as_uri()})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The demo site on a free port of 127.0.0.1, in a thread of this process."""
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium.")
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's script, injected with page.evaluate (the CSP rightly refuses
    injected <script> tags). `make browser` installs it from npm."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: `make test` installs axe-core.")
        pytest.skip("axe-core is not installed (make browser installs it)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def artifacts():
    """Where screenshots go: kept by CI as artifacts, never committed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def owner(live_app):
    """The owner's login: an admin on the live site, made once (shared by modules)."""
    with live_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.login == "owner"))
        if user is None:
            user = User(login="owner", display_name="The Owner", slug="owner", role="administrator")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
    return "owner"


@pytest.fixture
def mail_server(live_app):
    """A real SMTP server the live site sends its mail to, for one test."""
    server = SmtpServer().start()
    before = {key: live_app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT")}
    live_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    live_app.config.update(before)
    server.stop()


@pytest.fixture(autouse=True)
def first_run_settings(request):
    """Every browser test starts from the settings a new site has: what one
    saves in /admin (title, menu, widgets) is gone before the next one."""
    yield
    if "live_app" not in request.fixturenames:
        return
    live_app = request.getfixturevalue("live_app")
    with live_app.app_context():
        db.session.execute(sa.delete(SiteSetting))
        db.session.commit()
