"""`backup FILE` / `restore FILE`: SQLite's online backup, round trip."""

import sqlite3
import tarfile
import threading

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post, SiteState
from tests.support.factories import Factory
from tests.support.settings import TEST_SETTINGS
from tests.support.snapshots import checksum


@pytest.fixture
def app(tmp_path):
    """A site on its own SQLite file, whatever database the suite runs on:
    backup and restore are SQLite's (PostgreSQL has pg_dump)."""
    site = create_app({**TEST_SETTINGS,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite'}",
                       "MEDIA_STORAGE_URL": (tmp_path / "media").as_uri()})
    with site.app_context():
        upgrade()
    return site


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    return Factory(app)


def test_postgresql_sites_are_sent_to_pg_dump(tmp_path):
    site = create_app({**TEST_SETTINGS,
                       "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none"})
    result = site.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.backup")])
    assert result.exit_code != 0 and "pg_dump" in result.output
    assert not (tmp_path / "x.backup").exists()


def test_round_trip(app, runner, make, tmp_path):
    post = make.post("Kept Safe")
    make.comment(post, author_name="Careful Reader")
    saved = checksum(app, skip_columns={"site_state.value"})
    result = runner.invoke(args=["backup", str(tmp_path / "site.backup")])
    assert result.exit_code == 0, result.output
    assert "integrity check passed" in result.output
    make.post("Written After the Backup")
    with app.app_context():
        db.session.execute(sa.delete(Comment))
        db.session.commit()
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "site.backup")])
    assert result.exit_code == 0, result.output
    assert checksum(app, skip_columns={"site_state.value"}) == saved


def test_restore_moves_the_content_generation_on(app, runner, make, tmp_path):
    make.post("Before")
    runner.invoke(args=["backup", str(tmp_path / "site.backup")])
    for n in range(3):
        make.post(f"Later {n}")
    with app.app_context():
        live = db.session.scalar(sa.select(SiteState.value).where(SiteState.key == "content"))
    runner.invoke(args=["restore", "--yes", str(tmp_path / "site.backup")])
    with app.app_context():
        db.session.remove()
        restored = db.session.scalar(sa.select(SiteState.value).where(SiteState.key == "content"))
    assert restored > live  # no cache entry of the live site can answer for the restored one


def test_backup_while_writes_go_on(app, runner, make, tmp_path):
    post = make.post("Busy")
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set():
            make.comment(post, author_name=f"Writer {n}")
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "busy.backup")])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    with tarfile.open(tmp_path / "busy.backup") as archive:
        (tmp_path / "busy.sqlite").write_bytes(archive.extractfile("database.sqlite").read())
    with sqlite3.connect(tmp_path / "busy.sqlite") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM posts").fetchone()[0] == 1


@pytest.mark.parametrize("content, message", [
    (b"not a database at all, just words" * 100, "not a readable SQLite database"),
    (None, "not a Dreamweaver one"),
])
def test_restore_refuses_what_is_not_a_backup(app, runner, make, tmp_path, content, message):
    bad = tmp_path / "bad.backup"
    if content is None:
        with sqlite3.connect(bad) as other:
            other.execute("CREATE TABLE notes (body TEXT)")
    else:
        bad.write_bytes(content)
    make.post("Untouched")
    result = runner.invoke(args=["restore", "--yes", str(bad)])
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 1


def test_backup_never_overwrites(runner, tmp_path):
    existing = tmp_path / "old.backup"
    existing.write_bytes(b"precious")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "exists" in result.output
    assert existing.read_bytes() == b"precious"
