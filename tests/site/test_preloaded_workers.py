"""gunicorn's workers fork from an app the master built and warmed
(gunicorn.conf.py): a replaced worker costs a reader nothing, and no worker
uses a database connection another process opened."""

import os
import runpy
from types import SimpleNamespace

import sqlalchemy as sa

from dreamweaver.extensions import db
from tests.support.paths import ROOT
from tests.support.servers import Server

SETTINGS = runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_workers_fork_from_the_built_app_and_are_rarely_replaced():
    assert SETTINGS["preload_app"] is True
    assert SETTINGS["max_requests"] >= 50_000
    assert 0 < SETTINGS["max_requests_jitter"] < SETTINGS["max_requests"]


def test_a_forked_child_opens_its_own_connections(app):
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:  # the parent's, back in its pool
            connection.execute(sa.text("SELECT 1"))
        assert engine.pool.checkedin() == 1
        inherited = engine.pool
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status, and never return
        ok = False
        try:
            with app.app_context():
                fresh = db.engine.pool is not inherited and db.engine.pool.checkedin() == 0
                ok = fresh and db.session.scalar(sa.text("SELECT 2")) == 2
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with app.app_context():  # the parent's connection was left open for it
        assert db.engine.pool is inherited
        assert db.session.scalar(sa.text("SELECT 3")) == 3


def test_the_master_warms_the_app_before_forking(app, make):
    make.post("Warm")
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))
    SETTINGS["when_ready"](server)
    compiled = {name for _, name in app.jinja_env.cache}
    assert set(app.jinja_env.list_templates()) <= compiled


def test_the_warm_up_forgives_a_site_not_set_up(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no such table: site_state")

    monkeypatch.setattr(app, "test_client", lambda: SimpleNamespace(get=broken))
    SETTINGS["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))


def test_replaced_workers_serve_on(app, make, database_uri, tmp_path):
    """Workers replaced every few requests (forked from the warmed master) keep
    answering every request, on the same database."""
    make.post("Still here")
    server = Server({"FLASK_SQLALCHEMY_DATABASE_URI": database_uri, "FLASK_SECRET_KEY": "k",
                     "FLASK_MEDIA_STORAGE_URL": (tmp_path / "media").as_uri(),
                     "WEB_CONCURRENCY": "2", "GUNICORN_MAX_REQUESTS": "5"})
    try:
        answers = [server.request("GET", "/") for _ in range(40)]
    finally:
        server.stop()
    assert all(status == 200 and "Still here" in body for status, _, body in answers)
