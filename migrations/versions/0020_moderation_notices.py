"""moderation notices: held comments a moderator is still to be told of by mail

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 09:45:00

Moderation mail goes to each person at most once per ten minutes; a comment
held meanwhile waits here, one row per person and comment, until the next
email to that person tells of it (comments/notices.py).
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'moderation_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_moderation_notices_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'],
                                name=op.f('fk_moderation_notices_comment_id_comments'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_notices')),
        sa.UniqueConstraint('user_id', 'comment_id',
                            name=op.f('uq_moderation_notices_user_id')),
    )
    op.create_index('ix_moderation_notices_comment_id', 'moderation_notices', ['comment_id'])


def downgrade():
    op.drop_table('moderation_notices')
