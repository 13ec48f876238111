"""A forgotten password (WordPress's "Lost your password?"): ask for a link by
email, follow it, choose a new password.

The asking page answers the same, with the same status, whatever the address:
an account's, a disabled account's, nobody's. It only hands the address to the
task queue (account_links.send_reset_link), so existing accounts are not
slower to answer either. Limits: per IP here, per address in the task.
"""

from flask import flash, make_response, redirect, render_template, url_for

from .. import tokens
from ..extensions import csrf, db, limiter
from . import account_links
from .blueprint import bp
from .profile_forms import NewPasswordForm, PasswordResetForm

# Enough for someone who mistyped their address a few times.
PER_IP = "5 per minute;20 per hour"


@bp.route("/password-reset/", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, after the rate limit has counted the request
@limiter.limit(PER_IP, methods=["POST"])
def password_reset():
    form = PasswordResetForm()
    if form.validate_on_submit():
        account_links.ask_for_reset(form.email.data)
        # The task is sent when the request's transaction (if any) ends.
        db.session.commit()
        return render_template("admin/password_reset.html", form=form, sent=True)
    status = 422 if form.errors else 200
    return render_template("admin/password_reset.html", form=form, sent=False), status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def password_reset_choose(token):
    """The mailed link: a form for the new password, which ends every session
    (and, by changing the hash, the link itself)."""
    try:
        user = account_links.reset_user(token)
    except tokens.Refused as refusal:
        return refused(str(refusal), ask_again=True)
    form = NewPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.new_password.data)
        db.session.commit()
        flash("Your password has been changed. Log in with the new one.")
        return redirect(url_for("admin.login"), 303)
    status = 422 if form.errors else 200
    return make_response(
        render_template("admin/password_reset_choose.html", form=form, user=user), status)


def refused(message: str, status: int = 400, ask_again: bool = False):
    """A mailed link that does not work: why, and what to do (400, or 409)."""
    return make_response(render_template(
        "admin/link_refused.html", message=message, ask_again=ask_again), status)

