"""title search index: PostgreSQL GIN index on the title's own tsvector

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 22:00:00

Search lists posts whose title holds every word first, then the others, each
newest first. PostgreSQL reads the first group through this index when few
titles match, and its statistics tell the planner when many do (then it walks
the listing index instead). The expression must stay the one search.py uses.
SQLite needs nothing: its FTS5 table already keeps the title as a column.
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_posts_title_vector ON posts "
                   "USING gin (to_tsvector('english'::regconfig, title))")
        # Statistics on the new expression now, not at the next autoanalyze.
        op.execute("ANALYZE posts")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_posts_title_vector")
