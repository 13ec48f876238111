"""site_state: the content generation that keys every cache

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 16:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'site_state',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_site_state')),
    )
    op.bulk_insert(table, [{'key': 'content', 'value': 0}])


def downgrade():
    op.drop_table('site_state')
