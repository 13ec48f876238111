"""Categories in /admin: list with post counts, create, edit, merge, delete.

Only admins manage categories. Every write is a Flask-WTF form: a plain POST
answers 303 back to the list; an htmx POST gets the list (or the row being
edited) re-rendered in place; an invalid form comes back with 422.
"""

import functools

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..htmx import is_partial, render, retarget
from ..inputs import lines, one_line
from ..models import Category, post_categories
from ..publishing import DEFAULT_CATEGORY, default_category
from ..slugs import slugify, unique_slug
from .blueprint import bp

DEFAULT_NAME, DEFAULT_SLUG = DEFAULT_CATEGORY
NAME_MAX = 200
# Room for a "-<n>" suffix within the 200 characters of the slug column.
AUTO_SLUG_MAX = 190



# Forms


class CategoryForm(FlaskForm):
    """Create or edit a category. `known` is every category, loaded once for the
    parent choices and for the checks that compare with the others."""

    name = StringField("Name", filters=[one_line], validators=[
        DataRequired("Enter a name."),
        Length(max=NAME_MAX, message=f"Keep the name to {NAME_MAX} characters or fewer.")])
    slug = StringField("Slug", filters=[one_line], validators=[
        Length(max=200, message="Keep the slug to 200 characters or fewer.")])
    parent = SelectField("Parent category", coerce=int, validate_choice=False, default=0)
    description = TextAreaField("Description", filters=[lines], validators=[
        Length(max=10_000, message="Keep the description to 10,000 characters or fewer.")])

    def __init__(self, known, category=None, **kwargs):
        if category is not None:
            kwargs.update(name=category.name, slug=category.slug,
                          description=category.description, parent=category.parent_id or 0)
        super().__init__(**kwargs)
        self.known, self.category = known, category
        own = category.id if category else None
        excluded = descendants(known, own) | {own} if own else set()
        self.parent.choices = [SelectChoice(0, "None")] + [
            SelectChoice(c.id, c.name) for c in known if c.id not in excluded]
        self.resolved_slug = None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        own = self.category.id if self.category else None
        ids = {c.id for c in self.known}
        parent = self.parent.data
        if self.parent.errors or (parent and parent not in ids):
            self.parent.errors = ["Choose a parent from the list."]
        elif parent and (parent == own or parent in descendants(self.known, own)):
            self.parent.errors.append(
                "A category cannot sit under itself or one of its subcategories.")
        if self.name.data and not (self.name.errors or self.parent.errors):
            self._check_name(own, parent or None)
        if not self.name.errors and not self.slug.errors:
            self._resolve_slug(own)
        return valid and not (self.name.errors or self.slug.errors or self.parent.errors)

    def _check_name(self, own, parent):
        key = self.name.data.casefold()
        if len(key) > NAME_MAX:  # casefold can lengthen a name ("ß" -> "ss")
            self.name.errors.append(f"Keep the name to {NAME_MAX} characters or fewer.")
        elif any(c.sort_key == key and c.parent_id == parent and c.id != own
                 for c in self.known):
            self.name.errors.append(f"A category named \u201c{self.name.data}\u201d already "
                                    "exists under that parent.")

    def _resolve_slug(self, own):
        if self.category is not None and self.category.slug == DEFAULT_SLUG:
            if self.slug.data and slugify(self.slug.data) != DEFAULT_SLUG:
                self.slug.errors.append(f"{self.category.name} keeps the slug "
                                        f"\u201c{DEFAULT_SLUG}\u201d: posts left without a "
                                        "category are filed under it.")
                return
            self.resolved_slug = DEFAULT_SLUG
        elif self.slug.data:
            slug = slugify(self.slug.data)
            if not slug:
                self.slug.errors.append("Use letters or digits in the slug.")
                return
            taken = next((c for c in self.known if c.slug == slug and c.id != own), None)
            if taken is not None:
                self.slug.errors.append(f"The slug \u201c{slug}\u201d is already used by "
                                        f"\u201c{taken.name}\u201d.")
                return
            self.resolved_slug = slug
        else:
            not_self = (Category.id != own,) if own else ()
            self.resolved_slug = unique_slug(
                Category.slug, slugify(self.name.data, AUTO_SLUG_MAX), *not_self)


class MergeForm(FlaskForm):
    into = SelectField("Merge into", coerce=int, validate_choice=False)

    def __init__(self, known, category, **kwargs):
        super().__init__(**kwargs)
        self.category = category
        self.into.choices = [SelectChoice(0, "Choose a category")] + [
            SelectChoice(c.id, c.name) for c in known if c.id != category.id]
        self.ids = {c.id for c in known}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.into.data not in self.ids or self.into.data == self.category.id:
            self.into.errors = ["Choose another category to merge into."]
        return valid and not self.into.errors


class DeleteForm(FlaskForm):
    """Deleting changes state: a POST with a CSRF token."""


# Queries


def categories_with_counts() -> list:
    """Every category with its number of posts (any status), case-insensitively
    ordered: one query, the counts grouped in a subquery."""
    counts = (
        sa.select(post_categories.c.category_id, sa.func.count().label("posts"))
        .group_by(post_categories.c.category_id)
        .subquery()
    )
    query = (
        sa.select(Category, sa.func.coalesce(counts.c.posts, 0))
        .outerjoin(counts, counts.c.category_id == Category.id)
        .order_by(Category.sort_key, Category.id)
    )
    rows = []
    for category, posts in db.session.execute(query):
        category.post_count = posts
        rows.append(category)
    return rows


def descendants(known, category_id) -> set[int]:
    """Ids of every category under `category_id`, from the loaded list."""
    children = {}
    for c in known:
        children.setdefault(c.parent_id, []).append(c.id)
    found, todo = set(), list(children.get(category_id, ())) if category_id else []
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


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


def orphan_count(category_id: int) -> int:
    """Posts of this category that have no other one."""
    mine = post_categories.alias("mine")
    other = post_categories.alias("other")
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(mine).where(
            mine.c.category_id == category_id,
            ~sa.exists().where(other.c.post_id == mine.c.post_id,
                               other.c.category_id != category_id)))


# Views


def admin_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, "Only administrators can manage categories.")
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
@admin_only
def categories():
    return show_list()


@bp.post("/categories/")
@admin_only
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
@admin_only
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
@admin_only
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
@admin_only
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
