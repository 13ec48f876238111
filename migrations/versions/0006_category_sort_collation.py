"""category sort key in byte order on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 21:10:00

The sidebar orders categories by their casefolded name. SQLite compares bytes;
PostgreSQL uses the database's locale, and glibc locales such as en_US.UTF-8
skip punctuation ("psychology & spirituality" would sort after "psychology
and art", unlike WordPress and the seed site). "C" makes both engines agree.
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE categories ALTER COLUMN sort_key TYPE VARCHAR(200) COLLATE "C"')


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE categories ALTER COLUMN sort_key TYPE VARCHAR(200) '
                   'COLLATE "default"')
