"""Signing in and out of /admin."""

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from ..auth import safe_next
from ..extensions import csrf, db, limiter
from ..models import User
from .blueprint import bp
from .forms import LoginForm, LogoutForm

WRONG = "Wrong user name or password."


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # checked by LoginForm itself, after the rate limit has counted the attempt
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    target = safe_next(request.args.get("next")) or url_for("admin.index")
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.login == form.username.data))
        if user is not None and user.check_password(form.password.data):
            login_user(user)
            return redirect(target, 303)
        form.form_errors.append(WRONG)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/login.html", form=form), status


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
    return redirect(url_for("admin.login"), 303)
