"""search: posts.content_text, SQLite FTS5 / PostgreSQL tsvector + GIN

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:10:00

Any later migration that makes SQLite recreate the posts table (batch mode
"copy and move") drops the FTS triggers below and must create them again.
"""
import html
import re

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE posts_fts USING fts5(
        title, content_text, content='posts', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts(rowid, title, content_text)
        VALUES (new.id, new.title, new.content_text);
    END""",
    """CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
        INSERT INTO posts_fts(posts_fts, rowid, title, content_text)
        VALUES ('delete', old.id, old.title, old.content_text);
    END""",
    """CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, content_text ON posts BEGIN
        INSERT INTO posts_fts(posts_fts, rowid, title, content_text)
        VALUES ('delete', old.id, old.title, old.content_text);
        INSERT INTO posts_fts(rowid, title, content_text)
        VALUES (new.id, new.title, new.content_text);
    END""",
    "INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')",
]

POSTGRES_UP = [
    """ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(content_text, '')), 'B')
    ) STORED""",
    "CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)",
]

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def _text_of(content_html):
    # A frozen copy of markup.text_of as it was when this migration was written.
    text = html.unescape(_TAG.sub(" ", content_html or ""))
    return _SPACE.sub(" ", re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)).strip()


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_text', sa.Text(), nullable=False,
                                      server_default=''))
    connection = op.get_bind()
    posts = sa.table('posts', sa.column('id'), sa.column('content_html'),
                     sa.column('content_text'))
    for post_id, content_html in connection.execute(sa.select(posts.c.id, posts.c.content_html)):
        connection.execute(
            posts.update().where(posts.c.id == post_id).values(content_text=_text_of(content_html))
        )
    for statement in SQLITE_UP if connection.dialect.name == 'sqlite' else POSTGRES_UP:
        op.execute(statement)


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'sqlite':
        for name in ('posts_fts_insert', 'posts_fts_delete', 'posts_fts_update'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS posts_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_posts_search_vector")
        op.execute("ALTER TABLE posts DROP COLUMN IF EXISTS search_vector")
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('content_text')
