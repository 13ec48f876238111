"""`backup FILE` / `restore FILE`: SQLite's online backup and the media files
in one archive, checked against its manifest on restore; round trips."""

import hashlib
import io
import json
import shutil
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


# -- media files in the archive ----------------------------------------------------

def media_files(tmp_path) -> dict[str, bytes]:
    root = tmp_path / "media"
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*") if p.is_file()}


def rewrite_archive(source, target, change):
    """A copy of the archive `source` with `change(name, data)` applied to each
    member (None drops it), plus whatever `change("+", None)` returns as extra members."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            if data is not None:
                info = tarfile.TarInfo(member.name)
                info.size = len(data)
                new.addfile(info, io.BytesIO(data))
        for name, data in (change("+", None) or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def test_media_files_round_trip(app, runner, make, tmp_path):
    media = make.media("kept.jpg", alt="Kept")
    files = media_files(tmp_path)
    assert media.key in files and len(files) > 1  # the original and its variants
    result = runner.invoke(args=["backup", str(tmp_path / "site.backup")])
    assert result.exit_code == 0, result.output
    assert f"{len(files)} media file(s)" in result.output
    with tarfile.open(tmp_path / "site.backup") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
    entry = manifest["files"]["media/" + media.key]
    assert entry == {"size": len(files[media.key]),
                     "sha256": hashlib.sha256(files[media.key]).hexdigest()}
    shutil.rmtree(tmp_path / "media")  # a new machine: no files at all
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "site.backup")])
    assert result.exit_code == 0, result.output
    assert media_files(tmp_path) == files
    response = app.test_client().get(f"/media/{media.key}")
    assert response.status_code == 200 and response.data == files[media.key]


@pytest.mark.parametrize("tamper, message", [
    (lambda name, data: data + b"!" if name.startswith("media/") and data else data,
     "does not match its size and SHA-256"),
    (lambda name, data: None if name.startswith("media/") else data, "is missing"),
    (lambda name, data: {"media/../../evil.jpg": b"x"} if name == "+" else data,
     "which no backup holds"),
    (lambda name, data: {"media/2020/01/0123456789abcdef.jpg": b"x"} if name == "+" else data,
     "is not in the manifest"),
    (lambda name, data: None if name == "manifest.json" else data, "has no manifest"),
])
def test_restore_refuses_an_archive_that_does_not_match(app, runner, make, tmp_path, tamper,
                                                        message):
    make.media("kept.jpg")
    runner.invoke(args=["backup", str(tmp_path / "site.backup")])
    rewrite_archive(tmp_path / "site.backup", tmp_path / "bad.backup", tamper)
    make.post("Written After the Backup")
    shutil.rmtree(tmp_path / "media")
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "bad.backup")])
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Nothing was changed" in result.output
    assert media_files(tmp_path) == {}  # no file written
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 1


def test_a_backup_from_before_media_still_restores(app, runner, make, tmp_path):
    make.post("Old Times")
    runner.invoke(args=["backup", str(tmp_path / "site.backup")])
    with tarfile.open(tmp_path / "site.backup") as archive:  # what backup wrote until now
        (tmp_path / "old.backup").write_bytes(archive.extractfile("database.sqlite").read())
    make.post("Later")
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "old.backup")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
        assert db.session.scalars(sa.select(Post.title)).all() == ["Old Times"]
