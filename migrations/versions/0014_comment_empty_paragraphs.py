"""comment empty paragraphs: take "<p></p>" out of stored comments

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:00:00

Comments were wrapped whole in <p>, so a quotation became
"<p><blockquote>…</blockquote></p>", which the parser (and so the stored,
cleaned HTML) turns into "<p></p><blockquote>…</blockquote><p></p>". The
sanitizer writes no empty paragraph now; this takes them out of comments
stored before. The string is exact: the comment policy gives <p> no
attributes, and a "<p></p>" a reader typed is stored escaped ("&lt;p&gt;").
Tags stored escaped as text are left alone: "&lt;h1&gt;" may be a removed tag
or what a reader typed to show one, and nothing tells the two apart (see
docs/decisions.md). The content generation moves on so that no cache serves
the old threads.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

EMPTY = '<p></p>'
comments = sa.table('comments', sa.column('content_html', sa.Text))


def repair(connection):
    """The upgrade's work, on any connection (the tests call it)."""
    connection.execute(
        comments.update().where(comments.c.content_html.contains(EMPTY, autoescape=True))
        .values(content_html=sa.func.replace(comments.c.content_html, EMPTY, ''))
    )
    connection.execute(sa.text("UPDATE site_state SET value = value + 1 WHERE key = 'content'"))


def upgrade():
    repair(op.get_bind())


def downgrade():
    # Empty paragraphs showed nothing; there is nothing to put back.
    pass
