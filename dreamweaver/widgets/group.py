"""The settings group "widgets": its one value is the sidebar's list of
widgets in order, each a dict of its type and options; never saved, it is
the seed site's four widgets. Saved through settings.save, so every change
has its history and can be put back.

Only settings/groups.py imports this module (the settings package needs it
while it loads); everything else reads the list through widgets.sidebar.
"""

from __future__ import annotations

from ..settings.group import Group
from .kinds import GROUP_NAME, KEY, KINDS, default_widgets


def _defaults(config) -> dict:
    return {KEY: default_widgets()}


def describe(value: dict) -> dict[str, str]:
    """The history's lines: how many widgets, then each one by its place."""
    widgets = [widget for widget in value.get(KEY, ()) if widget.get("type") in KINDS]
    shown = {"Number of widgets": str(len(widgets))}
    for number, widget in enumerate(widgets, 1):
        shown[f"Widget {number}"] = KINDS[widget["type"]].describe(widget)
    return shown


GROUP = Group(GROUP_NAME, "Widgets", _defaults, describe=describe)
