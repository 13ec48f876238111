"""The header menu in /admin/menus/ (administrators only): add pages,
categories, tags, Home and custom links; relabel, reorder (buttons, or drag
and drop with static/js/menu-order.js), nest one level, remove; or go back to
the automatic menu. Every change is a settings save of the group "menu", so
it is in the history (with put back) and every worker sees it at once.

The structure form posts every item's place, depth and label (the screen as
the owner sees it) and one button; a plain POST redirects (303), htmx swaps
the screen in place; a refused change comes back with 422 and its message
beside the item, and nothing is saved. Places are only meaningful for the
menu the screen was drawn from: a `revision` says which, and a post about
another (someone saved meanwhile) is refused with 409.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField, SelectField, StringField

from .. import settings as site_settings
from ..extensions import db
from ..htmx import is_partial, render
from ..inputs import one_line
from ..menus import editing, tree
from ..menus.group import name as item_name
from ..menus.group import titles
from ..menus.items import automatic_items
from ..models import Category, Post, Tag
from .blueprint import administrators_only, bp

RACE = ("Someone else changed the menu at the same moment. Look at it again, and make "
        "your change once more.")
STALE = ("The menu changed since this page was shown (someone else saved it). Here it is "
         "as it is now: make your change again.")
ADD_KINDS = ("page", "category", "tag", "custom", "home")


class MenuForm(FlaskForm):
    """The structure form: which menu it was drawn from and the button pressed;
    the items' places, depths and labels come as repeated fields."""
    revision = HiddenField()
    action = HiddenField()


class MenuItemForm(FlaskForm):
    kind = HiddenField()
    page = SelectField("Page", choices=[], validate_choice=False)
    category = SelectField("Category", choices=[], validate_choice=False)
    tag = StringField("Tag", filters=[one_line])
    url = StringField("Address (URL)", filters=[one_line])
    label = StringField("Label", filters=[one_line])


class ResetForm(FlaskForm):
    """Only the session CSRF token."""


def current_items() -> tuple[list, bool]:
    """The menu as items, and whether it is the automatic one (then its items
    are what the header shows now: editing starts from there)."""
    items = site_settings.current().menu_items
    if items is None:
        return automatic_items(), True
    return items, False


def revision(items: list, automatic: bool) -> str:
    text = json.dumps([automatic, items], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _choices():
    pages = db.session.execute(
        sa.select(Post.id, Post.title).where(Post.type == "page", Post.status != "trash")
        .order_by(sa.func.lower(Post.title), Post.id)).all()
    categories = db.session.execute(
        sa.select(Category.id, Category.name).order_by(sa.func.lower(Category.name))).all()
    tags = db.session.scalars(sa.select(Tag.name).order_by(sa.func.lower(Tag.name))).all()
    return pages, categories, tags


def _show(status: int = 200, *, message: str = "", errors: dict | None = None,
          add_form: MenuItemForm | None = None, rows: list | None = None):
    """The screen; `rows` shows the items as posted (a refused change keeps
    the owner's labels and order on screen)."""
    items, automatic = current_items()
    pages, categories, tags = _choices()
    add_form = add_form or MenuItemForm(formdata=None)
    add_form.page.choices = [("", "Choose a page")] + [(str(i), t) for i, t in pages]
    add_form.category.choices = [("", "Choose a category")] + [(str(i), n) for i, n in categories]
    shown = rows if rows is not None else [(entry, depth, index) for index, (entry, depth)
                                           in enumerate(tree.flat(items))]
    found = titles(items)
    html = render("admin/menus.html", "admin/_menus.html",
                  groups=_groups([(entry, depth, index, item_name(entry, found))
                                  for entry, depth, index in shown]),
                  automatic=automatic, revision=revision(items, automatic),
                  form=MenuForm(formdata=None), add_form=add_form, reset_form=ResetForm(),
                  tags=tags, message=message, errors=errors or {},
                  count=tree.count(items), max_items=tree.MAX_ITEMS,
                  label_max=tree.LABEL_MAX, url_max=tree.URL_MAX)
    return html, status


def _groups(rows: list) -> list:
    """[(top-level row, [its sub-item rows])], as the screen nests them."""
    groups: list = []
    for row in rows:
        if row[1] and groups:
            groups[-1][1].append(row)
        else:
            groups.append((row, []))
    return groups


def _saved(items: list | None, message: str):
    """Save the menu (the caller has checked it) and answer: 303 for a plain
    post, the screen for htmx."""
    try:
        change = site_settings.save("menu", {"menu_items": items},
                                    current_user._get_current_object())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, RACE)
    if change is None:
        message = "Nothing changed: the menu was already so."
    if not is_partial():
        flash(message)
        return redirect(url_for("admin.menus"), 303)
    return _show(message=message)


@bp.route("/menus/", methods=("GET", "POST"))
@administrators_only
def menus():
    if request.method == "GET":
        return _show()
    form = MenuForm()
    if not form.validate_on_submit():
        abort(400, "This form has expired. Reload the page and try again.")
    items, automatic = current_items()
    rows = tree.flat(items)
    if form.revision.data != revision(items, automatic):
        return _show(409, message=STALE)
    places, depths = request.form.getlist("item"), request.form.getlist("depth")
    labels = request.form.getlist("label")
    if (sorted(places) != sorted(str(i) for i in range(len(rows)))
            or len(depths) != len(places) or len(labels) != len(places)
            or any(depth not in ("0", "1") for depth in depths)):
        abort(400, "This form does not describe the menu. Reload the page and try again.")
    found = titles(items)
    posted = []  # (item, depth, place) in the posted order, with the posted labels
    for place, depth, label in zip(places, depths, labels, strict=True):
        entry = {**rows[int(place)][0], "label": one_line(label)}
        posted.append((entry, int(depth), int(place)))
    for entry, _depth, place in posted:
        try:
            tree.check_label(entry["label"], entry["kind"])
        except tree.MenuError as error:
            return _show(422, errors={f"label-{place}": str(error)}, rows=posted)
    verb, _, place = (form.action.data or "save").partition(":")
    new_rows = [(entry, depth) for entry, depth, _place in posted]
    places_now = [p for _entry, _depth, p in posted]
    try:
        if verb != "save":
            if (verb not in editing.VERBS or not (place.isascii() and place.isdigit())
                    or int(place) not in places_now):
                abort(400, "This button does nothing here. Reload the page and try again.")
            index = places_now.index(int(place))
            new_rows = editing.apply(new_rows, verb, index,
                                     item_name(posted[index][0], found))
        new_items = tree.nested(new_rows)
        tree.check(new_items)
    except tree.MenuError as error:
        where = f"item-{place}" if verb != "save" else "menu"
        return _show(422, errors={where: str(error)}, rows=posted)
    return _saved(new_items, "Menu saved.")


@bp.post("/menus/items/")
@administrators_only
def menu_add():
    form = MenuItemForm()
    if not form.validate_on_submit():
        abort(400, "This form has expired. Reload the page and try again.")
    kind = form.kind.data
    if kind not in ADD_KINDS:
        abort(400, "This kind of menu item does not exist.")
    items, _automatic = current_items()
    try:
        entry = _new_item(form, kind)
        items = [*items, entry]
        if tree.count(items) > tree.MAX_ITEMS:
            raise tree.MenuError(f"A menu holds at most {tree.MAX_ITEMS} items; remove some "
                                 "first.")
        tree.check(items)
    except tree.MenuError as error:
        return _show(422, errors={f"add-{kind}": str(error)}, add_form=form)
    return _saved(items, "Added to the menu.")


def _new_item(form: MenuItemForm, kind: str) -> dict:
    label = form.label.data or ""
    if kind == "custom":
        tree.check_url(form.url.data or "")
        tree.check_label(label, kind)
        return tree.item("custom", url=form.url.data, label=label)
    tree.check_label(label, kind)
    if kind == "home":
        return tree.item("home", label=label)
    if kind == "tag":
        wanted = (form.tag.data or "").strip()
        if not wanted:
            raise tree.MenuError("Enter the name of a tag.")
        found = db.session.scalar(sa.select(Tag.id).where(sa.or_(
            sa.func.lower(Tag.name) == wanted.lower(), Tag.slug == wanted.lower())).limit(1))
        if found is None:
            raise tree.MenuError(f"There is no tag called “{wanted}”.")
        return tree.item("tag", found, label)
    raw = form.page.data if kind == "page" else form.category.data
    raw = raw or ""
    target = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    if kind == "page":
        exists = target is not None and db.session.scalar(sa.select(Post.id).where(
            Post.id == target, Post.type == "page", Post.status != "trash"))
        if not exists:
            raise tree.MenuError("Choose a page from the list.")
    elif target is None or db.session.get(Category, target) is None:
        raise tree.MenuError("Choose a category from the list.")
    return tree.item(kind, target, label)


@bp.post("/menus/automatic")
@administrators_only
def menu_reset():
    if not ResetForm().validate_on_submit():
        abort(400, "This form has expired. Reload the page and try again.")
    return _saved(None, "The menu is automatic again: Home and every published page.")
