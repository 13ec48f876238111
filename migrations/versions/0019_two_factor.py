"""two-factor sign-in: an account's sealed TOTP secret and its recovery codes

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 09:30:00

two_factor holds one row per account with two-factor sign-in on: the TOTP
secret sealed with a key derived from SECRET_KEY (sealed.py), when it was
turned on, and the time step of the last code accepted (a code is never
accepted twice). recovery_codes holds the SHA-256 hashes of the account's
one-time recovery codes; using one deletes its row.
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'two_factor',
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('secret', sa.String(255), nullable=False),
        sa.Column('enabled_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_step', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_two_factor_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_two_factor')),
    )
    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
        sa.UniqueConstraint('user_id', 'code_hash', name='uq_recovery_codes_user_code'),
    )


def downgrade():
    op.drop_table('recovery_codes')
    op.drop_table('two_factor')
