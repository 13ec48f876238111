"""Command-line tools: `flask --app app <command>`."""

import click
from flask import current_app
from flask_migrate import upgrade

from .extensions import db


@click.command("init-db")
def init_db_command():
    """Create or upgrade the schema to the latest migration (and instance/secret_key)."""
    from . import write_secret_key

    if write_secret_key(current_app):
        click.echo("Wrote a new random secret key to instance/secret_key.")
    upgrade()
    click.echo("The database schema is up to date.")


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo site into an empty database (does nothing if it has posts)."""
    from .demo import load_demo

    result = load_demo()
    if result is None:
        click.echo("The database already has content; demo not loaded.")
        return
    db.session.commit()
    click.echo(
        f"Loaded the demo site: {result.posts} posts, {result.pages} page(s), "
        f"{result.categories} categories, {result.tags} tags, {result.comments} comments, "
        f"{result.users} authors."
    )


def init_app(app):
    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
