"""move the content generation on: cached values moved class paths

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 05:00:00

Widget values are pickled dataclasses, and the modules that define them moved
into packages (dreamweaver.widgets became dreamweaver.blog.widgets). A shared
Redis may still hold entries written by the release before: moving the
generation on means no key of theirs is ever read again (an entry that is read
all the same, during a rolling deploy, is a miss: caching.UNREADABLE).
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().execute(sa.text("UPDATE site_state SET value = value + 1 WHERE key = 'content'"))


def downgrade():
    # The older release's classes are back: its keys are new to it either way.
    op.get_bind().execute(sa.text("UPDATE site_state SET value = value + 1 WHERE key = 'content'"))
