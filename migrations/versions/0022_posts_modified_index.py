"""posts modified index: the owner's "All" list, most recently edited first

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 16:00:00

The Posts and Pages lists show every status but the trash, latest edit first.
ix_posts_status leads with the status, so that order was a sort of every post
(a second at 100,000 posts); this index walks the type's posts in that order,
the status in it to skip the trash without reading the rows.
"""
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_modified', ['type', 'modified_at', 'id', 'status'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_modified')
