"""The settings that shape the site, edited in /admin: general, reading,
discussion, the menu and the widgets.

Each group is one row of site_settings, saved whole; a group never saved has
no row and takes every value from configuration (the first-run defaults, so a
site looks as before until its owner saves). Saving moves the content
generation and the settings generation in the same transaction (caching
watches SiteSetting), so every worker and server reads the new values on its
next request, and no cached page or fragment made with the old ones is served
again. Each process keeps the values it read under the settings generation,
which only a settings change moves: a new comment does not reload them.

Every save is recorded whole, before and after (SettingsChange), and any
earlier version can be put back (restore).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g

from ..caching import settings_generation
from ..extensions import db
from ..models import SettingsChange, SiteSetting, User, utcnow
from .groups import GROUPS

MEMO = "dreamweaver_settings"  # also an attribute name on g


class Settings:
    """Every group's values; each key is also an attribute (`.site_title`)."""

    def __init__(self, groups: dict[str, dict]):
        self._groups = groups
        self._flat = {key: value for values in groups.values() for key, value in values.items()}

    def __getattr__(self, name: str):
        try:
            return self.__dict__["_flat"][name]
        except KeyError:
            raise AttributeError(name) from None

    def group(self, name: str) -> dict:
        return dict(self._groups[name])


def current() -> Settings:
    """The settings as of this request: read once per settings generation and
    process, then a dictionary lookup.

    The first-run defaults are compared with the configuration once per
    request too, so a changed configuration counts from the next request
    even with the generation unmoved (a test, or a shell, that sets a
    config key on a running app)."""
    number = settings_generation()
    checked = g.get(MEMO)
    if checked is not None and checked[0] == number:
        return checked[2]
    config = current_app.config
    first_run = {name: group.defaults(config) for name, group in GROUPS.items()}
    memo = current_app.extensions.get(MEMO)
    if memo is None or memo[0] != number or memo[1] != first_run:
        memo = (number, first_run, _load(config))
        current_app.extensions[MEMO] = memo
    setattr(g, MEMO, memo)
    return memo[2]


def _load(config) -> Settings:
    stored = dict(db.session.execute(sa.select(SiteSetting.name, SiteSetting.value)).all())
    return Settings({name: group.merged(config, stored.get(name))
                     for name, group in GROUPS.items()})


def save(name: str, values: dict, user: User | None = None, *,
         restored_from: int | None = None) -> SettingsChange | None:
    """Store the group `name` as `values` (unknown keys dropped, missing ones
    from the defaults) and record the change; None when nothing changed. The
    caller commits."""
    group = GROUPS[name]
    config = current_app.config
    row = db.session.get(SiteSetting, name, with_for_update=True)
    before = group.merged(config, row.value if row else None)
    after = group.merged(config, values)
    if after == before:
        return None
    if row is None:
        db.session.add(SiteSetting(name=name, value=after))
    else:
        row.value, row.updated_at = after, utcnow()
    change = SettingsChange(name=name, user_id=user.id if user else None, before=before,
                            after=after, restored_from=restored_from)
    db.session.add(change)
    db.session.flush()
    return change


def restore(change: SettingsChange, user: User | None = None) -> SettingsChange | None:
    """Put back the group as it was before `change` (recorded as a change itself)."""
    return save(change.name, change.before, user, restored_from=change.id)
