"""On PostgreSQL the generations are read on a connection of their own, in
autocommit, outside the pool (caching/own_connection.py): every write is seen
at once, a lost connection is replaced, a forked child never touches its
parent's, and disposing of the engine closes it. These run on the local
PostgreSQL whichever database the suite runs on. A SQLite file has one too;
an in-memory SQLite database keeps the pool."""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.caching import CONTENT, bump, own_connection, read_generations
from dreamweaver.extensions import db
from dreamweaver.models import SiteState
from tests.support.servers import POSTGRES, reachable
from tests.support.settings import TEST_SETTINGS


@pytest.fixture(scope="module")
def postgres_uri():
    if not reachable(5432):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL on 5432 must run for the own-connection tests")
        pytest.skip("PostgreSQL is not running here")
    name = f"dw_own_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    migrated = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"{POSTGRES}/{name}"})
    with migrated.app_context():
        upgrade()
        db.engine.dispose()
    yield f"{POSTGRES}/{name}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def app(postgres_uri):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": postgres_uri})
    yield app
    with app.app_context():
        db.engine.dispose()


def engine_of(app):
    with app.app_context():
        return db.engine


def own(engine):
    return own_connection._local(engine).connection


def test_a_write_is_seen_at_once(app):
    engine = engine_of(app)
    before = read_generations(engine).content
    with app.app_context():
        bump()
        db.session.commit()
        assert read_generations(engine).content == before + 1
        bump()
        db.session.commit()
    assert read_generations(engine).content == before + 2


def test_the_pool_is_left_alone(app):
    engine = engine_of(app)
    read_generations(engine)
    checked_in = engine.pool.checkedin()
    for _ in range(5):
        read_generations(engine)
    assert engine.pool.checkedout() == 0
    assert engine.pool.checkedin() == checked_in


def kill(engine, connection) -> None:
    """The server drops the connection (a restart, an idle timeout)."""
    backend = connection.info.backend_pid
    with engine.connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})


def test_a_lost_connection_is_replaced(app):
    engine = engine_of(app)
    known = read_generations(engine)
    lost = own(engine)
    kill(engine, lost)
    assert read_generations(engine) == known
    assert own(engine) is not lost


def test_disposing_of_the_engine_closes_it(app):
    engine = engine_of(app)
    read_generations(engine)
    assert own(engine) is not None
    engine.dispose()
    assert own(engine) is None
    assert read_generations(engine).content >= 0  # and a new one when needed


def test_a_forked_child_opens_its_own_and_leaves_the_parents_open(app):
    engine = engine_of(app)
    known = read_generations(engine)
    parents = own(engine)
    pid = os.fork()
    if pid == 0:
        ok = False
        try:
            ok = (read_generations(engine) == known and own(engine) is not parents
                  and parents in own_connection._INHERITED)
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert own(engine) is parents
    assert read_generations(engine) == known


def test_in_memory_sqlite_reads_through_the_pool():
    """An in-memory database lives in its one pooled connection: a connection
    of its own would be another, empty, database."""
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        SiteState.__table__.create(db.engine)
        db.session.add(SiteState(key=CONTENT, value=41))
        db.session.commit()
        assert read_generations(db.engine).content == 41
        assert db.engine not in own_connection._LOCALS
        db.engine.dispose()


def test_a_sqlite_file_is_read_on_its_own_connection(tmp_path):
    """Outside the pool (its checkout and reset were most of a page-cache
    hit's own time), and each read sees every write committed before it."""
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/own.sqlite"})
    with app.app_context():
        engine = db.engine
        SiteState.__table__.create(engine)
        db.session.add(SiteState(key=CONTENT, value=41))
        db.session.commit()
        checked_in = engine.pool.checkedin()
        assert read_generations(engine).content == 41
        connection = own(engine)
        assert connection is not None
        bump()
        db.session.commit()
        assert read_generations(engine).content == 42
        assert own(engine) is connection
        assert engine.pool.checkedout() == 0
        assert engine.pool.checkedin() == checked_in
        engine.dispose()
        assert own(engine) is None


def connections_to(app) -> int:
    with app.app_context():
        name = db.engine.url.database
        with db.engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name}).scalar()


def test_engines_nobody_disposes_of_hold_a_few_connections_at_most(app, postgres_uri):
    """Apps made and dropped without disposing of their engines (a test's, a
    script's): only the last few keep their own connections open."""
    before = connections_to(app)
    for _ in range(12):
        dropped = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": postgres_uri})
        with dropped.app_context():
            read_generations(db.engine)
    assert connections_to(app) <= before + own_connection.KEPT
    with dropped.app_context():  # the newest still has its own
        assert own(db.engine) is not None
