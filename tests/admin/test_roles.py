"""WordPress's three roles: an administrator does everything, an editor works
on everyone's content but not on people or settings, an author on their own
posts and the comments on them; and the migration that renamed admin."""

import sqlalchemy as sa
from flask_migrate import upgrade

from dreamweaver import create_app
from dreamweaver.extensions import db
from tests.support.settings import TEST_SETTINGS


def test_an_editor_works_on_everyones_posts_pages_comments_and_categories(app, client, auth, make):
    writer = make.account("writer", "author")
    post = make.post("Someone else's", author=writer)
    page = make.post("About", kind="page", author=writer)
    comment = make.comment(post, status="pending")
    auth.login("ed", "editor")
    assert client.get("/admin/pages/").status_code == 200
    assert client.get("/admin/categories/").status_code == 200
    assert client.get(f"/admin/posts/{post.id}/edit").status_code == 200
    assert client.get(f"/admin/posts/{page.id}/edit").status_code == 200
    assert client.get(f"/admin/comments/{comment.id}/").status_code == 200
    assert 'name="sticky"' in client.get("/admin/posts/new").get_data(as_text=True)
    nav = client.get("/admin/").get_data(as_text=True)
    assert ">Pages<" in nav and ">Categories<" in nav


def test_an_author_keeps_to_their_own_posts(app, client, auth, make):
    post = make.post("Someone else's", author=make.account("writer", "author"))
    comment = make.comment(post, status="pending")
    auth.login("newbie", "author")
    assert client.get("/admin/pages/").status_code == 403
    assert client.get("/admin/categories/").status_code == 403
    assert client.get(f"/admin/posts/{post.id}/edit").status_code == 403
    assert client.get(f"/admin/comments/{comment.id}/").status_code in (403, 404)
    assert 'name="sticky"' not in client.get("/admin/posts/new").get_data(as_text=True)
    nav = client.get("/admin/").get_data(as_text=True)
    assert ">Pages<" not in nav and ">Categories<" not in nav


def test_create_user_takes_the_three_roles_and_admin_still_means_administrator(runner, app):
    from dreamweaver.models import User

    for name, role in (("boss", "admin"), ("ed", "editor"), ("al", "author"),
                       ("root", "administrator")):
        result = runner.invoke(args=["create-user", name, "--role", role, "--email",
                                     f"{name}@Example.org", "--password-stdin"],
                               input="long enough password\n")
        assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["create-user", "x", "--role", "editor", "--email", "nope",
                              "--password-stdin"], input="long enough password\n")
    assert bad.exit_code != 0 and "valid email" in bad.output
    with app.app_context():
        roles = dict(db.session.execute(sa.select(User.login, User.role)).all())
        assert roles == {"boss": "administrator", "ed": "editor", "al": "author",
                         "root": "administrator"}
        email = db.session.scalar(sa.select(User.email).where(User.login == "ed"))
        assert email == "ed@example.org"


def test_the_migration_makes_admins_administrators(tmp_path):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path / 'old.sqlite'}"})
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as connection:
            for login, role in (("owner", "admin"), ("writer", "author")):
                connection.execute(sa.text(
                    "INSERT INTO users (login, display_name, slug, email, password_hash, role,"
                    " created_at, session_generation) VALUES (:l, :l, :l, '', '', :r,"
                    " CURRENT_TIMESTAMP, 0)"), {"l": login, "r": role})
        upgrade()
        with db.engine.connect() as connection:
            assert dict(connection.execute(sa.text("SELECT login, role FROM users")).all()) == {
                "owner": "administrator", "writer": "author"}
        db.engine.dispose()
