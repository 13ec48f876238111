"""Command-line tools: `flask --app app <command>`."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the schema to the latest migration (and instance/secret_key)."""
    from .instance import read_secret_key, write_secret_key

    if write_secret_key(current_app):
        click.echo("Wrote a new random secret key to instance/secret_key.")
    elif read_secret_key(current_app) is None:
        click.echo("Using the configured secret key (FLASK_SECRET_KEY); "
                   "wrote no instance/secret_key.")
    upgrade()
    click.echo("The database schema is up to date.")


@click.command("seed-demo")
@with_appcontext
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


@click.command("seed-bench")
@with_appcontext
@click.option("--posts", default=1000, show_default=True, type=click.IntRange(0, 10_000_000))
@click.option("--comments", default=10_000, show_default=True,
              type=click.IntRange(0, 100_000_000))
@click.option("--seed", default=42, show_default=True, help="Random seed (same seed, same site).")
def seed_bench_command(posts, comments, seed):
    """Fill the database with a large synthetic site for benchmarks."""
    import time

    from .demo.bench import seed_bench

    started = time.perf_counter()
    added_posts, added_comments = seed_bench(posts, comments, seed)
    db.session.commit()
    click.echo(f"Added {added_posts} posts and {added_comments} comments "
               f"in {time.perf_counter() - started:.1f} s.")


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(["administrator", "admin", "editor", "author"]),
              default="author", show_default=True, help="admin means administrator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--display-name", default=None, help="Shown as the author (default: NAME).")
@click.option("--email", default="", help="The account's email address.")
@with_appcontext
def create_user_command(name, role, password_stdin, display_name, email):
    """Make an account, or set an existing account's password and role."""
    import sqlalchemy as sa

    from .models import User
    from .slugs import slugify, unique_slug

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="password")
    if not name.strip() or len(name) > 60 or any(ch < " " for ch in name):
        raise click.BadParameter("1 to 60 printable characters", param_hint="NAME")
    if email:
        from .mail.addresses import normalized

        try:
            email = normalized(email)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--email") from None
    user = db.session.scalar(sa.select(User).where(User.login == name))
    created = user is None
    if created:
        # The public address comes from the public name, so that the author
        # archive does not show the login to anyone who can read a byline.
        shown = display_name or name
        user = User(login=name, display_name=shown, email=email,
                    slug=unique_slug(User.slug, slugify(shown) or "author"))
        db.session.add(user)
    elif display_name:
        user.display_name = display_name
    role = "administrator" if role == "admin" else role
    user.role = role
    if email:
        user.email = email
    user.set_password(password)  # which signs the account out everywhere
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} {role} {name!r}"
               + ("." if created else "; its sessions have ended."))


@click.command("import-wxr")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--uploads", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="A copy of the old site's wp-content/uploads folder: its "
              "images become the site's media (nothing is downloaded).")
@with_appcontext
def import_wxr_command(file, uploads):
    """Import a WordPress export (WXR 1.0-1.2): idempotent, all or nothing."""
    from .wxr.importer import run

    click.echo(run(file, uploads))


@click.command("export-wxr")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--site-url", default=None,
              help="The site's address for links and GUIDs (default: SITE_URL or http://localhost).")
@click.option("--uploads", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write the media files into this folder, at the paths under "
              "wp-content/uploads/ the export gives them (for import-wxr --uploads).")
@with_appcontext
def export_wxr_command(file, site_url, uploads):
    """Write the whole site as WXR 1.2, which WordPress's importer reads."""
    from .wxr.exporter import export

    counts = export(file, site_url, uploads)
    missing = counts.pop("missing media files", [])
    click.echo(f"Exported to {file}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())
               + ". Markdown posts are exported as their rendered HTML.")
    if uploads is not None:
        click.echo(f"Wrote the media files into {uploads}"
                   + (f"; {len(missing)} were not in the storage: {', '.join(missing)}"
                      if missing else "."))


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file):
    """Write the SQLite database and the media files to the archive FILE, safely
    while the site runs."""
    from .backup import BackupError, backup

    try:
        made = backup(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up the database and {made.files} media file(s) to {file} "
               f"({made.size:,} bytes; integrity check passed).")
    if made.missing:
        click.echo(f"Warning: {len(made.missing)} media file(s) named in the database were "
                   "not in the storage (deleted meanwhile?): " + ", ".join(made.missing))


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file, yes):
    """Replace the database (and put back the media files) with the backup in FILE."""
    from .backup import BackupError, restore

    def ask():
        if not yes:
            click.confirm(f"Replace everything in the site's database with {file}?", abort=True)

    try:
        written = restore(file, confirm=ask)
        upgrade()
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the database and {written} media file(s) from {file}.")


@click.command("render-posts")
@with_appcontext
def render_posts_command():
    """Store every post's HTML afresh from its source: after an upgrade that
    changes how posts are shown (video cards, images as their variants), old
    posts look like new ones without being edited. Safe to run again."""
    import sqlalchemy as sa

    from .budget import InputTooSlow
    from .models import Post
    from .publishing import render_post
    from .sanitize.htmlshape import TooComplex

    changed, kept = 0, []
    ids = db.session.scalars(sa.select(Post.id).order_by(Post.id)).all()
    for start in range(0, len(ids), 200):
        for post in db.session.scalars(sa.select(Post).where(Post.id.in_(ids[start:start + 200]))):
            try:
                shown = render_post(post.source, post.format)
            except (TooComplex, InputTooSlow) as error:
                kept.append(f"{post.id} ({error})")
                continue
            if (shown.content_html, shown.teaser_html) != (post.content_html, post.teaser_html):
                post.content_html, post.teaser_html = shown.content_html, shown.teaser_html
                post.media_used = shown.media
                changed += 1
        db.session.commit()
    click.echo(f"Rendered {len(ids)} posts and pages: {changed} changed."
               + (f" Kept as they were (beyond what the site renders): {', '.join(kept)}."
                  if kept else ""))


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Tasks run at once.")
@with_appcontext
def worker_command(threads):
    """Run the background worker: image variants, and every other queued task."""
    import logging

    from flask import current_app

    from .tasks import run_worker

    # What the worker does (each task started, finished, retried or failed) on
    # standard error, as gunicorn's log is.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [worker] %(message)s")

    run_worker(current_app._get_current_object(), workers=threads)


@click.command("mail-outbox")
@click.option("--status", type=click.Choice(["queued", "failed", "sent"]), default=None,
              help="Only messages in this state (default: all).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@with_appcontext
def mail_outbox_command(status, limit):
    """List the mail outbox: what is queued, failed and sent, newest first."""
    import sqlalchemy as sa

    from .mail import outbox, transport
    from .models import OutboxMessage

    counts = outbox.counts()
    click.echo(f"{counts['queued']} queued, {counts['failed']} failed, {counts['sent']} sent"
               + ("" if transport.configured() else
                  " (no MAIL_SERVER configured: nothing is sent until one is)"))
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    for row in db.session.scalars(query):
        when = row.sent_at or row.created_at
        click.echo(f"{row.id:>6}  {row.status:<6}  {when:%Y-%m-%d %H:%M}  {row.kind:<12}  "
                   f"{row.to_address}  {row.subject}")
        if row.last_error:
            click.echo(f"        attempt {row.attempts}: {row.last_error}")


def init_app(app):
    app.cli.add_command(worker_command)
    app.cli.add_command(mail_outbox_command)
    app.cli.add_command(render_posts_command)
    app.cli.add_command(init_db_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_bench_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(import_wxr_command)
    app.cli.add_command(export_wxr_command)
