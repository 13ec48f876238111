"""reply subscriptions: readers' addresses for reply notifications, what they
subscribed to, and which replies they were told of

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:00:00

reply_subscribers holds each address once (normalized) with when it was
confirmed and when a confirmation was last sent (one a day at most);
reply_subscriptions the comments whose replies it wants (stopped ones kept, so
old unsubscribe links still answer); reply_notices the replies already mailed,
so a reply approved twice is mailed once.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reply_subscribers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(254), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('confirmation_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_subscribers')),
        sa.UniqueConstraint('email', name=op.f('uq_reply_subscribers_email')),
    )
    op.create_table(
        'reply_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscriber_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['subscriber_id'], ['reply_subscribers.id'],
                                name=op.f('fk_reply_subscriptions_subscriber_id_reply_subscribers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'],
                                name=op.f('fk_reply_subscriptions_comment_id_comments'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_subscriptions')),
        sa.UniqueConstraint('subscriber_id', 'comment_id',
                            name=op.f('uq_reply_subscriptions_subscriber_id')),
    )
    op.create_index('ix_reply_subscriptions_subscriber_id', 'reply_subscriptions',
                    ['subscriber_id'])
    op.create_index('ix_reply_subscriptions_comment_id', 'reply_subscriptions', ['comment_id'])
    op.create_table(
        'reply_notices',
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('reply_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['subscription_id'], ['reply_subscriptions.id'],
                                name=op.f('fk_reply_notices_subscription_id_reply_subscriptions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reply_id'], ['comments.id'],
                                name=op.f('fk_reply_notices_reply_id_comments'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('subscription_id', 'reply_id', name=op.f('pk_reply_notices')),
    )
    op.create_index('ix_reply_notices_reply_id', 'reply_notices', ['reply_id'])


def downgrade():
    op.drop_table('reply_notices')
    op.drop_table('reply_subscriptions')
    op.drop_table('reply_subscribers')
