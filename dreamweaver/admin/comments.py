"""Comment moderation: status tabs, one comment's actions, edit, reply, bulk actions.

Every write is a plain form POST that redirects back to the list (303); with
htmx the row (or, for bulk actions, the list) is swapped in place and the tab
counts and the navigation's pending count follow out of band. What each
action does to a comment lives in moderation.py.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only

from ..blog.queries import Page
from ..budget import InputTooSlow
from ..caching import cached
from ..comments import moderation, policy
from ..comments.discussion import comment_links
from ..extensions import db
from ..htmx import is_partial, render
from ..models import COMMENT_STATUSES, Comment, Post
from ..params import MAX_ID, whole_number
from ..sanitize import clean_comment
from .blueprint import bp
from .forms import BulkForm, CommentEditForm, CommentSearchForm, ModerationForm, ReplyForm
from .queries import scope

PER_PAGE = 20
MAX_PAGE = 10**9
STATUS_LABELS = {"pending": "Pending", "approved": "Approved", "spam": "Spam", "trash": "Trash"}
ACTION_LABELS = {"approve": "Approve", "unapprove": "Unapprove", "spam": "Spam", "trash": "Trash",
                 "restore": "Restore", "delete": "Delete permanently"}
DONE = {"approve": "approved", "unapprove": "unapproved", "spam": "marked as spam",
        "trash": "moved to the trash", "restore": "restored to Pending",
        "delete": "deleted permanently"}
ID = f"int(max={MAX_ID})"
ACTION = "any(" + ", ".join(moderation.ACTIONS) + ")"


@dataclass(frozen=True)
class ListArgs:
    """Where in the list the owner is: the status tab, the page, the search."""

    status: str = "pending"
    page: int = 1
    s: str = ""

    @property
    def url_args(self) -> dict:
        """Query arguments that lead back here (defaults left out, except the tab)."""
        args = {"status": self.status}
        if self.page > 1:
            args["page"] = self.page
        if self.s:
            args["s"] = self.s
        return args


def list_args() -> ListArgs:
    """The list position from the query string; 404 for a tab or page that cannot exist."""
    status = request.args.get("status", "pending")
    page = whole_number(request.args.get("page", "1"), MAX_PAGE)
    form = CommentSearchForm(request.args)
    if status not in COMMENT_STATUSES or not page or not form.validate():
        abort(404)
    return ListArgs(status, page, form.s.data or "")


def _scoped(query, joined: bool = False):
    """Only the comments the current user moderates: all for administrators and
    editors, those on
    their own posts for authors."""
    if current_user.can_edit_others:
        return query
    if not joined:
        query = query.join(Comment.post)
    return query.where(Post.author_id == current_user.id)


def tab_counts() -> dict[str, int]:
    """Comments per status (none left out), cached like any value under the
    content generation, which every change to a comment moves."""
    return cached(f"admin:comment-counts:{scope(current_user)}", _count_tabs)


def _count_tabs() -> dict[str, int]:
    # One statement: every comment, and those of each status but "approved",
    # which are the rest (the four statuses are a CHECK constraint). A
    # GROUP BY stepped through a million approved comments one by one; SQLite
    # counts a whole table from its pages, and the small statuses are short
    # ranges of the status index.
    others = [status for status in COMMENT_STATUSES if status != "approved"]
    every = sa.select(sa.func.count()).select_from(Comment)
    total, *rest = db.session.execute(sa.select(
        _scoped(every).scalar_subquery(),
        *(_scoped(every.where(Comment.status == status)).scalar_subquery()
          for status in others),
    )).one()
    counts = dict(zip(others, rest, strict=True))
    counts["approved"] = total - sum(rest)
    return {status: counts[status] for status in COMMENT_STATUSES if counts[status]}


def _like(words: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", words) + "%"


def list_page(args: ListArgs) -> Page | None:
    """One page of the tab, newest first (PER_PAGE + 1 rows, no COUNT); None past the end."""
    query = _scoped(sa.select(Comment).join(Comment.post), joined=True).where(
        Comment.status == args.status
    )
    if args.s:
        like = _like(args.s)
        query = query.where(sa.or_(*(
            column.ilike(like, escape="\\") for column in (
                Comment.author_name, Comment.author_email, Comment.author_url, Comment.ip,
                Comment.content_html,
            )
        )))
    rows = list(db.session.scalars(
        query.options(
            contains_eager(Comment.post).options(
                load_only(Post.id, Post.type, Post.status, Post.title, Post.slug,
                          Post.published_local, Post.author_id, Post.comment_count),
                lazyload(Post.author),
            ),
            joinedload(Comment.parent).load_only(Comment.id, Comment.author_name),
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(PER_PAGE + 1).offset((args.page - 1) * PER_PAGE)
    ))
    if not rows and args.page > 1:
        return None
    return Page(rows[:PER_PAGE], args.page, args.page > 1, len(rows) > PER_PAGE)


def list_url(args: ListArgs) -> str:
    """The list where the owner was, or its first page if moderation emptied that one."""
    if args.page > 1 and list_page(args) is None:
        args = ListArgs(args.status, 1, args.s)
    return url_for("admin.comments", **args.url_args)


def list_title(args: ListArgs, number: int) -> str:
    title = f"{STATUS_LABELS[args.status]} comments"
    if args.s:
        title += f" matching \u201c{args.s}\u201d"
    return title + (f", page {number}" if number > 1 else "")


def site_links(*comments: Comment | None) -> dict[int, str]:
    """Where readers see each approved comment (one lookup for a whole list)."""
    shown = [comment for comment in comments
             if comment is not None and comment.status == "approved"
             and comment.post.has_permalink]
    links = comment_links((comment.id, comment.post) for comment in shown)
    return {comment.id: link for comment, link in zip(shown, links, strict=True)}


def _render_list(args: ListArgs, listing: Page, message: str = ""):
    return render(
        "admin/comments.html", "admin/_comment_list.html",
        args=args, listing=listing, counts=tab_counts(), message=message,
        site_links=site_links(*listing.items),
        title=list_title(args, listing.number), search_form=CommentSearchForm(request.args),
        selectable=True, bulk_actions=moderation.actions_for(args.status), **labels(),
    )


def labels() -> dict:
    return {"status_labels": STATUS_LABELS, "action_labels": ACTION_LABELS,
            "actions_for": moderation.actions_for}


@bp.get("/comments/")
def comments():
    args = list_args()
    return _render_list(args, list_page(args) or abort(404))


def moderated(comment_id: int) -> Comment:
    """The comment, if the current user may moderate it: 404 or 403 otherwise."""
    comment = db.session.scalar(
        sa.select(Comment).where(Comment.id == comment_id).options(joinedload(Comment.post))
    )
    if comment is None:
        abort(404)
    if not current_user.can_edit(comment.post):
        abort(403, "You can only moderate comments on your own posts.")
    return comment


def _row(comment: Comment, args: ListArgs, mode: str = "view", status: int = 200, **context):
    """One comment: its own page for a plain request, its table row for htmx."""
    heading = {"view": f"Comment by {comment.author_name}",
               "edit": f"Edit comment by {comment.author_name}",
               "reply": f"Reply to {comment.author_name}"}[mode]
    html = render("admin/comment.html", "admin/_comment_row.html", comment=comment, args=args,
                  mode=mode, heading=heading, selectable=is_partial(),
                  site_links=site_links(comment), **labels(), **context)
    return make_response(html, status)


@bp.get(f"/comments/<{ID}:comment_id>/")
def comment(comment_id):
    return _row(moderated(comment_id), list_args())


def _moderated_response(args: ListArgs, message: str, **context):
    """After a write: htmx gets the row(s) with the counts out of band; a plain
    request goes back to the list (303) with the message."""
    if is_partial():
        return render_template("admin/_comment_moderated.html", args=args, notice=message,
                               counts=tab_counts(), selectable=True, **labels(),
                               site_links=site_links(context.get("comment"),
                                                     context.get("reply")),
                               **context)
    flash(message)
    return redirect(list_url(args), 303)


@bp.post(f"/comments/<{ID}:comment_id>/<{ACTION}:action>")
def comment_action(comment_id, action):
    args = list_args()
    comment = moderated(comment_id)
    if not ModerationForm().validate_on_submit():
        abort(400)
    author, old_status = comment.author_name, comment.status
    try:
        moderation.moderate(comment, action, _reason(action, old_status))
    except moderation.NotApplicable:
        abort(409, f"This comment is {STATUS_LABELS[comment.status].lower()} now, so "
                   f"\u201c{ACTION_LABELS[action]}\u201d does not apply. Reload the list.")
    db.session.commit()
    message = f"Comment by {author} {DONE[action]}."
    if action == "delete":
        return _moderated_response(args, message, deleted_id=comment_id)
    return _moderated_response(args, message, comment=comment)


def _reason(action: str, old_status: str) -> str:
    """Why a comment the owner sends back to pending is there: its held reason."""
    if action == "unapprove":
        return f"Unapproved by {current_user.display_name}"
    if action == "restore":
        return f"Restored from {STATUS_LABELS[old_status].lower()}"
    return ""


def _with_ids(form: FlaskForm, comment: Comment) -> FlaskForm:
    """Field ids unique to this comment, so that two rows can be edited at once."""
    for field in form:
        field.id = f"comment-{comment.id}-{field.name}"
    return form


@bp.route(f"/comments/<{ID}:comment_id>/edit/", methods=["GET", "POST"])
def comment_edit(comment_id):
    args = list_args()
    comment = moderated(comment_id)
    form = _with_ids(CommentEditForm(data={
        "author": comment.author_name, "email": comment.author_email,
        "url": comment.author_url, "comment": editable_text(comment.content_html),
    }), comment)
    if form.validate_on_submit() and (content_html := _cleaned(form)) is not None:
        comment.author_name = form.author.data
        comment.author_email = (form.email.data or "").lower()
        comment.author_url = form.url.data or ""
        comment.content_html = content_html
        db.session.commit()
        return _moderated_response(args, f"Comment by {comment.author_name} updated.",
                                   comment=comment)
    return _row(comment, args, "edit", 422 if form.errors else 200, form=form)


@bp.route(f"/comments/<{ID}:comment_id>/reply/", methods=["GET", "POST"])
def comment_reply(comment_id):
    args = list_args()
    comment = moderated(comment_id)
    if comment.status != "approved":
        abort(409, "Approve this comment before replying to it.")
    form = _with_ids(ReplyForm(), comment)
    if form.validate_on_submit() and (content_html := _cleaned(form)) is not None:
        reply = policy.author_reply(
            comment, current_user, content_html,
            ip=request.remote_addr or "", user_agent=request.user_agent.string,
        )
        db.session.commit()
        return _moderated_response(args, f"Your reply to {comment.author_name} is published.",
                                   comment=comment, reply=reply)
    return _row(comment, args, "reply", 422 if form.errors else 200, form=form)


def _cleaned(form: FlaskForm) -> str | None:
    """The typed comment, sanitized; None, with the reason on the field, when
    it ran past its time budget (the limits are the field's own validator)."""
    try:
        return clean_comment(form.comment.data)
    except InputTooSlow as error:
        form.comment.errors.append(str(error))
        return None


_BREAK = re.compile(r"<br\s*/?>\n?")
_PARAGRAPH_END = re.compile(r"</p>\s*")
_QUOTE_END = re.compile(r"\s*</blockquote>")


def editable_text(content_html: str) -> str:
    """Stored comment HTML as the text a commenter types: clean_comment turns it
    back into the same HTML (paragraphs from blank lines, breaks from newlines,
    a quotation's paragraphs inside its tags)."""
    text = _BREAK.sub("\n", content_html.strip()).replace("<p>", "")
    return _QUOTE_END.sub("</blockquote>", _PARAGRAPH_END.sub("\n\n", text)).strip()


@bp.post("/comments/bulk")
def comments_bulk():
    args = list_args()
    form = BulkForm()
    if not form.validate_on_submit():
        abort(400)
    action, raw_ids = form.action.data or "", form.ids.data or []
    ids = {whole_number(value) for value in raw_ids}
    if (action and action not in moderation.ACTIONS) or None in ids or len(ids) > 10 * PER_PAGE:
        abort(400, "Unknown action or comment.")
    if not action or not ids:
        message = "Choose an action and at least one comment."
        if is_partial():
            return make_response(_render_list(args, list_page(args) or abort(404), message), 422)
        flash(message)
        return redirect(list_url(args), 303)
    found = list(db.session.scalars(
        sa.select(Comment).where(Comment.id.in_(ids)).options(joinedload(Comment.post))
        .order_by(Comment.id)
    ))
    if len(found) != len(ids):
        abort(400, "Some of the selected comments no longer exist. Reload the list.")
    if not all(current_user.can_edit(comment.post) for comment in found):
        abort(403, "You can only moderate comments on your own posts.")
    done = skipped = 0
    for comment in found:
        try:
            done += moderation.moderate(comment, action, _reason(action, comment.status))
        except moderation.NotApplicable:
            skipped += 1
    db.session.commit()
    message = f"{done} comment{'' if done == 1 else 's'} {DONE[action]}."
    if skipped:
        label = ACTION_LABELS[action]
        message += f" {skipped} skipped: \u201c{label}\u201d does not apply to them."
    if not is_partial():
        flash(message)
        return redirect(list_url(args), 303)
    listing = list_page(args)
    if listing is None:
        args = ListArgs(args.status, 1, args.s)
        listing = list_page(args)
    response = make_response(_render_list(args, listing, message))
    response.headers["HX-Replace-Url"] = url_for("admin.comments", **args.url_args)
    return response
