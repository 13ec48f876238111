"""session generation: a per-user counter that ends every session when it moves

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 10:00:00

Each session holds the generation its user had at login; logging out, changing
the password or "Sign out everywhere else" moves it on, so a copied session
cookie stops working. Existing accounts start at 0, as their sessions do not
carry a generation yet and are signed out once (they held only the user id).
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    # Not in batch mode: SQLite would rebuild users, and dropping the old table
    # with foreign keys on sets every post's author to NULL. SQLite (3.35 and
    # later) drops a plain column in place, as PostgreSQL does.
    op.drop_column('users', 'session_generation')
