"""Every group of settings, in the order /admin/settings/ and the history show them."""

from ..menus import group as menu
from ..widgets import group as widgets
from . import discussion, general, reading

GROUPS = {group.name: group for group in (general.GROUP, reading.GROUP, discussion.GROUP,
                                          menu.GROUP, widgets.GROUP)}
