"""Dreamweaver: a blog engine for small sites moving off WordPress."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import database, instance, ratelimits
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
        app.config["SECRET_KEY"] = instance.read_secret_key(app)
    if not app.config["SECRET_KEY"] and instance.will_serve(app):
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


def register_extensions(app):
    from . import budget, caching

    db.init_app(app)
    database.init_app(app)
    # First of all hooks: the generation read runs before any other, the page
    # cache's lookup before the app and its store after every other hook.
    caching.init_app(app)
    budget.init_app(app)
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
    from . import admin, auth, feeds, tasks  # noqa: F401 - auth registers the user loader
    from .blog import views as blog
    from .comments import (
        notices,  # noqa: F401 - mail for comments: receivers, periodic task
        subscription_views,  # noqa: F401 - its routes, on comments.bp
    )
    from .comments import views as comments
    from .federation import (  # noqa: F401 - each adds its views or tasks
        collections,
        delivery,
        discovery,
        inbox,
        pages,
        publishing,
        webmention,
    )
    from .federation.views import bp as federation
    from .mail import outbox  # noqa: F401 - its tasks
    from .media import views as media
    from .params import PagePath, Segment

    app.url_map.converters["default"] = Segment
    app.url_map.converters["pagepath"] = PagePath
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(blog.bp)
    app.register_blueprint(comments.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(federation)
    app.register_blueprint(media.bp)
    # Last: every area's tasks are defined once its modules are imported.
    tasks.init_app(app)


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
