"""A request that wrote learns the new content generation from its own bump
(its UPDATE returns the number), not from another read after the commit."""

from flask import g

from dreamweaver import caching
from dreamweaver.extensions import db
from tests.support.comment_client import form_token, permalink, send
from tests.support.responses import text


def test_a_request_that_wrote_knows_the_new_generation_without_asking(app, client, make,
                                                                      monkeypatch):
    """After its commit a request renders under the generation its own bump
    wrote (the UPDATE returns it): the database is not asked again."""
    reads, known = [], []

    @app.after_request
    def note(response):
        known.append(g.content_generation)
        return response

    post = make.post("Talked about")
    page = permalink(app, post)
    token = form_token(text(client.get(page)))
    known.clear()
    real = caching.read_generations

    def counting(engine):
        reads.append(True)
        return real(engine)

    monkeypatch.setattr(caching, "read_generations", counting)
    response = send(client, page, token=token, comment="Counted.")
    assert response.status_code == 303
    assert len(reads) == 1, "only the first read, before the request read any content"
    with app.app_context():
        assert known == [real(db.engine).content]
