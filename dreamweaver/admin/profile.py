"""The signed-in user's own account (/admin/profile/): what readers see of it
(name, author page address, bio), its email address, its password, and mail
settings. Each is a small form of its own, saved on its own: a mistake in one
never loses what was typed in another.

Each form posts to its own URL. A plain post redirects (303) back to the page;
htmx swaps the form's section for its new state; a refused one comes back with
422 and its messages, as a page or as the section.
"""

import sqlalchemy as sa
from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import tokens
from ..auth import start_session
from ..budget import InputTooSlow
from ..extensions import db, limiter
from ..htmx import is_partial, render
from ..models import User
from ..sanitize import TooComplex, clean_comment
from ..slugs import is_reserved_page_slug, slugify
from . import account_links
from .blueprint import bp
from .comments import editable_text
from .forms import SignOutEverywhereForm
from .password_reset import refused
from .profile_forms import EmailChangeForm, NotificationsForm, PasswordChangeForm, ProfileForm

SECTIONS = {
    "details": "admin/_profile_details.html",
    "email": "admin/_profile_email.html",
    "password": "admin/_profile_password.html",
    "notifications": "admin/_profile_notifications.html",
}
# Guessing the current password through these forms is as slow as at the login.
GUESSES = "10 per minute"


def _user() -> User:
    return current_user._get_current_object()


def _blank_forms(user: User) -> dict:
    return {
        "details": ProfileForm(formdata=None, display_name=user.display_name, slug=user.slug,
                               bio=editable_text(user.bio or "")),
        "email": EmailChangeForm(formdata=None),
        "password": PasswordChangeForm(formdata=None),
        "notifications": NotificationsForm(formdata=None, notify_approved=user.notify_approved),
    }


def _show(section: str | None = None, form=None, message: str | None = None, status=200):
    """The profile page, or one section of it for htmx (`section`, with the
    form as posted and what became of it)."""
    user = _user()
    forms = _blank_forms(user)
    if section is not None and form is not None:
        forms[section] = form
    context = {"user": user, "forms": forms, "section": section, "message": message,
               "sign_out_form": SignOutEverywhereForm()}
    if section is None:  # the page itself is never a fragment (nothing swaps it whole)
        return render_template("admin/profile.html", fragment=False, **context), status
    return render("admin/profile.html", SECTIONS[section], **context), status


def _done(section: str, message: str):
    """After a save: the section with its message (htmx), or back to the page."""
    if is_partial():
        return _show(section, message=message)
    flash(message)
    return redirect(url_for("admin.profile", _anchor=f"profile-{section}"), 303)


@bp.get("/profile/")
def profile():
    return _show()


@bp.post("/profile/details")
def profile_details():
    user = _user()
    form = ProfileForm()
    bio = None
    if form.validate_on_submit():
        slug = _checked_slug(form, user)
        bio = _cleaned_bio(form)
    if form.errors or bio is None:
        return _show("details", form, status=422)
    user.display_name, user.slug, user.bio = form.display_name.data, slug, bio
    try:
        db.session.commit()
    except IntegrityError:  # another account took the slug meanwhile
        db.session.rollback()
        form.slug.errors.append(f"The address \u201c{slug}\u201d is taken by another author.")
        return _show("details", form, status=422)
    return _done("details", "Profile saved.")


def _checked_slug(form: ProfileForm, user: User) -> str | None:
    """The slug typed, made by the slug rules; None (with a message) when it is
    empty once made, reserved, or another author's."""
    slug = slugify(form.slug.data, 200)
    if not slug:
        form.slug.errors.append("Use letters or digits in the address.")
    elif is_reserved_page_slug(slug):
        form.slug.errors.append(f"\u201c{slug}\u201d is reserved; choose another address.")
    elif db.session.scalar(sa.select(User.id).where(User.slug == slug, User.id != user.id)
                           .limit(1)):
        form.slug.errors.append(f"The address \u201c{slug}\u201d is taken by another author.")
    else:
        return slug
    return None


def _cleaned_bio(form: ProfileForm) -> str | None:
    """The bio as the comment policy keeps it (stored clean, shown as stored)."""
    try:
        return clean_comment(form.bio.data or "")
    except (TooComplex, InputTooSlow) as error:
        form.bio.errors.append(str(error))
        return None


@bp.post("/profile/email")
@limiter.limit(GUESSES)
def profile_email():
    user = _user()
    form = EmailChangeForm()
    valid = form.validate_on_submit()
    address = form.email.data
    if valid:
        if not user.check_password(form.password.data):
            form.password.errors.append("That is not your current password.")
        elif address.lower() == (user.email or "").lower():
            form.email.errors.append("That is already your address.")
        elif account_links.email_taken(address, user.id):
            form.email.errors.append("Another account uses that address.")
    if not valid or form.errors:
        return _show("email", form, status=422)
    account_links.request_email_change(user, address)
    db.session.commit()
    return _done("email", f"We sent a link to {address}. Your address changes when you "
                 f"follow it (within {account_links.EMAIL_CHANGE_AGE // 3600} hours).")


@bp.post("/profile/password")
@limiter.limit(GUESSES)
def profile_password():
    user = _user()
    form = PasswordChangeForm()
    valid = form.validate_on_submit()
    if valid and not user.check_password(form.current_password.data):
        form.current_password.errors.append("That is not your current password.")
    if not valid or form.errors:
        return _show("password", form, status=422)
    user.set_password(form.new_password.data)  # ends every session, this one too
    db.session.commit()
    start_session(user)  # ... and this browser goes on with a new one
    flash("Password changed. Every other session of your account has ended.")
    target = url_for("admin.profile", _anchor="profile-password")
    if is_partial():
        # The page's CSRF token belonged to the old session: a whole new page, not a swap.
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


@bp.post("/profile/notifications")
def profile_notifications():
    form = NotificationsForm()
    if not form.validate_on_submit():
        return _show("notifications", form, status=422)
    _user().notify_approved = form.notify_approved.data
    db.session.commit()
    return _done("notifications", "Mail settings saved.")


@bp.get("/profile/email/<token>")
def email_change_confirm(token):
    """The link mailed to the new address: following it (signed in or not)
    makes the change, once."""
    try:
        user, address = account_links.email_change_of(token)
    except tokens.Refused as refusal:
        return refused(str(refusal))
    if current_user.is_authenticated and current_user.id != user.id:
        return refused("This link is for another account. Log out, then follow it again.")
    if account_links.email_taken(address, user.id):
        return refused("Another account now uses that address, so it cannot be yours too.",
                        409)
    user.email = address
    db.session.commit()
    flash(f"Your email address is now {address}.")
    signed_in = current_user.is_authenticated
    return redirect(url_for("admin.profile" if signed_in else "admin.login"), 303)

