"""imported ids: which WordPress item of which site each imported row is

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 01:30:00

An import matches its items to rows through these tables, keyed by the site the
file came from and the WordPress id, so a re-import updates what it made and
never a row that came from elsewhere (which keeps its id; the imported item
gets a new one).
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'imported_posts',
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.Column('wp_id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'],
                                name=op.f('fk_imported_posts_post_id_posts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('source', 'wp_id', name=op.f('pk_imported_posts')),
    )
    op.create_index(op.f('ix_imported_posts_post_id'), 'imported_posts', ['post_id'])
    op.create_index('ix_imported_posts_wp_id', 'imported_posts', ['wp_id'])
    op.create_table(
        'imported_comments',
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.Column('wp_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'],
                                name=op.f('fk_imported_comments_comment_id_comments'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('source', 'wp_id', name=op.f('pk_imported_comments')),
    )
    op.create_index(op.f('ix_imported_comments_comment_id'), 'imported_comments',
                    ['comment_id'])


def downgrade():
    op.drop_table('imported_comments')
    op.drop_table('imported_posts')
