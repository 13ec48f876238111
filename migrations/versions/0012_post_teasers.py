"""post teasers: posts.teaser_html, the HTML before <!--more-->

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:10:00

Listings show a post's teaser, as WordPress's theme does: its HTML before the
first <!--more-->. The post policy drops HTML comments, so the split is made
from the source when a post is saved (markup.render_teaser) and stored. Posts
already stored get theirs here, from the same function; a source the renderer
refuses keeps no teaser (its listing falls back to the excerpt). The content
generation moves on so that no cache serves the old listings.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

posts = sa.table('posts', sa.column('id', sa.Integer), sa.column('source', sa.Text),
                 sa.column('format', sa.String), sa.column('teaser_html', sa.Text))


def upgrade():
    # Not in batch mode: SQLite would rebuild posts and lose the search triggers.
    op.add_column('posts', sa.Column('teaser_html', sa.Text(), nullable=False,
                                     server_default=''))
    fill(op.get_bind())


def fill(connection):
    """Store the teaser of every post whose source has a <!--more-->."""
    from dreamweaver.budget import InputTooSlow
    from dreamweaver.sanitize.htmlshape import TooComplex
    from dreamweaver.markup import MORE, render_teaser

    rows = connection.execute(sa.select(posts.c.id, posts.c.source, posts.c.format)
                              .where(posts.c.source.contains(MORE, autoescape=True))).all()
    for post_id, source, fmt in rows:
        try:
            teaser = render_teaser(source, fmt)
        except (TooComplex, InputTooSlow):
            continue
        connection.execute(posts.update().where(posts.c.id == post_id)
                           .values(teaser_html=teaser))
    connection.execute(sa.text("UPDATE site_state SET value = value + 1 WHERE key = 'content'"))


def downgrade():
    op.drop_column('posts', 'teaser_html')
