"""comment threads: comments.thread_id, flood and moderation indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thread_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_comments_post_threads', ['post_id', 'thread_id'], unique=False)
        batch_op.create_index('ix_comments_ip_created', ['ip', 'created_at'], unique=False)
        batch_op.create_index('ix_comments_email_status', ['author_email', 'status'],
                              unique=False)
    # Existing replies: walk up to the top-level comment of each.
    comments = sa.table('comments', sa.column('id'), sa.column('parent_id'),
                        sa.column('thread_id'))
    connection = op.get_bind()
    parents = dict(connection.execute(sa.select(comments.c.id, comments.c.parent_id)).all())
    for comment_id, parent_id in parents.items():
        if parent_id is None:
            continue
        root, seen = parent_id, {comment_id}
        while parents.get(root) is not None and root not in seen:
            seen.add(root)
            root = parents[root]
        connection.execute(
            comments.update().where(comments.c.id == comment_id).values(thread_id=root)
        )


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_email_status')
        batch_op.drop_index('ix_comments_ip_created')
        batch_op.drop_index('ix_comments_post_threads')
        batch_op.drop_column('thread_id')
