"""page parents: posts.parent_id, WordPress's post_parent for pages

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 04:00:00

A page may sit under another page and then lives at /<parent>/<child>/
(permalinks.page_path). The column is nullable (a top-level page) and refers
to posts itself; deleting a page moves its children up to its own parent in
the application (publishing.delete), and ON DELETE SET NULL backs that up.

Pages imported before this kept their WordPress hierarchy only as redirects;
importing the same file again (idempotent) gives them their parents.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: SQLite would rebuild posts and lose the search triggers.
    # SQLite adds a column with an inline REFERENCES (it cannot add a constraint
    # to a table); PostgreSQL gets the named constraint the models declare.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE posts ADD COLUMN parent_id INTEGER '
                   'REFERENCES posts (id) ON DELETE SET NULL')
    else:
        op.add_column('posts', sa.Column('parent_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_posts_parent_id_posts'), 'posts', 'posts',
                              ['parent_id'], ['id'], ondelete='SET NULL')
    op.create_index(op.f('ix_posts_parent_id'), 'posts', ['parent_id'])


def downgrade():
    op.drop_index(op.f('ix_posts_parent_id'), table_name='posts')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_posts_parent_id_posts'), 'posts', type_='foreignkey')
    op.drop_column('posts', 'parent_id')
