"""What the buttons of /admin/menus/ do to a menu: the rows as the screen
posts them (each item's place, depth and label), then one move. Pure
functions over (item, depth) rows, so the rules are tested without a request."""

from __future__ import annotations

from .tree import MenuError

VERBS = ("up", "down", "in", "out", "remove")


def _block_end(rows: list, index: int) -> int:
    """The index just past the item at `index` and, for a top-level one, its sub-items."""
    end = index + 1
    if rows[index][1] == 0:
        while end < len(rows) and rows[end][1] == 1:
            end += 1
    return end


def _previous_top(rows: list, index: int) -> int | None:
    for before in range(index - 1, -1, -1):
        if rows[before][1] == 0:
            return before
    return None


def apply(rows: list, verb: str, index: int, name: str) -> list:
    """`rows` ((item, depth) pairs) after `verb` on the row at `index`; MenuError
    when the move cannot be made (`name` is how the message names the item)."""
    rows = list(rows)
    depth = rows[index][1]
    end = _block_end(rows, index)
    if verb == "up":
        if depth:
            if rows[index - 1][1] == 0:
                raise MenuError(f"“{name}” is already the first item under its parent.")
            rows[index - 1], rows[index] = rows[index], rows[index - 1]
            return rows
        before = _previous_top(rows, index)
        if before is None:
            raise MenuError(f"“{name}” is already at the top of the menu.")
        return rows[:before] + rows[index:end] + rows[before:index] + rows[end:]
    if verb == "down":
        if depth:
            if end >= len(rows) or rows[end][1] == 0:
                raise MenuError(f"“{name}” is already the last item under its parent.")
            rows[index], rows[end] = rows[end], rows[index]
            return rows
        if end >= len(rows):
            raise MenuError(f"“{name}” is already at the bottom of the menu.")
        after = _block_end(rows, end)
        return rows[:index] + rows[end:after] + rows[index:end] + rows[after:]
    if verb == "in":
        if depth:
            raise MenuError(f"“{name}” is already a sub-item: menus nest one level.")
        if end > index + 1:
            raise MenuError(f"“{name}” has sub-items of its own; move them out first: "
                            "menus nest one level.")
        if _previous_top(rows, index) is None:
            raise MenuError(f"“{name}” is the first item: there is no item above to put it "
                            "under.")
        rows[index] = (rows[index][0], 1)
        return rows
    if verb == "out":
        if not depth:
            raise MenuError(f"“{name}” is already at the top level.")
        row = rows.pop(index)
        parent = _previous_top(rows, index)
        at = _block_end(rows, parent)
        return rows[:at] + [(row[0], 0)] + rows[at:]
    if verb == "remove":
        # Its sub-items stay, moved up to the top level (as WordPress does).
        return rows[:index] + [(entry, 0) for entry, _ in rows[index + 1:end]] + rows[end:]
    raise MenuError("This button does nothing: reload the page and try again.")
