"""comment roots index: a post's approved top-level comments in order

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:30:00

A page of threads starts from the post's approved top-level comments in date
order; without this partial index a discussion with thousands of threads was
sorted on every view.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

WHERE = "parent_id IS NULL AND status = 'approved'"


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_post_roots', ['post_id', 'created_at', 'id'],
                              unique=False, sqlite_where=sa.text(WHERE),
                              postgresql_where=sa.text(WHERE))


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_post_roots')
