"""The admin home: what needs attention, and the signed-in account."""

from flask import render_template, request
from flask_login import current_user

from .blueprint import bp
from .forms import SignOutEverywhereForm
from .queries import post_counts


@bp.get("/")
def index():
    # An author sees their own posts, as in the posts list: other people's drafts
    # are none of their business (the pending count in the context is scoped the same way).
    counts = post_counts("post", current_user)
    return render_template("admin/index.html", counts=counts,
                           sign_out_form=SignOutEverywhereForm(),
                           signed_out="signed_out" in request.args)
