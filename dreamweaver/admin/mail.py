"""The mail outbox in /admin (administrators only): what is queued, failed and
sent, each message's text, "Send again" for a failed one and a test email to
the signed-in administrator.

Without MAIL_SERVER nothing is sent, so this screen is where mail is read: an
owner with no mail server can still copy an invitation link from here.
Every write is a plain form POST that redirects (303); with htmx the list is
swapped in place.
"""

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import defer

from ..blog.queries import Page
from ..extensions import db
from ..htmx import is_partial, render
from ..mail import outbox, transport
from ..models import MAIL_STATUSES, OutboxMessage
from ..params import MAX_ID, whole_number
from .blueprint import bp
from .forms import ModerationForm

PER_PAGE = 20
MAX_PAGE = 10**9
STATUS_LABELS = {"queued": "Queued", "failed": "Failed", "sent": "Sent"}
ID = f"int(max={MAX_ID})"


def administrators_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, "Only administrators can see the mail outbox.")
        return view(*args, **kwargs)
    return wrapper


@dataclass(frozen=True)
class ListArgs:
    status: str = "queued"
    page: int = 1

    @property
    def url_args(self) -> dict:
        return {"status": self.status, **({"page": self.page} if self.page > 1 else {})}


def list_args() -> ListArgs:
    """The tab and page from the query string; 404 for one that cannot exist."""
    status = request.args.get("status", "queued")
    page = whole_number(request.args.get("page", "1"), MAX_PAGE)
    if status not in MAIL_STATUSES or not page:
        abort(404)
    return ListArgs(status, page)


def list_page(args: ListArgs) -> Page | None:
    """One page of the tab, newest first (PER_PAGE + 1 rows, no COUNT); None past the end."""
    rows = list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == args.status)
        .options(defer(OutboxMessage.text_body), defer(OutboxMessage.html_body))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(PER_PAGE + 1).offset((args.page - 1) * PER_PAGE)))
    if not rows and args.page > 1:
        return None
    return Page(rows[:PER_PAGE], args.page, args.page > 1, len(rows) > PER_PAGE)


def _render_list(args: ListArgs, message: str = "", status: int = 200):
    listing = list_page(args) or abort(404)
    title = f"{STATUS_LABELS[args.status]} mail" + (
        f", page {listing.number}" if listing.number > 1 else "")
    html = render("admin/mail.html", "admin/_mail_list.html", args=args, listing=listing,
                  counts=outbox.counts(), configured=transport.configured(), message=message,
                  title=title, status_labels=STATUS_LABELS, form=ModerationForm())
    return make_response(html, status)


def _done(message: str, args: ListArgs, status: int = 200):
    """After a write: the list with `message` for htmx, a redirect to it otherwise;
    a refusal (4xx) shows the list with the message either way."""
    if is_partial() or status >= 400:
        response = _render_list(args, message, status)
        if is_partial():
            response.headers["HX-Replace-Url"] = url_for("admin.mail_outbox", **args.url_args)
        return response
    flash(message)
    return redirect(url_for("admin.mail_outbox", **args.url_args), 303)


@bp.get("/mail/")
@administrators_only
def mail_outbox():
    return _render_list(list_args())


def _message_or_404(message_id: int) -> OutboxMessage:
    return db.session.get(OutboxMessage, message_id) or abort(404)


@bp.get(f"/mail/<{ID}:message_id>/")
@administrators_only
def mail_message(message_id):
    row = _message_or_404(message_id)
    return render_template("admin/mail_message.html", row=row, configured=transport.configured(),
                           status_labels=STATUS_LABELS)


@bp.post(f"/mail/<{ID}:message_id>/send-again")
@administrators_only
def mail_send_again(message_id):
    row = _message_or_404(message_id)
    if not ModerationForm().validate_on_submit():
        abort(400)
    if row.status != "failed":
        return _done(f"The message to {row.to_address} is {row.status}, not failed: "
                     "only failed mail is sent again.", ListArgs("failed"), 409)
    address = row.to_address
    outbox.send_again(row)
    db.session.commit()
    db.session.refresh(row)
    return _done(_fate(f"The message to {address}", row.status), ListArgs(row.status))


@bp.post("/mail/test")
@administrators_only
def mail_test():
    if not ModerationForm().validate_on_submit():
        abort(400)
    address = current_user.email
    if not address:
        return _done("Your account has no email address to send a test to: add one to "
                     "your profile first.", ListArgs(), 409)
    row = outbox.queue(address, f"Test message from {current_user.display_name}",
                       "test_message", kind="test", user_id=current_user.id,
                       sender_name=current_user.display_name)
    db.session.commit()
    db.session.refresh(row)
    return _done(_fate(f"A test email to {address}", row.status), ListArgs(row.status))


def _fate(what: str, status: str) -> str:
    """What became of a message just queued (sent at once when tasks run inline)."""
    if status == "sent":
        return f"{what} was sent."
    if status == "failed":
        return f"{what} could not be sent: see its error below."
    if not transport.configured():
        return f"{what} is queued: no mail server is configured, so it is kept here."
    return f"{what} is queued and will be sent in a moment."
