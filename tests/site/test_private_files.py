"""Files holding secrets or readers' data are readable by their owner only
(0600), or by their group too (0640) when FILES_GROUP_READABLE is set: the
SQLite database with its -wal and -shm, WXR exports, backups, the secret key."""

import os
import stat

import pytest
from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.instance import write_secret_key
from tests.support.settings import TEST_SETTINGS


@pytest.fixture(autouse=True)
def usual_umask():
    """The common 022, which lets files be created world-readable."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def site(path, **settings):
    return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                       **settings})


def open_and_write(app):
    """A connection that has written: SQLite has made its -wal and -shm files."""
    with app.app_context():
        connection = db.engine.connect()
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS notes (body TEXT)")
        connection.exec_driver_sql("INSERT INTO notes VALUES ('reader@example.org')")
        connection.commit()
        return connection


@pytest.mark.parametrize("settings, expected", [({}, 0o600),
                                                ({"FILES_GROUP_READABLE": True}, 0o640)])
def test_fresh_database_private(tmp_path, settings, expected):
    path = tmp_path / "site.sqlite"
    connection = open_and_write(site(path, **settings))
    try:
        for name in ("site.sqlite", "site.sqlite-wal", "site.sqlite-shm"):
            assert mode(tmp_path / name) == expected, name
    finally:
        connection.close()


def test_existing_world_readable_database_tightened(tmp_path):
    path = tmp_path / "site.sqlite"
    connection = open_and_write(site(path))
    for name in ("site.sqlite", "site.sqlite-wal", "site.sqlite-shm"):
        os.chmod(tmp_path / name, 0o644)  # as SQLite made them before
    try:
        site(path)  # start-up
        for name in ("site.sqlite", "site.sqlite-wal", "site.sqlite-shm"):
            assert mode(tmp_path / name) == 0o600, name
    finally:
        connection.close()


def test_group_setting_never_widens(tmp_path):
    path = tmp_path / "site.sqlite"
    path.touch(mode=0o600)
    os.chmod(path, 0o600)
    site(path, FILES_GROUP_READABLE=True)
    assert mode(path) == 0o600
    os.chmod(path, 0o644)
    site(path, FILES_GROUP_READABLE=True)
    assert mode(path) == 0o640


@pytest.mark.parametrize("settings, expected", [({}, 0o600),
                                                ({"FILES_GROUP_READABLE": True}, 0o640)])
def test_export_private(app, tmp_path, settings, expected):
    app.config.update(settings)
    fresh, existing = tmp_path / "fresh.xml", tmp_path / "existing.xml"
    existing.write_text("old")
    os.chmod(existing, 0o644)
    for path in (fresh, existing):
        result = app.test_cli_runner().invoke(args=["export-wxr", str(path)])
        assert result.exit_code == 0, result.output
        assert mode(path) == expected
        assert "<rss" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("settings, expected", [({}, 0o600),
                                                ({"FILES_GROUP_READABLE": True}, 0o640)])
def test_backup_private(tmp_path, settings, expected):
    app = site(tmp_path / "site.sqlite", **settings)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.backup")])
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "copy.backup") == expected


def test_secret_key_private(tmp_path):
    app = site(tmp_path / "site.sqlite")
    app.instance_path = str(tmp_path)
    app.config["SECRET_KEY"] = None  # none configured: init-db writes one
    assert write_secret_key(app)
    assert mode(tmp_path / "secret_key") == 0o600
    os.chmod(tmp_path / "secret_key", 0o644)
    assert not write_secret_key(app)  # there already: kept, but tightened
    assert mode(tmp_path / "secret_key") == 0o600
