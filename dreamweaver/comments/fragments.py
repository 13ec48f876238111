"""The comment form under a post, rendered once per content generation for
every reader who has nothing typed or saved in it (caching.cached_fragment
does the same for the other shared pieces of a page)."""

from flask import render_template
from markupsafe import Markup

from ..caching import cached, is_personal
from ..forms import CommentForm

# Stands in for the comment form's token in the cached rendering; the token is
# URL-safe base64 and a dot, so putting it in is a plain text replacement.
TOKEN_SLOT = "dw-comment-token-slot"  # noqa: S105 - a marker, not a secret


class BlankCommentForm:
    """The comment form under a post as a reader without saved details first
    sees it: the same for everyone but its token. Its rendering comes from the
    cache; the WTForms form is built only when the cache has none."""

    def __init__(self, token: str):
        self.token = token


def comment_form_html(post, form, message: str = "") -> Markup:
    """The comment form under a post. A blank one (nothing typed, no error, no
    reply) is the same for every reader but for its token: it is rendered once
    per generation and the reader's fresh token put in."""
    if isinstance(form, BlankCommentForm):
        token = form.token
    elif is_personal():
        return Markup(render_template("comments/_form.html", post=post,  # noqa: S704
                                      form=form, message=message))
    else:
        replying = form.comment_parent.data not in (None, "", "0")
        typed = any(field.data for field in (form.comment, form.author, form.email, form.url))
        if replying or typed or message or form.errors:
            return Markup(render_template("comments/_form.html", post=post,  # noqa: S704
                                          form=form, message=message))
        token = form.csrf_token.data
    html = cached(f"fragment:comment-form:{post.id}", lambda: _blank_form_html(post))
    return Markup(html.replace(TOKEN_SLOT, token))  # noqa: S704


def _blank_form_html(post) -> str:
    form = CommentForm(formdata=None)
    form.csrf_token.data = TOKEN_SLOT
    return render_template("comments/_form.html", post=post, form=form, message="")
