"""Cache entries written by another release: an entry whose pickled class moved
(a rolling deploy on a shared Redis) is a miss, never a 500."""


import sqlalchemy as sa
from flask_migrate import upgrade

from dreamweaver import caching, create_app
from dreamweaver.extensions import cache, db
from dreamweaver.models import SiteState
from tests.support.responses import section
from tests.support.scripts import load_migration
from tests.support.settings import TEST_SETTINGS

# What pickle writes for a widget's Link, under a module path that no longer
# exists (dreamweaver.widgets became dreamweaver.blog.widgets; a module name no
# checkout has, since an editable install may still find an old file).
OLD_CLASS_PATH = b"cdreamweaver.widgets_before_the_move\nLink\n."


def test_an_entry_under_a_class_path_that_moved_is_a_miss(cached_app, make):
    make.post("Still Listed")
    with cached_app.app_context():
        generation = caching.read_generation(db.engine)
        # SimpleCache keeps pickles as Redis does; this one names a module gone since.
        cache.cache._cache[f"dw:recent-posts:{generation}"] = (0, OLD_CLASS_PATH)
    client = cached_app.test_client()
    client.set_cookie("session", "not-a-session")  # past the page cache, to the widgets
    response = client.get("/")
    assert response.status_code == 200
    assert "Still Listed" in section(response, "recent-posts")


def test_the_move_moves_the_generation_on(tmp_path):
    site = create_app({**TEST_SETTINGS,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite'}"})
    module = load_migration("*_generation_after_move.py")

    def generation():
        value = db.session.scalar(sa.select(SiteState.value).where(SiteState.key == "content"))
        db.session.rollback()  # the migration's own connection must not wait on ours
        return value

    with site.app_context():
        upgrade(revision=module.down_revision)
        before = generation()
        upgrade(revision=module.revision)
        assert generation() == before + 1
