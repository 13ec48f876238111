"""The fediverse in /admin (administrators only): who follows the blog and
its authors, with "Remove" and "Block" for each, and the blocked actors and
servers, with "Unblock" and a form to block a server by name.

Every write is a plain form POST that redirects (303); with htmx the screen
is swapped in place with what was done said.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from ..extensions import db
from ..federation import followers
from ..federation.models import Block, Follower
from ..federation.views import enabled
from ..htmx import is_partial, render
from ..params import MAX_ID, whole_number
from .blueprint import administrators_only, bp
from .forms import ModerationForm

ID = f"int(max={MAX_ID})"
MAX_PAGE = 10**6


class BlockDomainForm(FlaskForm):
    domain = StringField("Server", validators=[
        InputRequired("Type the server's name, such as example.social."), Length(max=300)])


def _page_number() -> int:
    return whole_number(request.args.get("page", "1"), MAX_PAGE) or abort(404)


def _render(number: int = 1, message: str = "", status: int = 200, form=None):
    listing = followers.page(number) or abort(404)
    title = "Fediverse" + (f", page {number}" if number > 1 else "")
    html = render("admin/fediverse.html", "admin/_fediverse.html", listing=listing,
                  total=followers.count(), blocks=followers.blocks(), enabled=enabled(),
                  message=message, title=title, form=ModerationForm(),
                  followed_name=followers.followed_name,
                  block_form=form or BlockDomainForm(formdata=None))
    return make_response(html, status)


def _done(message: str, status: int = 200, form=None):
    if is_partial() or status >= 400:
        response = _render(message=message, status=status, form=form)
        if is_partial():
            response.headers["HX-Replace-Url"] = url_for("admin.fediverse")
        return response
    flash(message)
    return redirect(url_for("admin.fediverse"), 303)


def _checked() -> None:
    if not ModerationForm().validate_on_submit():
        abort(400)


def _follower(follower_id: int) -> Follower:
    """The follower a button names, once its form's token is checked."""
    _checked()
    return db.session.get(Follower, follower_id) or abort(404)


@bp.get("/fediverse/")
@administrators_only
def fediverse():
    return _render(_page_number())


@bp.post(f"/fediverse/followers/<{ID}:follower_id>/remove")
@administrators_only
def fediverse_remove(follower_id):
    follower = _follower(follower_id)
    said = f"{follower.actor.name or follower.actor.uri} no longer follows " \
           f"{followers.followed_name(follower.local)}."
    followers.remove(follower)
    db.session.commit()
    return _done(said)


@bp.post(f"/fediverse/followers/<{ID}:follower_id>/block")
@administrators_only
def fediverse_block_actor(follower_id):
    actor = _follower(follower_id).actor
    followers.block_actor(actor)
    db.session.commit()
    return _done(f"{actor.name or actor.uri} is blocked: what they send is dropped.")


@bp.post("/fediverse/blocks")
@administrators_only
def fediverse_block_domain():
    form = BlockDomainForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _done(" ".join(form.domain.errors), 422, form)
    domain = followers.normal_domain(form.domain.data)
    if domain is None:
        return _done(f"“{form.domain.data.strip()[:100]}” is not a server's name, such as "
                     "example.social.", 422, form)
    lost = followers.block_domain(domain)
    db.session.commit()
    return _done(f"{domain} is blocked: what its people send is dropped"
                 + (f", and {lost} follower{'s' if lost != 1 else ''} removed." if lost else "."))


@bp.post(f"/fediverse/blocks/<{ID}:block_id>/unblock")
@administrators_only
def fediverse_unblock(block_id):
    _checked()
    block = db.session.get(Block, block_id) or abort(404)
    value = block.value
    followers.unblock(block)
    db.session.commit()
    return _done(f"{value} is no longer blocked.")
