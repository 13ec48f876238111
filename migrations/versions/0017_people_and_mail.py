"""people and mail: WordPress's three roles, account state, the mail outbox

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 09:30:00

Roles take WordPress's names (admin becomes administrator; editor is new).
users gains what the people screen and profiles need: when an account was
invited, disabled and last signed in, a short bio, and whether its owner wants
mail for each approved comment on their posts. mail_outbox holds every message
from the transaction that caused it until a mail server has taken it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('role', type_='check')
    op.execute("UPDATE users SET role = 'administrator' WHERE role = 'admin'")
    with op.batch_alter_table('users') as batch:
        batch.create_check_constraint('role', "role IN ('administrator', 'editor', 'author')")
        batch.add_column(sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('bio', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('notify_approved', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(40), nullable=False),
        sa.Column('to_address', sa.String(254), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(300), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=False),
        sa.Column('message_id', sa.String(250), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.String(500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name=op.f('ck_mail_outbox_status')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_outbox_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
        sa.UniqueConstraint('message_id', name=op.f('uq_mail_outbox_message_id')),
    )
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['status', 'next_attempt_at'])
    op.create_index('ix_mail_outbox_recipient', 'mail_outbox', ['to_address', 'kind', 'created_at'])
    op.create_index('ix_mail_outbox_created', 'mail_outbox', ['created_at'])


def downgrade():
    op.drop_table('mail_outbox')
    with op.batch_alter_table('users') as batch:
        for column in ('notify_approved', 'bio', 'last_login_at', 'disabled_at', 'invited_at'):
            batch.drop_column(column)
        batch.drop_constraint('role', type_='check')
    op.execute("UPDATE users SET role = 'admin' WHERE role = 'administrator'")
    op.execute("UPDATE users SET role = 'author' WHERE role = 'editor'")
    with op.batch_alter_table('users') as batch:
        batch.create_check_constraint('role', "role IN ('admin', 'author')")
