"""repair demo threads: replies seeded without a thread, posts' comment counts

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 03:00:00

`seed-demo` stored every reply with thread_id NULL (it read the parent's id
before any flush), and a page loads a thread's replies by thread_id, so none
was shown. This gives each such reply its top-level comment's id, as the code
stores it (a top-level comment keeps thread_id NULL), recounts every post's
comment_count from its approved comments, and moves the content generation on
so that no cache serves the pages without them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

comments = sa.table('comments', sa.column('id', sa.Integer), sa.column('post_id', sa.Integer),
                    sa.column('parent_id', sa.Integer), sa.column('thread_id', sa.Integer),
                    sa.column('status', sa.String))
posts = sa.table('posts', sa.column('id', sa.Integer), sa.column('comment_count', sa.Integer))


def repair(connection):
    """Thread every reply that has none and recount posts: the upgrade's work."""
    parents = dict(connection.execute(sa.select(comments.c.id, comments.c.parent_id)).all())
    lost = connection.execute(sa.select(comments.c.id).where(
        comments.c.parent_id.is_not(None), comments.c.thread_id.is_(None))).scalars().all()
    for comment_id in lost:
        root, seen = parents[comment_id], {comment_id}
        while parents.get(root) is not None and root not in seen:
            seen.add(root)
            root = parents[root]
        connection.execute(
            comments.update().where(comments.c.id == comment_id).values(thread_id=root)
        )
    approved = (
        sa.select(sa.func.count()).select_from(comments)
        .where(comments.c.post_id == posts.c.id, comments.c.status == 'approved')
        .scalar_subquery()
    )
    connection.execute(posts.update().values(comment_count=approved))
    connection.execute(sa.text("UPDATE site_state SET value = value + 1 WHERE key = 'content'"))


def upgrade():
    repair(op.get_bind())


def downgrade():
    # Threaded replies and exact counts are what the code stores; nothing to undo.
    pass
