"""Dreamweaver: a blog engine for small sites moving off WordPress."""

import os
import secrets

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import database, ratelimits
from .config import DEFAULTS
from .extensions import cache, compress, csrf, db, limiter, login, migrate
from .extensions import htmx as htmx_extension  # the name `htmx` is our module's

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def create_app(test_config=None):
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    configure(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_commands(app)
    trust_proxy(app)
    return app


def trust_proxy(app):
    """Outermost WSGI layer, so that everything inside (the page cache's key
    included) sees the scheme, host and address the reader used."""
    if app.config["PROXY_FIX_HOPS"]:
        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def configure(app, test_config):
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_secret_key(app)
    if not app.config["SECRET_KEY"] and will_serve(app):
        raise RuntimeError(
            "No SECRET_KEY. Set FLASK_SECRET_KEY in the environment, or run "
            "`flask --app app init-db`, which writes a random one to instance/secret_key."
        )
    if app.config.get("CACHE_REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    ratelimits.configure(app)
    database.configure(app)


def will_serve(app) -> bool:
    """Is this app about to serve requests for real (not debug, testing or a CLI task)?

    Commands such as init-db, which creates the secret key, must still run
    without one; `flask run` and gunicorn must not.
    """
    if app.debug or app.testing:
        return False
    command = click.get_current_context(silent=True)
    return command is None or command.info_name == "run"


def secret_key_path(app) -> str:
    return os.path.join(app.instance_path, "secret_key")


def read_secret_key(app) -> str | None:
    try:
        with open(secret_key_path(app), encoding="ascii") as f:
            return f.read().strip() or None
    except FileNotFoundError:
        return None


def write_secret_key(app) -> bool:
    """Create instance/secret_key (private to its owner) unless it exists or a
    key is configured (FLASK_SECRET_KEY, config.py): the configured key wins,
    so a file beside it would be a second secret that nothing uses."""
    from . import private_files

    path = secret_key_path(app)
    if app.config.get("SECRET_KEY") and not os.path.exists(path):
        return False
    with app.app_context():
        try:
            fd = private_files.create(path, exclusive=True)
        except FileExistsError:
            private_files.tighten(path)
            return False
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32))
    return True


def register_extensions(app):
    from . import budget
    from . import caching as freshness
    from .caching import pages
    db.init_app(app)
    database.init_app(app)
    freshness.init_app(app)  # the first before_request hook: see read_first
    budget.init_app(app)
    # First of all hooks: its lookup runs before any other, its store after all.
    pages.init_app(app)
    compress.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    # The limiter's check runs first, so refused requests count against it too.
    limiter.init_app(app)
    csrf.init_app(app)
    cache.init_app(app)
    # Its context processor reads the session on every render, which would put
    # `Vary: Cookie` on anonymous pages; admin templates ask for the user instead.
    login.init_app(app, add_context_processor=False)
    htmx_extension.init_app(app)


def register_blueprints(app):
    from . import admin, auth, feeds  # noqa: F401 - auth registers the user loader
    from .blog import views as blog
    from .comments import views as comments
    from .params import PagePath, Segment

    app.url_map.converters["default"] = Segment
    app.url_map.converters["pagepath"] = PagePath
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(blog.bp)
    app.register_blueprint(comments.bp)
    app.register_blueprint(feeds.bp)


def register_errorhandlers(app):
    from . import errors

    errors.init_app(app)


def register_hooks(app):
    from . import assets, htmx, security, sessions, templating

    assets.init_app(app)
    sessions.init_app(app)
    security.init_app(app)
    htmx.init_app(app)
    templating.init_app(app)


def register_commands(app):
    from . import cli

    cli.init_app(app)
