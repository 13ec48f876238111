"""The admin home: what needs attention."""

import sqlalchemy as sa
from flask import render_template

from ..extensions import db
from ..models import Post
from .blueprint import bp


@bp.get("/")
def index():
    counts = dict(db.session.execute(
        sa.select(Post.status, sa.func.count()).where(Post.type == "post").group_by(Post.status)
    ).all())
    return render_template("admin/index.html", counts=counts)
