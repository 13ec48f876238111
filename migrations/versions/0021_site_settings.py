"""site settings: the groups of settings the owner edits in /admin, and their history

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 13:00:00

A group without a row takes its values from configuration, so an existing
site looks exactly as before until its owner saves a setting (settings/).
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_settings',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_site_settings')),
    )
    op.create_table(
        'settings_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.Column('restored_from', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_settings_changes_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_settings_changes')),
    )
    op.create_index('ix_settings_changes_name_id', 'settings_changes', ['name', 'id'])
    # The settings generation (caching.SETTINGS), read with the content's.
    site_state = sa.table('site_state', sa.column('key', sa.String), sa.column('value', sa.BigInteger))
    op.bulk_insert(site_state, [{'key': 'settings', 'value': 0}])


def downgrade():
    op.execute("DELETE FROM site_state WHERE key = 'settings'")
    op.drop_table('settings_changes')
    op.drop_table('site_settings')
