"""The pages a reply-notification mail links to: confirm an address,
unsubscribe from one comment (RFC 8058 one-click too), and manage every
subscription of an address.

The signed token in the URL is the credential, so none of these pages needs
or sets a cookie. A GET never changes anything (mail scanners prefetch
links): each page shows a button, and the button POSTs. The browser forms
must come from our own pages, like the comment form; RFC 8058's one-click
POST comes from a mail provider's server, with no Origin, and is taken as it
is. No page is stored by any cache or sent as a Referer: the URL is a key.
"""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, url_for

from .. import tokens
from ..extensions import csrf, db, limiter
from ..htmx import is_partial
from ..models import ReplySubscription
from ..params import whole_number
from ..permalinks import post_url
from ..security import is_same_origin
from . import subscriptions
from .discussion import comment_link, place_of
from .views import bp

PAGE = "comments/subscription_page.html"
ONE_CLICK = "One-Click"
POST_LIMIT = "30 per minute"
# The status of each refusal, so a mail client or a person sees which it is.
REFUSED_STATUS = {tokens.EXPIRED: 410, tokens.USED: 409}


def _page(partial: str, status: int = 200, **context):
    """The page, or its section for htmx; private to whoever holds the link."""
    fragment = is_partial()
    html = render_template(partial if fragment else PAGE, partial=partial, fragment=fragment,
                           **context)
    response = make_response(html, status)
    response.cache_control.no_store = True
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _refused(refused: tokens.Refused):
    abort(REFUSED_STATUS.get(str(refused), 400), str(refused))


def _same_origin_only():
    if not is_same_origin():
        abort(403, "This form can only be sent from this site.")


@bp.route("/comment-subscriptions/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(POST_LIMIT, methods=["POST"])
def confirm_subscription(token):
    if request.method == "POST":
        _same_origin_only()
    try:
        subscriber = subscriptions.subscriber_to_confirm(token)
    except tokens.Refused as refused:
        _refused(refused)
    if request.method == "GET":
        return _page("comments/_subscription_confirm.html", token=token)
    subscriptions.confirm(subscriber)
    db.session.commit()
    return _page("comments/_subscription_confirmed.html",
                 manage_token=subscriptions.manage_token(subscriber))


@bp.route("/comment-subscriptions/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(POST_LIMIT, methods=["POST"])
def unsubscribe(token):
    # RFC 8058: the mail provider POSTs List-Unsubscribe=One-Click from its
    # servers; the token alone decides. Anything else is our page's button.
    one_click = request.form.get("List-Unsubscribe") == ONE_CLICK
    if request.method == "POST" and not one_click:
        _same_origin_only()
    try:
        subscription = subscriptions.subscription_to_stop(token)
    except tokens.Refused as refused:
        _refused(refused)
    manage_token = subscriptions.manage_token(subscription.subscriber)
    if request.method == "GET":
        return _page("comments/_subscription_unsubscribe.html", token=token,
                     stopped=subscription.stopped_at is not None, manage_token=manage_token,
                     item=_described(subscription))
    subscriptions.stop(subscription)
    db.session.commit()
    return _page("comments/_subscription_unsubscribe.html", token=token, stopped=True,
                 manage_token=manage_token, item=_described(subscription))


@bp.get("/comment-subscriptions/<token>")
def manage_subscriptions(token):
    try:
        subscriber = subscriptions.subscriber_to_manage(token)
    except tokens.Refused as refused:
        _refused(refused)
    return _manage_page(subscriber, token, request.args.get("stopped", ""))


@bp.post("/comment-subscriptions/<token>")
@csrf.exempt
@limiter.limit(POST_LIMIT)
def stop_subscriptions(token):
    """Stop one subscription (`subscription`: its id) or all of them (`all`)."""
    _same_origin_only()
    try:
        subscriber = subscriptions.subscriber_to_manage(token)
    except tokens.Refused as refused:
        _refused(refused)
    choice = request.form.get("subscription", "")
    if choice == "all":
        subscriptions.stop_all(subscriber)
        stopped = "all"
    else:
        subscription_id = whole_number(choice)
        subscription = db.session.get(ReplySubscription, subscription_id) \
            if subscription_id is not None else None
        if subscription is None or subscription.subscriber_id != subscriber.id:
            # Another address's subscription is none of this link's business.
            abort(404, "There is no such subscription for this address.")
        subscriptions.stop(subscription)
        stopped = "one"
    db.session.commit()
    if is_partial():
        return _manage_page(subscriber, token, stopped)
    return redirect(url_for("comments.manage_subscriptions", token=token, stopped=stopped), 303)


def _manage_page(subscriber, token: str, stopped: str):
    items = [_described(subscription) for subscription in subscriptions.active(subscriber)]
    return _page("comments/_subscription_manage.html", token=token, items=items,
                 stopped=stopped if stopped in ("one", "all") else "")


def _described(subscription: ReplySubscription) -> dict:
    """What the pages say of a subscription: the post, when, and where (no address)."""
    comment = subscription.comment
    post = comment.post
    url = comment_link(post, comment.id, place_of(comment)) if comment.status == "approved" \
        else post_url(post)
    return {"id": subscription.id, "post_title": post.title, "url": url,
            "created_at": comment.created_at,
            "excerpt": _excerpt(subscriptions.plain_text(comment.content_html))}


EXCERPT_WORDS = 30


def _excerpt(text: str) -> str:
    words = text.split()
    return " ".join(words[:EXCERPT_WORDS]) + (" …" if len(words) > EXCERPT_WORDS else "")
