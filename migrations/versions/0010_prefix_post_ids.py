"""prefix ids in stored posts: id="x" becomes id="user-content-x"

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:00:00

The post policy now prefixes every id and anchor name an author writes (so
id="respond" can no longer capture the page's comment form) and points the
post's own "#x" links at them. Posts stored before keep their raw ids until
saved again; this applies the same rule to them. content_html is the
sanitizer's serialization (attributes double-quoted, or single-quoted when the
value holds a double quote), so matching its attributes is exact. The content
generation moves on so that no cache serves the old HTML.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

PREFIX = 'user-content-'
_TAG = re.compile(r'<[a-z][a-z0-9]*\s[^>]*>')
_ATTRIBUTE = re.compile(r'''(\s)([^\s=>]+)=("[^"]*"|'[^']*')''')

posts = sa.table('posts', sa.column('id', sa.Integer), sa.column('content_html', sa.Text))


def prefixed(html: str) -> str:
    """The post policy's id rule applied to HTML it cleaned before the rule."""
    tags = _TAG.findall(html)
    defined = {value[1:-1] for tag in tags for _, name, value in _ATTRIBUTE.findall(tag)
               if name in ('id', 'name')}

    def attribute(match):
        space, name, value = match.groups()
        quote, inner = value[0], value[1:-1]
        if name in ('id', 'name') and inner and not inner.startswith(PREFIX):
            inner = PREFIX + inner
        elif (name == 'href' and inner.startswith('#') and inner[1:] in defined
              and not inner.startswith('#' + PREFIX)):
            inner = '#' + PREFIX + inner[1:]
        return f'{space}{name}={quote}{inner}{quote}'

    return _TAG.sub(lambda match: _ATTRIBUTE.sub(attribute, match[0]), html)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(posts.c.id, posts.c.content_html).where(
            sa.or_(posts.c.content_html.like('% id=%'), posts.c.content_html.like('% name=%')))
    )
    changed = [(row.id, prefixed(row.content_html)) for row in rows]
    for post_id, html in changed:
        connection.execute(posts.update().where(posts.c.id == post_id).values(content_html=html))
    connection.execute(sa.text("UPDATE site_state SET value = value + 1 WHERE key = 'content'"))


def downgrade():
    # Prefixed ids are what the post policy makes from now on; nothing to undo.
    pass
