"""A comment POST writes in one transaction and, once it has committed, only
reads: the answer is built from what was read before the commit (a redirect
needs no query at all), and the htmx answer's reads begin as readers, so on
SQLite they do not hold the write lock while the page renders. (That the
checks before the write hold no lock either: tests/site/test_write_lock.py.)"""

import pytest
from sqlalchemy import event

from dreamweaver.extensions import db
from tests.support.comment_client import form_token, permalink, send
from tests.support.responses import text

WRITES = ("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE")


@pytest.fixture
def statements(app):
    """What the engine runs and when its transactions begin and commit."""
    seen = []
    with app.app_context():
        engine = db.engine

    def on_begin(_connection):
        seen.append("<begin>")

    def on_commit(_connection):
        seen.append("<commit>")

    def on_statement(_connection, _cursor, statement, *_):
        seen.append(statement)

    for name, listener in (("begin", on_begin), ("commit", on_commit),
                           ("before_cursor_execute", on_statement)):
        event.listen(engine, name, listener)
    yield seen
    for name, listener in (("begin", on_begin), ("commit", on_commit),
                           ("before_cursor_execute", on_statement)):
        event.remove(engine, name, listener)


def after_commit(seen: list[str]) -> list[str]:
    """What ran after the write was committed (on SQLite the checks before it
    ran in a reading transaction of their own, committed first)."""
    last = len(seen) - 1 - seen[::-1].index("<commit>")
    assert any(s.lstrip().upper().startswith("INSERT") for s in seen[:last]), seen
    return seen[last + 1:]


def test_redirect_after_a_comment_runs_nothing_after_the_commit(app, client, make, statements):
    post = make.post("Quiet")
    page = permalink(app, post)
    token = form_token(text(client.get(page)))
    statements.clear()
    response = send(client, page, token=token, comment="Said once.")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(page)
    assert after_commit(statements) == []


def test_htmx_answer_after_a_comment_only_reads(app, client, make, statements):
    post = make.post("Lively")
    page = permalink(app, post)
    token = form_token(text(client.get(page)))
    statements.clear()
    response = send(client, page, htmx=True, token=token, comment="Said with htmx.")
    assert response.status_code == 200
    assert "Said with htmx." in text(response)
    later = after_commit(statements)
    assert "<begin>" in later, "the page is read again after the commit"
    assert not [s for s in later if s.lstrip().upper().startswith(WRITES)], later
