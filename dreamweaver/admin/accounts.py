"""Signing in and out of /admin, and ending the account's other sessions."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ..auth import authenticate, end_session, safe_next, sign_in, start_session
from ..extensions import csrf, db, limiter
from ..two_factor import is_on as two_factor_on
from .blueprint import bp
from .forms import LoginForm, LogoutForm, SignOutEverywhereForm
from .two_factor import begin_second_step

WRONG = "Wrong user name or password."


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # checked by LoginForm itself, after the rate limit has counted the attempt
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    target = safe_next(request.args.get("next")) or url_for("admin.index")
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            if two_factor_on(user):
                return begin_second_step(user, target)
            sign_in(user)
            db.session.commit()
            return redirect(target, 303)
        form.form_errors.append(WRONG)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/login.html", form=form), status


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        end_session(current_user._get_current_object())
        db.session.commit()
    return redirect(url_for("admin.login"), 303)


@bp.post("/sign-out-everywhere")
def sign_out_everywhere():
    """Every other browser and every copied cookie is signed out; this browser
    goes on with a new session (WordPress's "Log Out Everywhere Else")."""
    if not SignOutEverywhereForm().validate_on_submit():
        return redirect(url_for("admin.index"), 303)
    user = current_user._get_current_object()
    user.end_sessions()
    db.session.commit()
    start_session(user)
    return redirect(url_for("admin.index", signed_out=1), 303)
