"""fediverse replies: comments that came from elsewhere, likes and boosts

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments') as batch:
        batch.add_column(sa.Column('source', sa.String(length=20), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('remote_id', sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column('remote_actor', sa.String(length=1000), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('avatar_key', sa.String(length=40), nullable=False,
                                   server_default=''))
        batch.create_index('ux_comments_remote', ['remote_id', 'post_id', 'source'], unique=True)
        batch.create_index('ix_comments_remote_actor', ['remote_actor', 'status'])
    with op.batch_alter_table('posts') as batch:
        batch.add_column(sa.Column('like_count', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('boost_count', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.create_table(
        'federation_reactions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('remote_id', sa.String(length=1000), nullable=False),
        sa.Column('actor', sa.String(length=1000), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('url', sa.String(length=1000), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('post_id', 'kind', 'source', 'actor'),
    )
    op.create_index('ix_federation_reactions_remote_id', 'federation_reactions', ['remote_id'])
    op.create_index('ix_federation_reactions_actor', 'federation_reactions', ['actor'])


def downgrade():
    op.drop_index('ix_federation_reactions_actor', 'federation_reactions')
    op.drop_index('ix_federation_reactions_remote_id', 'federation_reactions')
    op.drop_table('federation_reactions')
    with op.batch_alter_table('posts') as batch:
        batch.drop_column('boost_count')
        batch.drop_column('like_count')
    with op.batch_alter_table('comments') as batch:
        batch.drop_index('ix_comments_remote_actor')
        batch.drop_index('ux_comments_remote')
        batch.drop_column('avatar_key')
        batch.drop_column('remote_actor')
        batch.drop_column('remote_id')
        batch.drop_column('source')
