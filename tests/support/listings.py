"""What the listing-cache tests share: the listing's own section of a page, and
a post whose teaser holds a video card (whose player the page's CSP must frame)."""

from datetime import datetime

from dreamweaver import publishing
from dreamweaver.extensions import db
from dreamweaver.models import Post, User

VIDEO = "https://youtu.be/dQw4w9WgXcQ"
PLAYER_ORIGIN = "https://www.youtube-nocookie.com"


def listed(page: str) -> str:
    """The listing's section of a page (the sidebar's Recent Posts left out)."""
    start = page.index('id="post-list"')
    return page[start:page.index("</section>", start)]


def frame_src(response) -> str | None:
    """The CSP's frame-src directive, if any."""
    policy = response.headers["Content-Security-Policy"]
    found = [part.strip() for part in policy.split(";")
             if part.strip().split(" ")[0] == "frame-src"]
    return found[0] if found else None


def video_teaser_post(app) -> None:
    """A published post whose teaser (before <!--more-->) is a video link."""
    with app.app_context():
        author = User(login="viewer", display_name="Viewer", slug="viewer", role="author")
        db.session.add(author)
        publishing.save(
            Post(type="post", status="draft", sticky=False, password="", format="markdown"),
            author=author, title="Video post", slug="", source=f"{VIDEO}\n\n<!--more-->\n\nMore.",
            fmt="markdown", excerpt="", categories=[], tags=[], status="published",
            published=datetime(2024, 3, 5, 10), comments_open=True, sticky=False, password="")
        db.session.commit()
