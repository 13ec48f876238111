"""Adds to a seeded site a post with a 4,000 × 3,000 photograph (photo-like,
bench/media.py) as its featured image and in its text, variants made at once;
prints the post's path. Run with the site's FLASK_* environment and
FLASK_TASKS_INLINE=true (bench/lighthouse.py does)."""

from __future__ import annotations

import io
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.media import photo_jpeg  # noqa: E402
from dreamweaver import create_app, publishing  # noqa: E402
from dreamweaver.extensions import db  # noqa: E402
from dreamweaver.media import library  # noqa: E402
from dreamweaver.media.images import accept  # noqa: E402
from dreamweaver.models import Post, User  # noqa: E402
from dreamweaver.permalinks import post_url  # noqa: E402

TEXT = """A walk at first light, before the valley fills with voices.

{image}

The path climbs through pines for an hour, then opens onto a ridge where the
air is still cold. Nobody else was up there; the only sound was wind in the
grass and, far below, a river working at its stones.
"""


def main() -> None:
    app = create_app()
    with app.app_context(), app.test_request_context():
        accepted = accept(io.BytesIO(photo_jpeg(12, orientation=1)),
                          app.config["MEDIA_MAX_PIXELS"])
        author = db.session.scalar(sa.select(User).order_by(User.id))
        media = library.add(accepted, original_name="ridge.jpg", title="The ridge",
                            alt="A grassy ridge above a pine forest at dawn", owner=author)
        db.session.commit()  # variants are made now (TASKS_INLINE)
        post = publishing.save(
            Post(type="post"), author=author, title="Dawn on the ridge", slug="",
            source=TEXT.format(image=f"![A second look along the ridge](/media/{media.key})"),
            fmt="markdown", excerpt="", categories=[], tags=[], status="published",
            # Dated back, so that the demo's newest post stays first on the home page.
            published=datetime(2020, 6, 1, 6, 30), comments_open=True, sticky=False, password="",
            featured_media_id=media.id)
        db.session.commit()
        print(post_url(post))


if __name__ == "__main__":
    main()
