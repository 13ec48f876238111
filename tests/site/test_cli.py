"""`init-db`, the secret key rule of create_app, and configuration from the environment."""

import os
import re
import stat

import click
import pytest

import dreamweaver
from dreamweaver import create_app
from dreamweaver.config import database_uri
from dreamweaver.extensions import db
from tests.support.settings import TEST_SETTINGS


@pytest.fixture
def instance(app, tmp_path):
    """Point the app's instance folder at a temporary one, away from the checkout,
    with no key configured (the test settings carry one), as on a new site."""
    app.instance_path = str(tmp_path)
    app.config["SECRET_KEY"] = None
    return tmp_path


def init_db(app, runner):
    # `flask init-db` runs inside the app context FlaskGroup pushes; the test runner
    # pushes none, so push it here (see test_init_db_runner_invoke).
    with app.app_context():
        return runner.invoke(args=["init-db"])


def test_init_db_schema_up_to_date(app, runner, instance):
    result = init_db(app, runner)
    assert result.exception is None, repr(result.exception)
    assert result.exit_code == 0
    assert "The database schema is up to date." in result.output


def test_init_db_runner_invoke(runner, instance):
    # As the Flask tutorial tests its commands: no app context around the runner.
    result = runner.invoke(args=["init-db"])
    assert result.exception is None, repr(result.exception)
    assert result.exit_code == 0
    assert "up to date" in result.output
    assert (instance / "secret_key").exists()


def test_init_db_writes_private_secret_key(app, runner, instance):
    result = init_db(app, runner)
    assert result.exit_code == 0, repr(result.exception)
    assert "Wrote a new random secret key" in result.output
    key_file = instance / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert re.fullmatch(r"[0-9a-f]{64}", key_file.read_text(encoding="ascii"))


def test_init_db_keeps_existing_secret_key(app, runner, instance):
    assert init_db(app, runner).exit_code == 0
    key = (instance / "secret_key").read_text(encoding="ascii")
    again = init_db(app, runner)
    assert again.exit_code == 0, repr(again.exception)
    assert "Wrote a new random secret key" not in again.output
    assert "up to date" in again.output
    assert (instance / "secret_key").read_text(encoding="ascii") == key


def test_init_db_key_read_back_by_create_app(app, runner, instance):
    assert init_db(app, runner).exit_code == 0
    key = (instance / "secret_key").read_text(encoding="ascii")
    assert dreamweaver.instance.read_secret_key(app) == key


def test_init_db_writes_no_key_file_when_key_configured(database_uri, _migrated, tmp_path,
                                                        monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "key-from-the-environment")
    settings = {name: value for name, value in TEST_SETTINGS.items() if name != "SECRET_KEY"}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_uri})
    app.instance_path = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, repr(result.exception)
    assert "Using the configured secret key" in result.output
    assert "up to date" in result.output
    assert not (tmp_path / "secret_key").exists()
    assert app.config["SECRET_KEY"] == "key-from-the-environment"
    with app.app_context():
        db.engine.dispose()


# --- the secret key rule -------------------------------------------------------------

NO_KEY_CONFIG = {"TESTING": False, "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}


@pytest.fixture
def no_key(monkeypatch):
    """No key anywhere: not in the environment, not in instance/secret_key."""
    monkeypatch.setattr(dreamweaver.instance, "read_secret_key", lambda app: None)
    for name in ("FLASK_SECRET_KEY", "FLASK_DEBUG", "FLASK_TESTING"):
        monkeypatch.delenv(name, raising=False)


def test_create_app_refuses_without_secret_key(no_key):
    assert click.get_current_context(silent=True) is None
    with pytest.raises(RuntimeError) as error:
        create_app(NO_KEY_CONFIG)
    message = str(error.value)
    assert "FLASK_SECRET_KEY" in message
    assert "init-db" in message


def test_create_app_refuses_without_secret_key_under_flask_run(no_key):
    with (click.Context(click.Command("run"), info_name="run"),
          pytest.raises(RuntimeError, match="FLASK_SECRET_KEY")):
        create_app(NO_KEY_CONFIG)


def test_create_app_starts_without_secret_key_when_testing(no_key):
    app = create_app({**NO_KEY_CONFIG, "TESTING": True})
    assert app.testing
    assert not app.config["SECRET_KEY"]


def test_create_app_starts_without_secret_key_in_debug(no_key):
    app = create_app({**NO_KEY_CONFIG, "DEBUG": True})
    assert app.debug


def test_create_app_starts_without_secret_key_for_init_db(no_key):
    # init-db is the command that makes the key, so it must be able to start.
    with click.Context(click.Command("init-db"), info_name="init-db"):
        app = create_app(NO_KEY_CONFIG)
    assert not app.config["SECRET_KEY"]


def test_create_app_secret_key_from_environment(no_key, monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "key-from-the-environment")
    app = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "key-from-the-environment"


def test_create_app_secret_key_from_instance_file(monkeypatch, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("key-from-the-file\n", encoding="ascii")
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setattr(dreamweaver.instance, "secret_key_path", lambda app: str(key_file))
    app = create_app(NO_KEY_CONFIG)
    assert app.config["SECRET_KEY"] == "key-from-the-file"


# --- configuration -------------------------------------------------------------------

BASE_CONFIG = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def test_config_posts_per_page_from_environment(monkeypatch):
    monkeypatch.setenv("FLASK_POSTS_PER_PAGE", "3")
    app = create_app(BASE_CONFIG)
    assert app.config["POSTS_PER_PAGE"] == 3
    assert type(app.config["POSTS_PER_PAGE"]) is int


def test_config_json_bool_from_environment(monkeypatch):
    monkeypatch.setenv("FLASK_COMMENT_MODERATION", "false")
    app = create_app(BASE_CONFIG)
    assert app.config["COMMENT_MODERATION"] is False


def test_config_defaults(monkeypatch):
    for name in ("FLASK_POSTS_PER_PAGE", "FLASK_SITE_TITLE", "FLASK_COMMENT_MODERATION"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(BASE_CONFIG)
    assert app.config["POSTS_PER_PAGE"] == 10
    assert app.config["SITE_TITLE"] == "Psychedelic Dreamweaver"
    assert app.config["COMMENT_MODERATION"] is True
    assert app.config["MAX_CONTENT_LENGTH"] == 524288


def test_config_test_config_beats_environment(monkeypatch):
    monkeypatch.setenv("FLASK_POSTS_PER_PAGE", "3")
    app = create_app({**BASE_CONFIG, "POSTS_PER_PAGE": 7})
    assert app.config["POSTS_PER_PAGE"] == 7


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///tmp/x.sqlite", "sqlite:///tmp/x.sqlite"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_uri_postgresql_means_psycopg(given, expected):
    assert database_uri(given) == expected


def test_create_app_postgresql_uri_uses_psycopg():
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "postgresql://u@h/d"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/d"
