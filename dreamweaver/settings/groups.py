"""Every group of settings, in the order /admin/settings/ and the history show them."""

from . import discussion, general

GROUPS = {group.name: group for group in (general.GROUP, discussion.GROUP)}
