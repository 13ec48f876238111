"""What the header shows: the saved menu's links, or None for the automatic
menu (templates/site/_menu.html draws that one as it always has)."""

from __future__ import annotations

from .. import settings
from ..caching import cached
from .items import Entry, resolve


def saved_menu() -> list[Entry] | None:
    """The header's links, or None while the menu is the automatic one."""
    items = settings.current().menu_items
    if items is None:
        return None
    # Keyed by the generation, which every save of the menu moves.
    return cached("menu-saved", lambda: resolve(items))
