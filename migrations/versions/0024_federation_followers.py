"""federation followers: remote actors, who follows us, activities taken

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 20:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'federation_actors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uri', sa.String(length=1000), nullable=False),
        sa.Column('key_id', sa.String(length=1000), nullable=False),
        sa.Column('public_pem', sa.Text(), nullable=False),
        sa.Column('inbox', sa.String(length=1000), nullable=False),
        sa.Column('shared_inbox', sa.String(length=1000), nullable=False),
        sa.Column('domain', sa.String(length=255), nullable=False),
        sa.Column('username', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('url', sa.String(length=1000), nullable=False),
        sa.Column('icon_url', sa.String(length=1000), nullable=False),
        sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uri'),
    )
    op.create_index('ix_federation_actors_key_id', 'federation_actors', ['key_id'])
    op.create_index('ix_federation_actors_domain', 'federation_actors', ['domain'])
    op.create_table(
        'federation_followers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('local', sa.String(length=80), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('follow_id', sa.String(length=1000), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['federation_actors.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('local', 'actor_id'),
    )
    op.create_index('ix_federation_followers_local', 'federation_followers', ['local'])
    op.create_index('ix_federation_followers_actor_id', 'federation_followers', ['actor_id'])
    op.create_table(
        'federation_seen',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('digest'),
    )
    op.create_index('ix_federation_seen_received_at', 'federation_seen', ['received_at'])


def downgrade():
    op.drop_table('federation_seen')
    op.drop_table('federation_followers')
    op.drop_table('federation_actors')
