"""What a group of settings is: a name, its first-run defaults (read from
configuration), and the form that edits it, if it has one on /admin/settings/."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wtforms.fields.core import UnboundField


@dataclass(frozen=True)
class Group:
    name: str  # the row's name in site_settings, and the history's
    label: str  # as the history page names it: "General"
    defaults: Callable[[Mapping], dict]  # app.config -> every key with its first-run value
    # The form class whose fields are named as the keys (a FlaskForm subclass),
    # and the template of its part of /admin/settings/; None for groups with a
    # screen of their own (the menu, the widgets).
    form: type | None = None
    template: str | None = None
    # How the history page shows one saved value: {label: text}. Default: each
    # key by its form field's label, with its value as text.
    describe: Callable[[dict], dict[str, str]] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    def merged(self, config: Mapping, stored: Mapping | None) -> dict:
        """The group's values: the defaults, overlaid by what was saved. Keys an
        older release saved and this one no longer knows are left out."""
        values = self.defaults(config)
        if stored:
            values.update((key, value) for key, value in stored.items() if key in values)
        return values

    def shown(self, value: dict) -> dict[str, str]:
        if self.describe is not None:
            return self.describe(value)
        labels = self.labels or _form_labels(self.form)
        return {labels.get(key, key): _text(item) for key, item in value.items()}


def _form_labels(form) -> dict[str, str]:
    """Each field's label, as the form shows it, by the field's name."""
    if form is None:
        return {}
    found = {}
    for name in dir(form):
        unbound = getattr(form, name)
        if isinstance(unbound, UnboundField):
            found[name] = unbound.args[0] if unbound.args else unbound.kwargs.get("label", name)
    return found


def _text(value) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None or value == "":
        return "(none)"
    return str(value)
