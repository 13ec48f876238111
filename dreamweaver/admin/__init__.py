"""The owner's area: accounts, posts and pages, categories, comment moderation.

Each module adds its views to the one admin blueprint.
"""

from . import accounts, categories, comments, dashboard, invitations, media, posts, users
from .blueprint import bp

__all__ = ["bp", "accounts", "categories", "comments", "dashboard", "invitations", "media", "posts",
           "users"]
