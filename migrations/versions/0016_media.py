"""media: uploaded images, where posts use them, featured images, imported attachments

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 06:30:00

media holds one row per image (its original's storage key, size, alt text and
the variants made from it); post_media says which posts show which image (the
"used in" of the library and the posts rendered again when variants are
ready); posts.featured_media_id is WordPress's _thumbnail_id; imported_media
maps a WordPress attachment id to the media it became.
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'media',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(200), nullable=False),
        sa.Column('original_name', sa.String(255), nullable=False),
        sa.Column('mime', sa.String(40), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('animated', sa.Boolean(), nullable=False),
        sa.Column('alt', sa.String(1000), nullable=False),
        sa.Column('caption', sa.String(2000), nullable=False),
        sa.Column('title', sa.String(500), nullable=False),
        sa.Column('variants', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(20), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('post_id', sa.Integer(), nullable=True),
        sa.Column('source_path', sa.String(500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('processing', 'ready', 'failed')",
                           name=op.f('ck_media_state')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_media_owner_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_media_post_id_posts'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_media')),
        sa.UniqueConstraint('key', name=op.f('uq_media_key')),
    )
    op.create_index(op.f('ix_media_owner_id'), 'media', ['owner_id'])
    op.create_index(op.f('ix_media_post_id'), 'media', ['post_id'])
    op.create_index(op.f('ix_media_source_path'), 'media', ['source_path'])
    op.create_index(op.f('ix_media_created_at'), 'media', ['created_at'])
    op.create_table(
        'post_media',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('media_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_media_post_id_posts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['media_id'], ['media.id'],
                                name=op.f('fk_post_media_media_id_media'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('post_id', 'media_id', name=op.f('pk_post_media')),
    )
    op.create_index('ix_post_media_media_post', 'post_media', ['media_id', 'post_id'])
    op.create_table(
        'imported_media',
        sa.Column('source', sa.String(255), nullable=False),
        sa.Column('wp_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('media_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['media_id'], ['media.id'],
                                name=op.f('fk_imported_media_media_id_media'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('source', 'wp_id', name=op.f('pk_imported_media')),
    )
    op.create_index(op.f('ix_imported_media_media_id'), 'imported_media', ['media_id'])
    # Not in batch mode: SQLite would rebuild posts and lose the search triggers
    # (as in 0013).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE posts ADD COLUMN featured_media_id INTEGER '
                   'REFERENCES media (id) ON DELETE SET NULL')
    else:
        op.add_column('posts', sa.Column('featured_media_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_posts_featured_media_id_media'), 'posts', 'media',
                              ['featured_media_id'], ['id'], ondelete='SET NULL')
    op.create_index(op.f('ix_posts_featured_media_id'), 'posts', ['featured_media_id'])


def downgrade():
    op.drop_index(op.f('ix_posts_featured_media_id'), table_name='posts')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_posts_featured_media_id_media'), 'posts', type_='foreignkey')
    op.drop_column('posts', 'featured_media_id')
    op.drop_table('imported_media')
    op.drop_table('post_media')
    op.drop_table('media')
