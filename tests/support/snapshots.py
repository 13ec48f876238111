"""The whole database at a glance: rows per table, and a hash of every row."""

import hashlib

import sqlalchemy as sa

from dreamweaver.extensions import db


def row_counts(app) -> dict:
    with app.app_context():
        return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
                for t in db.metadata.sorted_tables}


def checksum(app, skip_columns=()) -> str:
    """A hash of every row of every table, in primary-key order."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.c if f"{table.name}.{c.name}" not in skip_columns]
            rows = db.session.execute(sa.select(*columns).order_by(*table.primary_key.columns))
            for row in rows:
                digest.update(repr((table.name, tuple(row))).encode())
    return digest.hexdigest()
