"""Readers' comments: posting (htmx or plain form), the reply form, the live preview.

The rules a comment must pass, in order, are policy.py's (the HTML policy
is sanitize.py's); this module asks them and answers with DESIGN's status
codes.
"""

from typing import NamedTuple

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request

from .. import caching, reader
from ..blog import queries
from ..blog.article import personal, render_article
from ..budget import InputTooSlow
from ..database import only_reads_from_here, writes_from_here
from ..extensions import csrf, db, limiter
from ..htmx import is_partial, retarget
from ..inputs import NOT_UTF8_MESSAGE, form_is_utf8, has_control_characters
from ..models import Comment, Post, User
from ..params import MAX_ID, whole_number
from ..permalinks import PERMALINK, page_at, post_at
from ..sanitize import TooComplex, explain_comment
from ..security import is_same_origin
from . import closing, cookies, subscriptions
from .discussion import Place, comment_link, place_of
from .forms import CommentForm, comment_form
from .policy import Refused, accept

bp = Blueprint("comments", __name__)
# Saved commenter details and held comments make a reader's pages their own.
bp.record_once(lambda state: caching.register_personal_cookies(
    state.app, cookies.AUTHOR_COOKIE, cookies.HELD_COOKIE))
# A page showing the comment form of a post that closes by age ends then.
bp.record_once(lambda state: caching.register_deadline(state.app, closing.next_closing))


def comment_rate_limit() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


@bp.post(PERMALINK + "comments/")
@csrf.exempt
@limiter.limit(comment_rate_limit)
def create(year, month, day, slug):
    only_reads_from_here()  # until the rules that need the write lock (_create)
    return _create(post_at(year, month, day, slug, follow=False, lookup=_commentable_post))


@bp.post("/<pagepath:path>/comments/")
@csrf.exempt
@limiter.limit(comment_rate_limit)
def create_on_page(path):
    only_reads_from_here()
    return _create(page_at(path, follow=False, lookup=_commentable_page))


def _commentable_page(slug: str) -> Post | None:
    return queries.page_by_slug(slug) or reader.current().private_post(slug, "page")


def _commentable_post(slug: str) -> Post | None:
    """A post readers see, or the signed-in user's private one (they talk there too)."""
    return queries.post_by_slug(slug) or reader.current().private_post(slug, "post")


def _create(post: Post):
    # Exempt from the session token, which would put a cookie on every article;
    # the stateless token and the same-origin check stand in for it.
    if not is_same_origin():
        abort(403, "Comments can only be posted from this site.")
    if not closing.comments_open(post) or not reader.current().unlocks(post):
        abort(403, "Comments are closed.")
    if not form_is_utf8():
        abort(400, NOT_UTF8_MESSAGE)
    user = reader.current().user
    form = CommentForm(request.form if user is None else as_account(user))
    if user is not None and not user.email:
        form.email.validators = []  # an account may have none; nothing to type it into
    try:
        comment = accept(post, form, user, ready=writes_from_here)
    except Refused as refused:
        return _show_form(post, form, refused.status, refused.message)
    if form.subscribe.data and comment.author_email:
        subscriptions.subscribe(comment, comment.author_email)
    # What the answer needs of the comment, read before the commit expires it:
    # after the commit this request only reads, and takes no write lock again.
    new = New(comment.id, comment.status, comment.user_id, place_of(comment))
    if not is_partial():
        new = new._replace(link=comment_link(post, new.id, new.place))
    db.session.commit()
    only_reads_from_here()
    return _created(post, new, form)


def as_account(user: User):
    """What a signed-in user posts: their comment, and their name and email from
    the account, as WordPress fills them (the form has no fields for them)."""
    data = request.form.copy()
    data.setlist("author", [user.display_name])
    data.setlist("email", [user.email or ""])
    data.setlist("url", [""])
    data.pop("cookies_consent", None)
    return data


class New(NamedTuple):
    """The new comment, as its answer shows it."""

    id: int
    status: str
    user_id: int | None
    place: Place  # a held reply is shown to its author on its thread's page too
    link: str = ""


def _created(post: Post, new: New, form: CommentForm):
    if is_partial():
        held = {new.id} if new.status == "pending" else set()
        kept = ({"author": form.author.data, "email": form.email.data, "url": form.url.data}
                if form.cookies_consent.data else {})
        response = render_article(
            post, cpage=new.place.number, new_comment_id=new.id, held=held,
            form=comment_form(post, author=kept), partial="comments/_created.html",
        )
        retarget(response, "#comments", "outerHTML")
    else:
        response = redirect(new.link, 303)
    if new.user_id is None:  # a signed-in user's name is their account's: no cookies
        if form.cookies_consent.data:
            cookies.remember_author(response, form.author.data, form.email.data,
                                      form.url.data)
        else:
            cookies.forget_author(response)
    if new.status == "pending":
        cookies.remember_held(response, new.id)
    return response


def _show_form(post: Post, form: CommentForm, status: int, message: str):
    """The form again, with the typed text, the messages and a fresh token."""
    form = comment_form(post, retry=form)
    if is_partial():
        html = render_template("comments/_form.html", post=post, form=form, message=message,
                               discussion=None, reply_to_name=_replied_name(post, form.parent_id))
        return make_response(html, status)
    return render_article(post, status=status, form=form, message=message,
                          reply_to=form.parent_id or None)


def _replied_name(post: Post, parent_id: int) -> str:
    """The name a refused reply's form is headed with ("Reply to NAME")."""
    if not parent_id:
        return ""
    return db.session.scalar(sa.select(Comment.author_name).where(
        Comment.id == parent_id, Comment.post_id == post.id, Comment.status == "approved",
    )) or ""


@bp.get("/partials/comment-form/<int:post_id>/")
def form(post_id):
    """The comment form, set to reply to `replytocom` or back at the end of the
    discussion (Cancel reply). Fragment only, never pushed to history."""
    if post_id > MAX_ID:
        abort(404)
    post = db.session.scalar(
        sa.select(Post).where(Post.id == post_id, queries.is_visible())
    ) or _private(post_id) or abort(404)
    if not closing.comments_open(post) or not reader.current().unlocks(post):
        abort(404)
    reply_to = whole_number(request.args.get("replytocom"))
    target = None
    if reply_to is not None:
        target = db.session.scalar(sa.select(Comment).where(
            Comment.id == reply_to, Comment.post_id == post.id,
            Comment.status == "approved",
        ))
    html = render_template(
        "comments/_form_moved.html", post=post, reply_to=target,
        form=comment_form(post, target.id if target else None), message="",
    )
    return personal(make_response(html), post)


def _private(post_id: int) -> Post | None:
    post = reader.current().previewable(post_id)
    return post if post is not None and post.status == "private" else None


# The live preview runs as the reader types (every few hundred milliseconds),
# so it looks at less than a comment may hold; the comment itself is checked whole.
PREVIEW_MAX = 20_000


@bp.post("/partials/comment-preview")
@csrf.exempt
@limiter.limit("120 per minute")
def preview():
    """What the sanitizer will store, and what it took out: the same function
    that cleans a stored comment."""
    if not is_same_origin():
        abort(403)
    if not form_is_utf8():
        abort(400, NOT_UTF8_MESSAGE)
    text = request.form.get("comment", "")
    notes = []
    if len(text) > PREVIEW_MAX:
        text = text[:PREVIEW_MAX]
        notes.append(f"The preview shows the first {PREVIEW_MAX:,} characters.")
    if has_control_characters(text):
        # Posting it would be refused (422), so nothing would be stored: say so.
        note = ("Your comment holds invisible control characters, which are not allowed. "
                "Posting it will take them out and ask you to check the text.")
        return render_template("comments/_preview.html", content_html="", notes=[note]), 422
    try:
        content_html, removed = explain_comment(text)
    except (TooComplex, InputTooSlow) as error:
        # Posting it would be refused as well: the same words now.
        return render_template("comments/_preview.html", content_html="",
                               notes=[str(error)]), 422
    return render_template("comments/_preview.html", content_html=content_html,
                           notes=removed + notes)
