"""The single post (or page) as readers see it: content or password form,
neighbours, and the discussion with its comment form. Shared by the blog
views and by the comment views when they show the page again."""

from flask import abort, make_response

from .. import reader
from ..comments.discussion import SharedDiscussion, discussion, page_count
from ..comments.forms import FormHole, comment_form, first_comment_form
from ..htmx import render
from ..models import Post
from ..security import allow_frames
from . import queries
from .forms import PostPasswordForm
from .shared_html import shared_html


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
    if unlocked:  # its text is shown, video cards and all
        allow_frames(*post.embed_origins)
    page, fragment = (("blog/post.html", "blog/_post.html") if post.type == "post"
                      else ("blog/page.html", "blog/_page.html"))

    def html(form):
        return render(
            page, partial or fragment, post=post, unlocked=unlocked,
            password_form=password_form or (PostPasswordForm() if not unlocked else None),
            form=form, neighbours=lambda: (None, None) if preview else neighbours(post),
            discussion=talk, message=message, new_comment_id=new_comment_id,
            edit_url=edit_url, preview=preview,
        )

    # The article as every reader sees it, but for the form under it: kept
    # (blog/shared_html.py), with this reader's form put in.
    shared = (isinstance(talk, SharedDiscussion) and not post.password and edit_url is None
              and form is None and password_form is None and partial is None
              and not message and status == 200)
    if shared:
        hole = FormHole()
        body = hole.fill(shared_html(lambda: html(hole), (hole.marker,)), post,
                         first_comment_form(post))
    else:
        body = html(form or first_comment_form(post))
    response = make_response(body, status)
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
