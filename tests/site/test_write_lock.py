"""SQLite writers queue on an flock beside the database (dreamweaver/writelock.py),
so a waiting writer is woken the moment the one before it commits instead of
polling SQLite's lock. These tests make their own SQLite database whatever
TEST_DATABASE_URL says: the lock is SQLite's alone."""

import fcntl
import multiprocessing
import os
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from dreamweaver import create_app, writelock
from dreamweaver.comments import policy
from dreamweaver.database import only_reads_from_here, writes_from_here
from dreamweaver.extensions import db
from tests.support.comment_client import permalink, send, stored
from tests.support.factories import Factory
from tests.support.paths import ROOT
from tests.support.settings import TEST_SETTINGS

# The other process: one write transaction, held until told to commit.
HOLDER = """
import sys
import sqlalchemy as sa
from dreamweaver import create_app
from dreamweaver.extensions import db
from tests.support.settings import TEST_SETTINGS
app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1]})
with app.app_context():
    db.session.execute(sa.text("INSERT INTO notes VALUES ('first')"))
    print("holding", flush=True)
    sys.stdin.readline()
    db.session.commit()
    print("committed", flush=True)
"""


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "site.sqlite"
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.session.execute(sa.text("CREATE TABLE notes (body TEXT)"))
        db.session.commit()
    return app, path


def taken(path) -> bool:
    """Whether some open file holds the lock file's flock."""
    fd = os.open(str(path) + writelock.SUFFIX, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def flock_waiters(path) -> int:
    """Blocked flock requests on the lock file, as the kernel lists them."""
    inode = os.stat(str(path) + writelock.SUFFIX).st_ino
    with open("/proc/locks") as locks:
        return sum(1 for line in locks if "->" in line and "FLOCK" in line
                   and line.split()[-3].endswith(f":{inode}"))


def wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_writer_waits_on_the_flock_of_another_process(database):
    app, path = database
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert taken(path), "a write transaction holds the flock"
        done = []

        def second_writer():
            with app.app_context():
                db.session.execute(sa.text("INSERT INTO notes VALUES ('second')"))
                db.session.commit()
            done.append(True)

        writer = threading.Thread(target=second_writer)
        writer.start()
        # Queued in the kernel for the flock, not sleeping in SQLite's busy handler.
        wait_for(lambda: flock_waiters(path) == 1)
        assert not done
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "committed"
        writer.join(timeout=10)
        assert done
    finally:
        holder.kill()
        holder.wait()
    with app.app_context():
        assert db.session.scalars(sa.text("SELECT body FROM notes")).all() == ["first", "second"]
    assert not taken(path), "let go at the commit"


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_flock_is_let_go_when_the_transaction_ends(database, end):
    app, path = database
    with app.app_context():
        connection = db.engine.connect()
        connection.exec_driver_sql("INSERT INTO notes VALUES ('x')")
        assert taken(path)
        getattr(connection, end)()
        assert not taken(path)
        connection.close()


def test_readers_of_a_get_request_take_no_flock(database):
    app, path = database
    with app.test_request_context("/", method="GET"), db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM notes")
        assert not taken(path)
    with app.test_request_context("/", method="POST"), db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM notes")
        assert taken(path), "a request that may write takes it up front"
    assert not taken(path)


def test_a_second_connection_of_the_same_thread_does_not_wait_for_itself(tmp_path):
    lock = writelock.WriteLock(str(tmp_path / "site.sqlite"), 0o600)
    assert lock.acquire(timeout=1)
    assert not lock.acquire(timeout=1), "SQLite's own lock answers it, as without the flock"
    lock.release()
    assert lock.acquire(timeout=1)
    lock.release()


def _child_tries(lock, results):
    got = threading.Event()
    threading.Thread(target=lambda: lock.acquire(timeout=10) and got.set(), daemon=True).start()
    results.put(got.wait(0.5))
    results.put(got.wait(10))


def test_a_forked_process_queues_for_the_lock_on_its_own_file(tmp_path):
    """A gunicorn worker forked from a master that already used the lock must
    not share its open file (and so its flock)."""
    lock = writelock.WriteLock(str(tmp_path / "site.sqlite"), 0o600)
    assert lock.acquire(timeout=1)
    results = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_child_tries,
                                                         args=(lock, results))
    child.start()
    try:
        assert results.get(timeout=10) is False, "the child waits while the parent holds it"
        lock.release()
        assert results.get(timeout=10) is True
    finally:
        child.join(timeout=10)


def test_a_request_that_reads_first_takes_the_lock_only_to_write(database):
    app, path = database
    with app.test_request_context("/", method="POST"):
        only_reads_from_here()
        assert db.session.scalar(sa.text("SELECT count(*) FROM notes")) == 0
        assert not taken(path), "a reading transaction, deferred"
        writes_from_here()
        assert not db.session().in_transaction(), "the reading one ended"
        db.session.execute(sa.text("INSERT INTO notes VALUES ('x')"))
        assert taken(path)
        db.session.commit()
        assert not taken(path)


@pytest.fixture(scope="module")
def site_database(tmp_path_factory):
    path = tmp_path_factory.mktemp("site") / "site.sqlite"
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
    return path


def test_a_comment_is_checked_and_cleaned_before_the_write_lock(site_database, monkeypatch):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{site_database}"})
    post = Factory(app).post("Talked about")
    seen = {}

    def clean(text):
        seen["cleaned with the lock taken"] = taken(site_database)
        return real_clean(text)

    def duplicates(*args):
        found = real_duplicates(*args)
        seen["duplicates looked for with the lock taken"] = taken(site_database)
        return found

    real_clean, real_duplicates = policy.clean_comment, policy._check_duplicate
    monkeypatch.setattr(policy, "clean_comment", clean)
    monkeypatch.setattr(policy, "_check_duplicate", duplicates)
    response = send(app.test_client(), permalink(app, post), comment="Checked first.")
    assert response.status_code == 303
    assert seen == {"cleaned with the lock taken": False,
                    "duplicates looked for with the lock taken": True}
    assert [c.content_html for c in stored(app)] == ["<p>Checked first.</p>"]
    assert not taken(site_database)
