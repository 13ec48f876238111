"""`flask render-posts`: posts stored before an upgrade are shown as new ones are."""

import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Post


def test_old_posts_get_pictures_and_video_cards(app, make, runner):
    media = make.media()
    source = (f'<p><img src="/media/{media.key}" alt="A door"></p>\n\n'
              "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    post = make.post("Old", source=source)
    old_html = f'<p><img src="/media/{media.key}" alt="A door"></p>\n<p>https://...</p>'
    with app.app_context():
        db.session.execute(sa.update(Post).where(Post.id == post.id)
                           .values(content_html=old_html, teaser_html=""))
        db.session.execute(sa.text("DELETE FROM post_media"))
        db.session.commit()

    result = runner.invoke(args=["render-posts"])
    assert result.exit_code == 0, result.output
    assert "Rendered 1 posts and pages: 1 changed." in result.output
    with app.app_context():
        stored = db.session.get(Post, post.id)
        assert "<picture>" in stored.content_html and "Load video" in stored.content_html
        assert [m.id for m in stored.media_used] == [media.id]

    again = runner.invoke(args=["render-posts"])
    assert "1 posts and pages: 0 changed." in again.output
