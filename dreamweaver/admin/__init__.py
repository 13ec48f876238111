"""The owner's area: accounts, posts and pages, categories, comment moderation,
the mail outbox, the fediverse, the site's settings, its menu and its sidebar's
widgets.

Each module adds its views to the one admin blueprint.
"""

from . import (
               accounts,
               categories,
               comments,
               dashboard,
               fediverse,
               invitations,
               mail,
               media,
               menus,
               password_reset,
               posts,
               profile,
               settings,
               two_factor,
               users,
               widgets,
)
from .blueprint import bp

__all__ = ["bp", "accounts", "categories", "comments", "dashboard", "fediverse", "invitations",
           "mail", "media", "menus", "password_reset", "posts", "profile", "settings",
           "two_factor", "users", "widgets"]
