"""Appearance > Widgets (administrators only): the sidebar's widgets in
order, each with its options form, Up, Down and Remove; a widget added from
the chooser goes to the end; "Reset" brings back the seed's four.

Every change saves the whole list through settings.save (history, put back,
and every worker's next page come with it). Each form carries the revision
of the list it was shown with: one from before another change (another tab,
another administrator) is refused with the list as it now is, rather than
applied to whatever widget took its place. A plain post redirects (303); htmx
swaps the editor in place; a mistake is a 422 with its message beside the
field, and nothing saved.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import settings as site_settings
from ..extensions import db
from ..htmx import is_partial, render
from ..widgets import sidebar
from ..widgets.forms import AddForm, ListForm, MoveForm
from ..widgets.kinds import GROUP_NAME, KEY, KINDS, MAX_WIDGETS, default_widgets
from .blueprint import administrators_only, bp

STALE = ("The widgets were changed meanwhile (in another tab, or by someone else): "
         "here they are as they are now. Make your change again.")
RACE = ("Someone else saved the widgets at the same moment. Look at them again, "
        "and make your change once more.")


def _known() -> list[dict]:
    """The list as the editor shows it: widgets of the kinds this release
    knows, each with all its options."""
    return [KINDS[widget["type"]].stored(widget) for widget in sidebar.stored()
            if widget.get("type") in KINDS]


def _prefix(position: int) -> str:
    return f"widget-{position}"


def _kinds() -> list[tuple[str, str]]:
    return [(kind.type, kind.label) for kind in KINDS.values()]


def _show(message: str = "", status: int = 200, *, failed: tuple | None = None,
          add_form: AddForm | None = None, error: str = ""):
    """The editor. `failed` is (position, bound form) of a widget whose options
    did not pass, shown with its messages instead of the saved values."""
    widgets = _known()
    revision = sidebar.revision(widgets)
    items = []
    for position, widget in enumerate(widgets, 1):
        kind = KINDS[widget["type"]]
        if failed and failed[0] == position:
            form = failed[1]
        else:
            form = kind.form(formdata=None, data={**widget, "revision": revision},
                             prefix=_prefix(position))
        items.append((position, kind, form))
    add_form = add_form or AddForm(formdata=None, data={"revision": revision}, kinds=_kinds())
    html = render("admin/widgets.html", "admin/_widgets.html", items=items, revision=revision,
                  add_form=add_form, message=message, error=error, max_widgets=MAX_WIDGETS)
    return html, status


def _save(widgets: list[dict], message: str):
    """Store the list whole; the answer a plain post or htmx expects."""
    try:
        changed = site_settings.save(GROUP_NAME, {KEY: widgets},
                                     current_user._get_current_object()) is not None
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _show(error=RACE, status=409)
    if not changed:
        message = "Nothing changed: the widgets were already so."
    if not is_partial():
        flash(message)
        return redirect(url_for("admin.widgets"), 303)
    return _show(message)


def _refusal(form, widgets: list[dict], *, bound: tuple | None = None):
    """The answer to a list form that cannot be applied, or None when it can:
    an expired token (400), a list changed since the form was shown (409), or
    a mistake in its fields (422: `bound` shows them in place, else they are
    said at the top)."""
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        return _show(error="This form has expired. Reload the page and try again.", status=400)
    if form.revision.data != sidebar.revision(widgets):
        return _show(error=STALE, status=409)
    if valid:
        return None
    if bound is not None:
        return _show(status=422, **bound)
    return _show(error=" ".join(m for messages in form.errors.values() for m in messages),
                 status=422)


def _widget_at(widgets: list[dict], number: int) -> dict:
    """The widget at this place in the list (from 1), or 404."""
    if not 1 <= number <= len(widgets):
        abort(404)
    return widgets[number - 1]


@bp.get("/widgets/")
@administrators_only
def widgets():
    return _show()


@bp.post("/widgets/")
@administrators_only
def widget_add():
    form, widgets = AddForm(kinds=_kinds()), _known()
    refused = _refusal(form, widgets, bound={"add_form": form})
    if refused:
        return refused
    if len(widgets) >= MAX_WIDGETS:
        form.type.errors.append(f"The sidebar holds at most {MAX_WIDGETS} widgets: "
                                "remove one before adding another.")
        return _show(add_form=form, status=422)
    kind = KINDS[form.type.data]
    return _save([*widgets, kind.stored({})],
                 f"{kind.label} widget added at the end of the sidebar: set its options there.")


@bp.post("/widgets/<int(max=1000000):number>/")
@administrators_only
def widget_options(number: int):
    widgets = _known()
    shown = request.form.get(f"{_prefix(number)}-revision")
    if shown != sidebar.revision(widgets):
        return _show(error=STALE, status=409)  # the widget may be gone: say why, not 404
    kind = KINDS[_widget_at(widgets, number)["type"]]
    form = kind.form(prefix=_prefix(number))
    error = f"Nothing was saved: correct the {kind.label} widget's options marked below."
    refused = _refusal(form, widgets, bound={"failed": (number, form), "error": error})
    if refused:
        return refused
    widgets[number - 1] = kind.stored(form.options(kind.defaults))
    return _save(widgets, f"{kind.label} widget saved.")


@bp.post("/widgets/<int(max=1000000):number>/move")
@administrators_only
def widget_move(number: int):
    form, widgets = MoveForm(), _known()
    refused = _refusal(form, widgets)
    if refused:
        return refused
    moved = _widget_at(widgets, number)
    other = number - 2 if form.direction.data == "up" else number
    if not 0 <= other < len(widgets):
        return _show(error="This widget cannot move further that way.", status=422)
    widgets[number - 1], widgets[other] = widgets[other], moved
    return _save(widgets, f"{KINDS[moved['type']].label} widget moved {form.direction.data}.")


@bp.post("/widgets/<int(max=1000000):number>/remove")
@administrators_only
def widget_remove(number: int):
    form, widgets = ListForm(), _known()
    refused = _refusal(form, widgets)
    if refused:
        return refused
    removed = _widget_at(widgets, number)
    del widgets[number - 1]
    return _save(widgets, f"{KINDS[removed['type']].label} widget removed.")


@bp.post("/widgets/reset")
@administrators_only
def widgets_reset():
    form, widgets = ListForm(), _known()
    refused = _refusal(form, widgets)
    if refused:
        return refused
    return _save(default_widgets(), "The sidebar has its default widgets again.")
