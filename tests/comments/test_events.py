"""The comment signals mail notices listen to: sent for what happens on the
site (a reader's comment, an author's reply, a moderator's action), not for
seeded or imported comments."""

import contextlib

from dreamweaver.comments import events
from tests.support.admin_forms import act
from tests.support.comment_client import permalink, send, stored


@contextlib.contextmanager
def recorded():
    heard = []

    def added(comment):
        heard.append(("added", comment.status, comment.author_name))

    def changed(comment, old):
        heard.append(("changed", old, comment.status))

    events.comment_added.connect(added)
    events.status_changed.connect(changed)
    try:
        yield heard
    finally:
        events.comment_added.disconnect(added)
        events.status_changed.disconnect(changed)


def test_a_readers_comment_and_its_moderation_are_heard(app, client, auth, make):
    post = make.post("Listening")
    app.config["COMMENT_MODERATION"] = True
    with recorded() as heard:
        response = send(client, permalink(app, post), author="Ada", comment="First!")
        assert response.status_code == 303
        [comment] = stored(app)
        auth.login("owner", "administrator")
        assert act(client, comment.id, "approve").status_code == 303
    assert heard == [("added", "pending", "Ada"), ("changed", "pending", "approved")]


def test_seeded_comments_are_not_heard(app, make):
    post = make.post("Quiet")
    with recorded() as heard:
        make.comment(post)
    assert heard == []
