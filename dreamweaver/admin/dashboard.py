"""The admin home: what needs attention, and the signed-in account."""

import sqlalchemy as sa
from flask import render_template, request

from ..extensions import db
from ..models import Post
from .blueprint import bp
from .forms import SignOutEverywhereForm


@bp.get("/")
def index():
    counts = dict(db.session.execute(
        sa.select(Post.status, sa.func.count()).where(Post.type == "post").group_by(Post.status)
    ).all())
    return render_template("admin/index.html", counts=counts,
                           sign_out_form=SignOutEverywhereForm(),
                           signed_out="signed_out" in request.args)
