"""The admin home: what needs attention, and the signed-in account."""

from flask import render_template, request

from ..models import Post, utcnow
from ..queries import status_counts
from .blueprint import bp
from .forms import SignOutEverywhereForm


@bp.get("/")
def index():
    counts = status_counts(Post.type == "post", utcnow())
    return render_template("admin/index.html", counts=counts,
                           sign_out_form=SignOutEverywhereForm(),
                           signed_out="signed_out" in request.args)
