"""The editor's featured image: what its plain select offers (without
JavaScript), and which image a save may take.

An author may feature their own uploads, an administrator any; a post keeps
the image it already has, whoever uploaded it.
"""

import sqlalchemy as sa
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..media import library
from ..models import Media, Post

# The select lists this many of the user's newest images (plus the current one);
# the picker reaches the rest.
RECENT = 50
REFUSED = "Choose an image from your media library (or none)."


def _label(media: Media) -> str:
    return media.title or media.original_name or media.key


def choices(post: Post, user) -> list[SelectChoice]:
    recent = list(db.session.scalars(
        sa.select(Media).where(library.visible_to(user))
        .order_by(Media.created_at.desc(), Media.id.desc()).limit(RECENT)))
    current = post.featured_media
    if current is not None and current not in recent:
        recent.insert(0, current)
    return [SelectChoice("", "(none)")] + [SelectChoice(m.id, _label(m)) for m in recent]


def refusal(post: Post, user, media_id: int | None) -> str | None:
    """Why `user` cannot feature image `media_id` on `post`; None when they can."""
    if media_id is None or media_id == post.featured_media_id:
        return None
    media = db.session.get(Media, media_id) if media_id > 0 else None
    if media is None or not library.may_use(user, media):
        return REFUSED
    return None


def shown(post: Post, user, chosen: int | None) -> Media | None:
    """The image the editor shows as featured: the one chosen in the form if
    the user may use it, else the post's own."""
    if chosen == post.featured_media_id or refusal(post, user, chosen):
        return post.featured_media
    return db.session.get(Media, chosen) if chosen is not None else None
