"""The single post (or page) as readers see it: content or password form,
neighbours, and the discussion with its comment form. Shared by the blog
views and by the comment views when they show the page again."""

from flask import abort, make_response

from .. import reader
from ..comments import token
from ..comments.discussion import SharedDiscussion, discussion, page_count
from ..comments.fragments import BlankCommentForm
from ..forms import CommentForm, PostPasswordForm
from ..htmx import render
from ..models import Post
from . import queries


def comment_form(post: Post, reply_to: int | None = None, *, retry: CommentForm | None = None,
                 author: dict | None = None) -> CommentForm:
    """The comment form for `post` with a fresh token.

    `retry` is a refused form shown again with what was typed; otherwise the
    form is empty but for `author` (name, email, website; by default as this
    browser saved them) and the comment it replies to.
    """
    if retry is not None:
        form = retry
    else:
        saved = reader.current().saved if author is None else author
        if reader.current().user is not None:
            saved = {}  # they comment as their account, with no form fields
        form = CommentForm(formdata=None, data=saved)
        form.cookies_consent.data = bool(saved.get("author"))
        if reply_to is not None:
            form.comment_parent.data = str(reply_to)
    form.csrf_token.data = token.issue(post.id)
    return form


def first_comment_form(post: Post) -> CommentForm | BlankCommentForm:
    """The form under a post as it first shows: the reader's saved details, or
    blank (then only a token is made; the rendering is shared, see fragments)."""
    if reader.current().comments_as_stranger:
        return BlankCommentForm(token.issue(post.id))
    return comment_form(post)


def render_article(post: Post, *, status: int = 200, cpage: int | None = None,
                   reply_to: int | None = None, password_form=None, form=None,
                   message: str = "", new_comment_id: int | None = None,
                   partial: str | None = None, held: set[int] | None = None,
                   preview: bool = False):
    # Asked first: once a user is signed in, nothing below goes into a shared cache.
    edit_url = reader.current().edit_url(post)
    unlocked = reader.current().unlocks(post)
    held = reader.current().held | (held or set())
    if cpage is not None and not 1 <= cpage <= page_count(post):
        abort(404)
    if not unlocked or preview:
        talk = None  # a preview shows the post, not a discussion it may never have
    elif held or reply_to or new_comment_id:
        talk = discussion(post, cpage, held, reply_to)
    else:
        talk = SharedDiscussion(post, cpage)
    reply_target = talk.reply_to.id if talk and talk.reply_to else None
    if form is None and reply_target is not None:
        form = comment_form(post, reply_target)
    page, fragment = (("blog/post.html", "blog/_post.html") if post.type == "post"
                      else ("blog/page.html", "blog/_page.html"))
    response = make_response(
        render(
            page, partial or fragment, post=post, unlocked=unlocked,
            password_form=password_form or (PostPasswordForm() if not unlocked else None),
            form=form or first_comment_form(post),
            neighbours=lambda: (None, None) if preview else neighbours(post),
            discussion=talk, message=message, new_comment_id=new_comment_id,
            edit_url=edit_url, preview=preview,
        ),
        status,
    )
    return personal(response, post)


def neighbours(post: Post) -> tuple[Post | None, Post | None]:
    """(previous, next) post, asked for only when the article is rendered."""
    return queries.adjacent_posts(post) if post.type == "post" else (None, None)


def personal(response, post: Post):
    """Mark a response that depends on this reader's cookies (a post password,
    their saved name, their held comments, their signed-in session) as theirs
    alone: never for a shared cache."""
    if reader.current().keeps_private(post):
        response.vary.add("Cookie")
        response.cache_control.private = True
    return response
