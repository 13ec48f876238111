"""Categories in /admin: list with post counts, create, edit, merge, delete.

Only admins manage categories. Every write is a Flask-WTF form: a plain POST
answers 303 back to the list; an htmx POST gets the list (or the row being
edited) re-rendered in place; an invalid form comes back with 422.
"""

import functools

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..htmx import is_partial, render, retarget
from ..models import Category, post_categories
from ..publishing import DEFAULT_CATEGORY, default_category
from .blueprint import bp
from .forms import CategoryForm, DeleteForm, MergeForm
from .queries import categories_with_counts, descendants, orphan_count

DEFAULT_NAME, DEFAULT_SLUG = DEFAULT_CATEGORY



# Queries


def link_posts(source_id: int, target_id: int, only_orphans: bool = False) -> None:
    """Link the posts of `source_id` to `target_id` without duplicating a link a
    post already has (only those with no other category when `only_orphans`)."""
    mine = post_categories.alias("mine")
    other = post_categories.alias("other")
    already = sa.and_(other.c.post_id == mine.c.post_id,
                      other.c.category_id != source_id if only_orphans
                      else other.c.category_id == target_id)
    moving = sa.select(mine.c.post_id, sa.literal(target_id)).where(
        mine.c.category_id == source_id, ~sa.exists().where(already))
    db.session.execute(sa.insert(post_categories).from_select(["post_id", "category_id"], moving))


def remove(category: Category, children_to: int | None) -> None:
    """Delete a category and its links; its children move under `children_to`."""
    db.session.execute(sa.update(Category).where(Category.parent_id == category.id)
                       .values(parent_id=children_to))
    db.session.execute(sa.delete(post_categories)
                       .where(post_categories.c.category_id == category.id))
    db.session.execute(sa.delete(Category).where(Category.id == category.id))


# Views


def editors_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.can_edit_others:
            abort(403, "Only administrators and editors can manage categories.")
        return view(*args, **kwargs)

    return wrapper


def category_or_404(known, category_id: int) -> Category:
    return next((c for c in known if c.id == category_id), None) or abort(404)


def show_list(known=None, form=None, status=200):
    known = categories_with_counts() if known is None else known
    return render("admin/categories.html", "admin/_categories.html", categories=known,
                  by_id={c.id: c for c in known}, default_slug=DEFAULT_SLUG,
                  form=form or CategoryForm(known, formdata=None)), status


def show_edit(known, category, form=None, merge_form=None, status=200):
    return render("admin/category_edit.html", "admin/_category_row.html",
                  category=category, editing=True, default_slug=DEFAULT_SLUG,
                  form=form or CategoryForm(known, category, formdata=None),
                  merge_form=merge_form or MergeForm(known, category, formdata=None)), status


def done(message: str):
    """After a write: back to the list (303), or the list itself for htmx."""
    flash(message)
    if not is_partial():
        return redirect(url_for("admin.categories"), 303)
    return retarget(make_response(*show_list()), "#categories", "outerHTML")


def saved(form: CategoryForm, category: Category) -> bool:
    """Commit the form into `category`; False (with a message on the slug) when
    another request took the slug meanwhile."""
    category.name = form.name.data
    category.slug = form.resolved_slug
    category.description = form.description.data or ""
    category.parent_id = form.parent.data or None
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.slug.errors.append("That slug was just taken; choose another.")
        return False
    return True


@bp.get("/categories/")
@editors_only
def categories():
    return show_list()


@bp.post("/categories/")
@editors_only
def category_create():
    known = categories_with_counts()
    form = CategoryForm(known)
    if form.validate_on_submit():
        category = Category(name=form.name.data)
        db.session.add(category)
        if saved(form, category):
            return done(f"Category \u201c{category.name}\u201d added.")
        known = categories_with_counts()
    return show_list(known, form, 422)


@bp.route("/categories/<int(max=2147483647):category_id>/", methods=["GET", "POST"])
@editors_only
def category_edit(category_id):
    known = categories_with_counts()
    category = category_or_404(known, category_id)
    if request.method != "POST":
        return show_edit(known, category)
    form = CategoryForm(known, category)
    if form.validate_on_submit() and saved(form, category):
        return done(f"Category \u201c{category.name}\u201d updated.")
    known = categories_with_counts()
    return show_edit(known, category_or_404(known, category_id), form=form, status=422)


def removable(category_id: int, verb: str):
    """(all categories, the one to merge or delete); 409 for the default one."""
    known = categories_with_counts()
    category = category_or_404(known, category_id)
    if category.slug == DEFAULT_SLUG:
        abort(409, f"{category.name} cannot be {verb}: posts left without a category "
                   "are filed under it.")
    return known, category


@bp.post("/categories/<int(max=2147483647):category_id>/merge/")
@editors_only
def category_merge(category_id):
    known, category = removable(category_id, "merged away")
    form = MergeForm(known, category)
    if not form.validate_on_submit():
        return show_edit(known, category, merge_form=form, status=422)
    target = category_or_404(known, form.into.data)
    name, posts = category.name, category.post_count
    if target.id in descendants(known, category.id):
        # Lifted out first, so that the children moving under it form no loop.
        target.parent_id = category.parent_id
    link_posts(category.id, target.id)
    remove(category, children_to=target.id)
    db.session.commit()
    return done(f"Merged \u201c{name}\u201d into \u201c{target.name}\u201d "
                f"({posts} {plural(posts, 'post')} moved).")


@bp.post("/categories/<int(max=2147483647):category_id>/delete/")
@editors_only
def category_delete(category_id):
    known, category = removable(category_id, "deleted")
    if not DeleteForm().validate_on_submit():
        abort(400)
    name, moved = category.name, orphan_count(category.id)
    if moved:
        uncategorized = default_category()
        db.session.flush()
        link_posts(category.id, uncategorized.id, only_orphans=True)
    remove(category, children_to=category.parent_id)
    db.session.commit()
    message = f"Category \u201c{name}\u201d deleted."
    if moved:
        message += f" {moved} {plural(moved, 'post')} moved to {DEFAULT_NAME}."
    return done(message)


def plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"
