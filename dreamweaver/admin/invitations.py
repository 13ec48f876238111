"""Invitations: the mail an administrator has sent to a new account, and the
public page its link opens, where the person chooses a password and is
signed in.

The link is a token (tokens.py) bound to the account's password hash and the
moment it was invited: choosing a password, or inviting again (which moves
invited_at), changes that state, so a link works once and only the newest
one works. It expires after 72 hours on its own.
"""

from flask import abort, redirect, render_template, url_for

from .. import settings, tokens
from ..auth import sign_in
from ..extensions import csrf, db, limiter
from ..mail import outbox
from ..models import User, utcnow
from .blueprint import bp
from .user_forms import InvitationForm

PURPOSE = "invitation"
MAX_AGE = 72 * 60 * 60


def _state(user: User) -> str:
    return user.password_hash + "|" + (user.invited_at.isoformat() if user.invited_at else "")


def send(user: User, inviter: User) -> None:
    """(Re)invite `user`: a new invited_at kills every earlier link, and the
    mail with the new one is queued in the caller's transaction."""
    user.invited_at = utcnow()
    db.session.flush()
    token = tokens.issue(PURPOSE, user.id, _state(user))
    outbox.queue(user.email, f"Your invitation to {settings.current().site_title}",
                 "invitation", kind="invitation", user_id=user.id, token=token,
                 name=user.display_name, login=user.login, role=user.role,
                 inviter=inviter.display_name, hours=MAX_AGE // 3600)


def _invited(subject) -> str | None:
    """The state of the invited account now; None when there is none to
    accept (deleted, disabled, or no user id at all)."""
    if not isinstance(subject, int) or isinstance(subject, bool):
        return None
    user = db.session.get(User, subject, with_for_update=True)
    if user is None or user.disabled_at is not None:
        return None
    return _state(user)


def _redeemed(token: str) -> User:
    """The account the token invites, or the refusal's page (400 for a link
    that is not one, 410 for one that expired or was used)."""
    try:
        user_id = tokens.redeem(PURPOSE, token, MAX_AGE, _invited)
    except tokens.Refused as refused:
        message = str(refused)
        abort(400 if message == tokens.INVALID else 410, message)
    return db.session.get(User, user_id)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@csrf.exempt  # checked by InvitationForm itself, after the rate limit has counted the attempt
@limiter.limit("10 per minute", methods=["POST"])
def invitation(token):
    user = _redeemed(token)
    form = InvitationForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        user.invited_at = None
        sign_in(user)
        db.session.commit()
        return redirect(url_for("admin.index"), 303)
    return render_template("admin/users/invitation.html", form=form, user=user,
                           token=token), 422 if form.errors else 200
