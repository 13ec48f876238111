"""Posts and pages in /admin: the lists with status tabs, the editor, the preview."""

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .. import publishing, settings
from ..blog.queries import shown_as
from ..budget import InputTooSlow
from ..extensions import db
from ..htmx import render
from ..markup import render as render_markup
from ..media.alt_text import missing_alt
from ..media.pictures import expand
from ..models import Category, Post, utcnow
from ..params import whole_number
from ..sanitize.htmlshape import TooComplex
from . import featured
from .blueprint import bp
from .forms import PostForm
from .queries import owned, parent_choices, parent_titles, post_counts

PER_PAGE = 20
LIST_STATUSES = ("published", "scheduled", "draft", "pending", "private", "trash")


def _listing(kind: str):
    if kind == "page" and not current_user.can_edit_others:
        abort(403)
    status = request.args.get("status", "all")
    if status != "all" and status not in LIST_STATUSES:
        abort(404)
    number = whole_number(request.args.get("page", "1")) or 1
    words = request.args.get("s", "").replace("\x00", "").strip()[:200]
    mine = owned(kind, current_user)
    now = utcnow()
    counts = post_counts(kind, current_user)
    query = sa.select(Post).where(mine)
    if kind == "post":  # the list names each post's categories: one query for all
        query = query.options(selectinload(Post.categories))
    if status == "all":
        query = query.where(Post.status != "trash")
    else:
        query = query.where(shown_as(status, now))
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Post.title.ilike(f"%{escaped}%", escape="\\"))
    rows = list(db.session.scalars(
        query.order_by(Post.modified_at.desc(), Post.id.desc())
        .limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)
    ))
    shown = rows[:PER_PAGE]
    return render(
        "admin/posts.html", "admin/_post_list.html",
        kind=kind, posts=shown, has_more=len(rows) > PER_PAGE, number=number,
        status=status, counts=counts, words=words, statuses=LIST_STATUSES, now=now,
        parents=parent_titles(shown) if kind == "page" else {},
    )


@bp.get("/posts/")
def posts():
    return _listing("post")


@bp.get("/pages/")
def pages():
    return _listing("page")


def _form_for(post: Post) -> PostForm:
    form = PostForm(obj=None) if request.method == "POST" else PostForm(
        formdata=None,
        title=post.title, slug=post.slug, source=post.source, format=post.format,
        excerpt=post.excerpt, categories=[c.id for c in post.categories],
        tags=", ".join(t.name for t in post.tags),
        status="published" if post.status == "scheduled" else post.status,
        published=post.published_local, comments_open=post.comments_open,
        sticky=post.sticky, password=post.password, parent_id=post.parent_id,
        featured_media_id=post.featured_media_id,
    )
    form.featured_media_id.choices = featured.choices(post, current_user)
    if post.type == "page":
        form.parent_id.choices = [SelectChoice("", "(no parent)")] + [
            SelectChoice(page_id, label) for page_id, label in parent_choices(post)]
    else:
        del form.parent_id  # pages only: a post's parent is never read
    if not current_user.can_make_sticky:
        del form.sticky  # neither shown nor read: a forged field changes nothing
    # The checked categories lead the list: in a scrolled box of 137 the one just
    # chosen would otherwise be out of sight after saving.
    checked = set(form.categories.data or ())
    everything = db.session.execute(sa.select(Category.id, Category.name)
                                    .order_by(Category.sort_key))
    form.categories.choices = [
        SelectChoice(c.id, c.name)
        for c in sorted(everything, key=lambda c: c.id not in checked)
    ]
    return form


def _editor(post: Post):
    form = _form_for(post)
    if form.validate_on_submit() and _featured_allowed(post, form) and _saved(post, form):
        db.session.commit()
        return redirect(url_for("admin.post_edit", post_id=post.id, saved=1), 303)
    status = 422 if form.errors else 200
    return render_template("admin/post_edit.html", form=form, post=post,
                           saved="saved" in request.args,
                           missing_alt=_missing_alt(post, form),
                           featured_media=featured.shown(post, current_user,
                                                         form.featured_media_id.data)), status


def _featured_allowed(post: Post, form: PostForm) -> bool:
    refusal = featured.refusal(post, current_user, form.featured_media_id.data)
    if refusal:
        form.featured_media_id.errors.append(refusal)
    return refusal is None


def _missing_alt(post: Post, form: PostForm):
    """The images without alt text in what the editor shows: the saved post, or
    the source sent back to be corrected."""
    if request.method == "GET":
        return missing_alt(post.content_html or "")
    try:
        return missing_alt(render_markup(form.source.data or "", form.format.data))
    except (TooComplex, InputTooSlow, ValueError):
        return []


def _saved(post: Post, form: PostForm) -> bool:
    """The form applied to `post`; False, with the reason on the content field,
    when the content is beyond what the site renders."""
    try:
        publishing.save(
            post, author=current_user._get_current_object(), title=form.title.data,
            slug=form.slug.data or "", source=form.source.data or "", fmt=form.format.data,
            excerpt=form.excerpt.data or "",
            categories=[db.session.get(Category, i) for i in form.categories.data],
            tags=publishing.tags_named(form.tags.data or ""), status=form.status.data,
            published=form.published.data, comments_open=form.comments_open.data,
            sticky=form.sticky.data if "sticky" in form else post.sticky,
            password=form.password.data or "",
            parent_id=form.parent_id.data if "parent_id" in form else None,
            featured_media_id=form.featured_media_id.data,
        )
    except (TooComplex, InputTooSlow) as error:
        db.session.rollback()
        form.source.errors.append(str(error))
        return False
    except publishing.ParentRefused as error:
        db.session.rollback()
        form.parent_id.errors.append(str(error))
        return False
    return True


@bp.route("/posts/new", methods=["GET", "POST"])
def post_new():
    # Pages start closed whatever the setting, as WordPress's (get_default_comment_status).
    return _editor(Post(type="post", status="draft",
                        comments_open=settings.current().comments_open_default, sticky=False,
                        password="", format="markdown"))


@bp.route("/pages/new", methods=["GET", "POST"])
def page_new():
    if not current_user.can_edit_others:
        abort(403)
    return _editor(Post(type="page", status="draft", comments_open=False, sticky=False,
                        password="", format="markdown"))


def _own(post_id: int) -> Post:
    post = db.session.get(Post, post_id) or abort(404)
    if not current_user.can_open_editor(post):
        abort(403)
    return post


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def post_edit(post_id):
    return _editor(_own(post_id))


@bp.post("/posts/<int:post_id>/status")
def post_status(post_id):
    """Trash, restore or delete for good, from the lists."""
    post = _own(post_id)
    action = request.form.get("action")
    if action == "trash":
        post.status = "trash"
        publishing.edited(post)
    elif action == "restore" and post.status == "trash":
        post.status = "draft"
        publishing.edited(post)
    elif action == "delete" and post.status == "trash":
        publishing.delete(post)
    else:
        abort(400)
    db.session.commit()
    endpoint = "admin.pages" if post.type == "page" else "admin.posts"
    return redirect(url_for(endpoint, status=request.form.get("back", "all")), 303)


@bp.post("/posts/preview")
def post_preview():
    """The content as readers will see it: the same rendering a save stores."""
    fmt = request.form.get("format", "markdown")
    if fmt not in ("markdown", "html"):
        abort(400)
    try:
        html = expand(render_markup(request.form.get("source", ""), fmt))
    except (TooComplex, InputTooSlow) as error:
        return render_template("admin/_post_preview.html", content_html="",
                               message=str(error)), 422
    return render_template("admin/_post_preview.html", content_html=html,
                           missing_alt=missing_alt(html))

