"""Every group of settings, in the order /admin/settings/ and the history show them."""

from ..widgets import group as widgets
from . import general

GROUPS = {group.name: group for group in (general.GROUP, widgets.GROUP)}
