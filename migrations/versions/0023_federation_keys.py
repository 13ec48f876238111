"""federation keys: each actor's RSA key pair, the private half sealed

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 20:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'federation_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('public_pem', sa.Text(), nullable=False),
        sa.Column('private_sealed', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('actor'),
    )


def downgrade():
    op.drop_table('federation_keys')
