"""The admin home: what needs attention, and the signed-in account."""

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from ..blog.queries import status_counts
from ..models import Post, utcnow
from .blueprint import bp
from .forms import SignOutEverywhereForm


@bp.get("/")
def index():
    # An author sees their own posts, as in the posts list: other people's drafts
    # are none of their business (the pending count in the context is scoped the same way).
    mine = Post.type == "post"
    if not current_user.can_edit_others:
        mine = sa.and_(mine, Post.author_id == current_user.id)
    counts = status_counts(mine, utcnow())
    return render_template("admin/index.html", counts=counts,
                           sign_out_form=SignOutEverywhereForm(),
                           signed_out="signed_out" in request.args)
