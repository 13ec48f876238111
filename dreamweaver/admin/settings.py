"""Settings in /admin (administrators only): General, Reading and Discussion
on one page, /admin/settings/, saved together by one form so that nothing is
half-saved (a mistake anywhere keeps every group as it was, with each message
beside its field), and the history of every settings, menu and widget change
at /admin/settings/history/, where any earlier version can be put back.

A plain post redirects (303) back to the page; htmx swaps the form in place.
"""

from __future__ import annotations

import functools
import hashlib
import json

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from .. import settings as site_settings
from ..blog.queries import Page
from ..extensions import db
from ..htmx import is_partial, render
from ..models import SettingsChange
from ..params import whole_number
from ..settings.groups import GROUPS
from .blueprint import administrators_only, bp
from .forms import ModerationForm

HISTORY_PER_PAGE = 20
MAX_PAGE = 10**6
RACE = ("Someone else saved these settings at the same moment. Look at them again, "
        "and save once more.")
STALE = ("These settings were changed meanwhile (by someone else, or in another tab), so "
         "nothing was saved: here they are as they are now. Make your change again.")


def form_groups() -> list:
    """The groups edited on /admin/settings/, in order."""
    return [group for group in GROUPS.values() if group.form is not None]


@functools.cache
def settings_form():
    """One form class with every group's fields (each group's form names them
    as its keys), so the page posts, validates and saves as one."""
    return type("SettingsForm", tuple(group.form for group in form_groups()), {})


def _values() -> dict:
    site = site_settings.current()
    values = {}
    for group in form_groups():
        values.update(site.group(group.name))
    return values


def revision(values: dict) -> str:
    """A fingerprint of the values a form was shown with: a post made from an
    older page would put back what someone saved since, so it is refused."""
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _posted() -> MultiDict:
    """The post, with each field it does not name at its current value. A
    browser sends every field (an unticked box's hidden twin stands for it), so
    this only lets a script send just what it changes, without resetting the
    rest."""
    posted = request.form.copy()
    for name, value in _values().items():
        if name not in posted and value is not False and value is not None:
            posted[name] = "y" if value is True else str(value)
    return posted


def _show(form, message: str = "", status: int = 200, stale: bool = False):
    html = render("admin/settings.html", "admin/_settings_form.html", form=form,
                  groups=form_groups(), message=message, revision=revision(_values()),
                  stale=STALE if stale else "")
    return html, status


@bp.route("/settings/", methods=("GET", "POST"))
@administrators_only
def settings():
    if request.method == "GET":
        return _show(settings_form()(formdata=None, data=_values()))
    shown = request.form.get("revision")  # a script may leave it out
    if shown is not None and shown != revision(_values()):
        return _show(settings_form()(formdata=None, data=_values()), status=409, stale=True)
    form = settings_form()(formdata=_posted())
    if not form.validate_on_submit():
        return _show(form, status=422)
    user = current_user._get_current_object()
    config = current_app.config
    changed = False
    try:
        for group in form_groups():
            keys = group.defaults(config).keys()
            changed |= site_settings.save(group.name, {key: form.data[key] for key in keys},
                                          user) is not None
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, RACE)
    message = "Settings saved." if changed else "Nothing changed: the settings were already so."
    if not is_partial():
        flash(message)
        return redirect(url_for("admin.settings"), 303)
    return _show(settings_form()(formdata=None, data=_values()), message)


def history_page(number: int) -> Page | None:
    rows = list(db.session.scalars(
        sa.select(SettingsChange).order_by(SettingsChange.id.desc())
        .limit(HISTORY_PER_PAGE + 1).offset((number - 1) * HISTORY_PER_PAGE)))
    if not rows and number > 1:
        return None
    return Page(rows[:HISTORY_PER_PAGE], number, number > 1, len(rows) > HISTORY_PER_PAGE)


def differences(change: SettingsChange) -> list[tuple[str, str, str]]:
    """(what, before, after) for each part of the group the change changed."""
    group = GROUPS.get(change.name)
    if group is None:  # a group an older release had
        return [(change.name, "", "")]
    before, after = group.shown(change.before), group.shown(change.after)
    return [(label, before.get(label, ""), text) for label, text in after.items()
            if before.get(label) != text]


@bp.get("/settings/history/")
@administrators_only
def settings_history():
    number = whole_number(request.args.get("page", "1"), MAX_PAGE) or abort(404)
    listing = history_page(number) or abort(404)
    return render("admin/settings_history.html", "admin/_settings_history.html",
                  listing=listing, groups=GROUPS, differences=differences,
                  form=ModerationForm())


# "number": the change's number as the history page shows it (and the name the
# route walker in tests/site/test_every_route.py fills in).
@bp.post("/settings/history/<int(max=2147483647):number>/restore")
@administrators_only
def settings_restore(number: int):
    form = ModerationForm()
    if not form.validate_on_submit():
        abort(400, "This form has expired. Reload the page and try again.")
    change = db.session.get(SettingsChange, number) or abort(404)
    if change.name not in GROUPS:
        abort(409, "These settings no longer exist in this version of Dreamweaver.")
    try:
        restored = site_settings.restore(change, current_user._get_current_object())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, RACE)
    label = GROUPS[change.name].label
    message = (f"{label} put back as it was before change {change.id}." if restored
               else f"{label} already were as before change {change.id}.")
    flash(message)
    return redirect(url_for("admin.settings_history"), 303)
