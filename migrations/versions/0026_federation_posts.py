"""federation posts: what the fediverse was sent of each post

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 20:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'federation_posts',
        sa.Column('post_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('actor_key', sa.String(length=80), nullable=False),
        sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('post_id'),
    )


def downgrade():
    op.drop_table('federation_posts')
