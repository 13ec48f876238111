"""The generations are read on a connection of their own, in autocommit, outside
the pool (caching/own_connection.py): every write is seen at once, a lost
connection is replaced, a forked child never touches its parent's, and
disposing of the engine closes it."""

import os

import sqlalchemy as sa

from dreamweaver import create_app
from dreamweaver.caching import CONTENT, bump, own_connection, read_generations
from dreamweaver.extensions import db
from dreamweaver.models import SiteState
from tests.support.settings import TEST_SETTINGS


def engine_of(app):
    with app.app_context():
        return db.engine


def own(engine):
    return own_connection._local(engine).fairy


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


def kill(engine, fairy) -> None:
    """The server drops the connection (a restart, an idle timeout)."""
    if engine.dialect.name == "postgresql":
        backend = fairy.dbapi_connection.info.backend_pid
        with engine.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    else:
        fairy.dbapi_connection.close()


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


def test_an_in_memory_database_is_read_through_its_one_connection():
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        SiteState.__table__.create(db.engine)
        db.session.add(SiteState(key=CONTENT, value=41))
        db.session.commit()
        assert read_generations(db.engine).content == 41
