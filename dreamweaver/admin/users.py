"""People (administrators only): the accounts with their roles and last
sign-in; add one (an invitation by email, or a password now); change a role;
disable and enable; delete, with the choice of what becomes of their posts.

Every write is a Flask-WTF form: a plain POST answers 303 back to the list
with a message; from the list, htmx swaps the person's row in place. The site
always keeps an administrator who can sign in: a change that would leave
none is refused with 409.
"""

import functools

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import publishing
from ..extensions import db
from ..htmx import is_partial, render
from ..models import ROLES, Media, Post, User, utcnow
from ..slugs import slugify, unique_slug
from . import invitations
from .blueprint import bp
from .queries import active_administrators, content_of, people, post_count
from .user_forms import RoleForm, UserActionForm, UserCreateForm, UserDeleteForm

ID = "int(max=2147483647)"
STATE_LABELS = {"active": "Active", "invited": "Invited, not yet accepted",
                "disabled": "Disabled"}
LAST_ADMIN = ("The site needs an administrator who can sign in: make someone else an "
              "administrator first.")


def state_of(user: User) -> str:
    if user.disabled_at is not None:
        return "disabled"
    return "invited" if user.invited_at is not None else "active"


def admins_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, "Only administrators manage people.")
        return view(*args, **kwargs)

    return wrapper


def person(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def keeps_an_administrator(user: User) -> None:
    """409 unless someone other than `user` is an administrator who can sign in."""
    if user.role == "administrator" and not active_administrators(but=user.id):
        abort(409, LAST_ADMIN)


def context() -> dict:
    return {"state_of": state_of, "state_labels": STATE_LABELS, "roles": ROLES}


@bp.get("/users/")
@admins_only
def users():
    return render("admin/users/index.html", "admin/users/_list.html",
                  people=people(), **context())


@bp.route("/users/new", methods=["GET", "POST"])
@admins_only
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        shown = form.display_name.data or form.login.data
        user = User(login=form.login.data, email=form.email.data, display_name=shown,
                    role=form.role.data, slug=unique_slug(User.slug, slugify(shown) or "author"))
        db.session.add(user)
        if form.method.data == "password":
            user.set_password(form.password.data)
            message = f"{shown} ({user.login}) can sign in now with the password you set."
        else:
            message = f"Invitation sent to {user.email}."
        try:
            if form.method.data == "invite":
                invitations.send(user, current_user)  # flushes: the login's uniqueness
            db.session.commit()
        except IntegrityError:  # another request took the login meanwhile
            db.session.rollback()
            form.login.errors.append("That login was just taken; choose another.")
        else:
            return done(message)
    return render_template("admin/users/new.html", form=form), 422 if form.errors else 200


@bp.get(f"/users/<{ID}:user_id>/")
@admins_only
def user(user_id):
    return shown(person(user_id))


def shown(user: User, status: int = 200, **extra):
    """The person's own page, or their row for htmx (the list's forms)."""
    user.post_count = post_count(user.id)
    html = render("admin/users/user.html", "admin/users/_row.html", user=user,
                  inline=is_partial(), **context(), **extra)
    return make_response(html, status)


def done(message: str, user: User | None = None):
    """After a write: the row as it is now for htmx, else back to the list (303)."""
    if user is not None and is_partial():
        user.post_count = post_count(user.id)
        return render_template("admin/users/_row.html", user=user, notice=message,
                               inline=True, **context())
    flash(message)
    return redirect(url_for("admin.users"), 303)


def checked(form) -> None:
    """A form whose only content is the CSRF token: 400 when it is missing."""
    if not form.validate_on_submit():
        abort(400)


@bp.post(f"/users/<{ID}:user_id>/role")
@admins_only
def user_role(user_id):
    user = person(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return shown(user, 422, role_errors=form.role.errors)
    if form.role.data != "administrator":
        keeps_an_administrator(user)
    user.role = form.role.data
    db.session.commit()
    return done(f"{user.display_name} is now {'an' if user.role[0] in 'ae' else 'a'} "
                f"{user.role}.", user)


@bp.post(f"/users/<{ID}:user_id>/disable")
@admins_only
def user_disable(user_id):
    user = person(user_id)
    checked(UserActionForm())
    if user.disabled_at is None:
        keeps_an_administrator(user)
        user.disabled_at = utcnow()
        user.end_sessions()  # signed out everywhere, at once
        db.session.commit()
    if user.id == current_user.id:  # signed out with the rest of their sessions
        if is_partial():
            response = make_response("", 200)
            response.headers["HX-Redirect"] = url_for("admin.login")
            return response
        return redirect(url_for("admin.login"), 303)
    return done(f"{user.display_name} is disabled and signed out everywhere.", user)


@bp.post(f"/users/<{ID}:user_id>/enable")
@admins_only
def user_enable(user_id):
    user = person(user_id)
    checked(UserActionForm())
    user.disabled_at = None
    db.session.commit()
    return done(f"{user.display_name} can sign in again.", user)


@bp.post(f"/users/<{ID}:user_id>/invite")
@admins_only
def user_invite(user_id):
    user = person(user_id)
    checked(UserActionForm())
    if user.invited_at is None or user.disabled_at is not None or not user.email:
        abort(409, f"{user.display_name} has no invitation to send again.")
    invitations.send(user, current_user)
    db.session.commit()
    return done(f"A new invitation was sent to {user.email}; the earlier link no longer "
                "works.", user)


@bp.route(f"/users/<{ID}:user_id>/delete", methods=["GET", "POST"])
@admins_only
def user_delete(user_id):
    user = person(user_id)
    if user.id == current_user.id:
        abort(409, "You cannot delete your own account.")
    others = list(db.session.scalars(
        sa.select(User).where(User.id != user.id).order_by(sa.func.lower(User.login))))
    form = UserDeleteForm(others)
    posts, media = content_of(user.id)
    if form.validate_on_submit():
        keeps_an_administrator(user)
        name = f"{user.display_name} ({user.login})"
        if form.posts.data == "attribute":
            heir = db.session.get(User, form.attribute_to.data)
            hand_over(user, heir.id)
            outcome = f"; their posts and media now belong to {heir.display_name}"
        else:
            delete_content(user)
            outcome = "; their posts are deleted"
        db.session.delete(user)
        db.session.commit()
        return done(f"Deleted {name}{outcome}.")
    return render_template("admin/users/delete.html", user=user, form=form, posts=posts,
                           media=media), 422 if form.errors else 200


def hand_over(user: User, heir_id: int) -> None:
    """Every post, page and image of `user` becomes `heir_id`'s."""
    db.session.execute(sa.update(Post).where(Post.author_id == user.id)
                       .values(author_id=heir_id).execution_options(synchronize_session=False))
    db.session.execute(sa.update(Media).where(Media.owner_id == user.id)
                       .values(owner_id=heir_id).execution_options(synchronize_session=False))


def delete_content(user: User) -> None:
    """Delete their posts and pages for good, as WordPress does (publishing's
    rule: a page's children move up; comments on them go with them). Their
    images stay, since other posts may show them: they pass to the
    administrator deleting the account."""
    for post in db.session.scalars(sa.select(Post).where(Post.author_id == user.id)
                                   .order_by(Post.id)).all():
        publishing.delete(post)
    db.session.flush()
    db.session.execute(sa.update(Media).where(Media.owner_id == user.id)
                       .values(owner_id=current_user.id)
                       .execution_options(synchronize_session=False))
