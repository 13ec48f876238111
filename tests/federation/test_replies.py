"""Replies, likes and boosts from a real peer on loopback (federation/
replies.py, reactions.py): a public reply to a post becomes a comment in its
thread, cleaned and moderated as a reader's (held for a first-time actor,
approved after), threaded under the note it answers; Update and Delete of
the note apply to it; likes and boosts are counted once each; a note that is
not a public reply to us, or not the sender's, stores nothing; blocking an
actor removes what they left."""

import time

import pytest
import sqlalchemy as sa
from PIL import Image

from dreamweaver.comments.moderation import moderate
from dreamweaver.extensions import db
from dreamweaver.federation import followers
from dreamweaver.federation.models import Reaction, RemoteActor
from dreamweaver.models import Comment, Post
from tests.support.comment_client import permalink
from tests.support.fediverse_peer import FediversePeer
from tests.support.images import png_with_alpha
from tests.support.settings import app_with_cache
from tests.support.site_settings import save_settings

INBOX = "http://localhost/ap/inbox"
BLOG = "http://localhost/ap/blog"


@pytest.fixture
def site(federated, make):
    federated.config.update(COMMENT_MODERATION=True)  # as shipped: first comments wait
    make.post("Lucid Nights", author=make.user("ann", display_name="Ann Writer"))
    return federated


def the_post(app) -> Post:
    with app.app_context():
        return db.session.scalar(sa.select(Post).where(Post.title == "Lucid Nights"))


def object_of(post) -> str:
    return f"http://localhost/ap/posts/{post.id}"


def comments(app) -> list[Comment]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Comment).order_by(Comment.id)))


def send(app, peer, kind, obj, **fields):
    return peer.post(app.test_client(), INBOX, peer.activity(kind, obj, **fields))


def reply(app, peer, in_reply_to, content="<p>Lovely read.</p>", **note_fields):
    note = peer.note(in_reply_to, content, **note_fields)
    return send(app, peer, "Create", note), note


def test_a_first_reply_is_held_and_the_next_approved_at_once(site, peer):
    post = the_post(site)
    response, note = reply(site, peer, object_of(post),
                           '<p>Dreams <script>alert(1)</script><a href="#" onclick="x()">'
                           "matter</a></p>")
    assert response.status_code == 202, response.get_data(as_text=True)
    [held] = comments(site)
    assert held.status == "pending" and held.post_id == post.id
    assert held.held_reason == "First comment from this account on another server"
    assert held.source == "fediverse" and held.remote_id == note["id"]
    assert held.remote_actor == peer.actor and held.author_email == ""
    assert held.author_name == "Peer Reviewer"
    assert "<script" not in held.content_html and "onclick" not in held.content_html
    assert "matter</a>" in held.content_html
    with site.app_context():
        moderate(db.session.get(Comment, held.id), "approve")
        db.session.commit()
    assert reply(site, peer, object_of(post), "<p>And again.</p>")[0].status_code == 202
    assert [c.status for c in comments(site)] == ["approved", "approved"]
    page = site.test_client().get(permalink(site, post)).get_data(as_text=True)
    assert "And again." in page and "Peer Reviewer" in page
    assert f'<a href="{note["id"]}" rel="external nofollow ugc">Replied on the fediverse</a>' \
        in page
    assert the_post(site).comment_count == 2


def test_a_reply_to_a_reply_is_threaded_and_the_permalink_is_understood(site, peer):
    post = the_post(site)
    _, first = reply(site, peer, permalink(site, post).replace("/", "http://localhost/", 1))
    with site.app_context():
        moderate(db.session.scalars(sa.select(Comment)).one(), "approve")
        db.session.commit()
    assert reply(site, peer, first["id"], "<p>Replying to myself.</p>")[0].status_code == 202
    top, answer = comments(site)
    assert top.post_id == answer.post_id == post.id
    assert answer.parent_id == top.id and answer.thread_id == top.id


@pytest.mark.parametrize("case", ["direct message", "not about us", "closed", "not a note"])
def test_what_is_not_a_public_reply_to_us_is_left(site, peer, case, make):
    post = the_post(site)
    if case == "closed":
        with site.app_context():
            db.session.execute(sa.update(Post).values(comments_open=False))
            db.session.commit()
    note = peer.note(object_of(post), "<p>Psst.</p>", public=case != "direct message")
    if case == "not about us":
        note["inReplyTo"] = peer.base + "/statuses/elsewhere"
    if case == "not a note":
        note["type"] = "Question"
    assert send(site, peer, "Create", note).status_code == 202
    assert comments(site) == []


@pytest.mark.parametrize("forged", ["someone else's note", "note on another server"])
def test_a_note_the_sender_did_not_write_is_refused(site, peer, forged):
    note = peer.note(object_of(the_post(site)), "<p>Words put in a mouth.</p>")
    if forged == "someone else's note":
        note["attributedTo"] = "https://elsewhere.example/users/victim"
    else:
        note["id"] = "https://elsewhere.example/statuses/1"
    assert send(site, peer, "Create", note).status_code == 401
    assert comments(site) == []


def test_an_oversized_reply_is_refused(site, peer):
    response, _ = reply(site, peer, object_of(the_post(site)), "<p>" + "a" * 70_000 + "</p>")
    assert response.status_code == 413 and comments(site) == []


def test_update_and_delete_of_the_note_apply_to_its_comment(site, peer):
    _, note = reply(site, peer, object_of(the_post(site)), "<p>First thoughts.</p>")
    edited = {**note, "content": "<p>Second thoughts.</p>"}
    assert send(site, peer, "Update", edited).status_code == 202
    [comment] = comments(site)
    assert comment.content_html == "<p>Second thoughts.</p>"
    stranger = {**note, "id": note["id"] + "0"}  # no comment of theirs: nothing happens
    assert send(site, peer, "Delete", stranger["id"]).status_code == 202
    assert len(comments(site)) == 1
    gone = {"id": note["id"], "type": "Tombstone"}
    assert send(site, peer, "Delete", gone).status_code == 202
    assert comments(site) == []


def test_likes_and_boosts_are_counted_once_and_undone(site, peer):
    post = the_post(site)
    like = peer.activity("Like", object_of(post))
    assert peer.post(site.test_client(), INBOX, like).status_code == 202
    assert send(site, peer, "Like", object_of(post)).status_code == 202  # the same actor again
    assert send(site, peer, "Announce", object_of(post)).status_code == 202
    assert send(site, peer, "Like", peer.base + "/statuses/other").status_code == 202  # not ours
    counted = the_post(site)
    assert (counted.like_count, counted.boost_count) == (1, 1)
    page = site.test_client().get(permalink(site, post)).get_data(as_text=True)
    assert "1 like</span>" in page and "1 boost</span>" in page
    assert send(site, peer, "Undo", like).status_code == 202
    assert (the_post(site).like_count, the_post(site).boost_count) == (0, 1)


@pytest.mark.parametrize("whom", ["actor", "server"])
def test_blocking_removes_their_comments_and_reactions(site, peer, whom):
    post = the_post(site)
    reply(site, peer, object_of(post))
    send(site, peer, "Like", object_of(post))
    with site.app_context():
        if whom == "actor":
            followers.block_actor(db.session.scalar(sa.select(RemoteActor)))
        else:
            followers.block_domain("127.0.0.1")
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reaction)) == 0
    assert comments(site) == [] and the_post(site).like_count == 0
    assert reply(site, peer, object_of(post))[0].status_code == 202  # dropped unread
    assert comments(site) == []


def test_a_deleted_account_takes_what_it_left(site, peer):
    post = the_post(site)
    reply(site, peer, object_of(post))
    send(site, peer, "Announce", object_of(post))
    assert send(site, peer, "Delete", peer.actor).status_code == 202
    assert comments(site) == [] and the_post(site).boost_count == 0


def test_a_post_names_its_object_and_answers_servers_with_it(site, database_uri):
    post = the_post(site)
    client = app_with_cache(database_uri, FEDERATION_ENABLED=True).test_client()
    page = client.get(permalink(site, post))
    html = page.get_data(as_text=True)
    assert f'<link rel="alternate" type="application/activity+json" href="{object_of(post)}">' \
        in html
    assert '<meta name="fediverse:creator" content="@ann@localhost">' in html
    assert "Accept" in page.headers["Vary"]
    for attempt in range(2):  # the second from the page cache: a variant of its own
        asked = client.get(permalink(site, post),
                           headers={"Accept": "application/activity+json"})
        assert asked.content_type == "application/activity+json"
        assert asked.get_json()["id"] == object_of(post)
        assert asked.get_json()["type"] == "Article"
        assert asked.headers["X-Cache"] == ("miss" if attempt == 0 else "hit")
    assert client.get(permalink(site, post)).content_type.startswith("text/html")
    home = client.get("/", headers={"Accept": 'application/ld+json; profile="x"'})
    assert home.get_json()["id"] == BLOG
    author = client.get("/author/ann/", headers={"Accept": "application/activity+json"})
    assert author.get_json()["type"] == "Person"


def test_the_owner_sees_where_a_held_reply_came_from(site, peer, client, auth):
    _, note = reply(site, peer, object_of(the_post(site)))
    auth.login()
    queue = client.get("/admin/comments/?comment_status=moderated").get_data(as_text=True)
    assert "Peer Reviewer" in queue and "First comment from this account" in queue
    assert f'From the fediverse: <a href="{note["id"]}"' in queue


def test_the_avatar_is_fetched_once_made_small_and_served_from_here(site, peer):
    peer.avatar = png_with_alpha(400, 300)
    post = the_post(site)
    reply(site, peer, object_of(post))
    reply(site, peer, object_of(post), "<p>Once more.</p>")
    first, second = comments(site)
    assert first.avatar_key and second.avatar_key == first.avatar_key  # fetched once
    with site.app_context():
        from dreamweaver.media import library, storage
        with storage.current().open(first.avatar_key) as stored, Image.open(stored) as image:
            assert image.format == "WEBP" and image.size == (96, 96)
        assert library.sweep(now=time.time() + 10**6) == 0  # kept by the sweep
    with site.app_context():
        for comment in comments(site):
            moderate(db.session.get(Comment, comment.id), "approve")
        db.session.commit()
    page = site.test_client().get(permalink(site, post)).get_data(as_text=True)
    assert f'<img class="avatar photo" src="/media/{first.avatar_key}"' in page


def test_an_avatar_that_is_not_an_image_is_left_out(site, peer):
    peer.avatar = b"<svg onload='alert(1)'/>"
    reply(site, peer, object_of(the_post(site)))
    assert comments(site)[0].avatar_key == ""


def test_no_one_edits_deletes_or_undoes_what_another_sent(site, peer):
    post = the_post(site)
    _, note = reply(site, peer, object_of(post), "<p>Mine.</p>")
    like = peer.activity("Like", object_of(post))
    peer.post(site.test_client(), INBOX, like)
    other = FediversePeer()
    try:
        forged = {**note, "content": "<p>Words put in a mouth.</p>"}
        assert send(site, other, "Update", forged).status_code == 401
        assert send(site, other, "Delete", note["id"]).status_code == 202
        assert send(site, other, "Undo", like).status_code == 401
        undo_as_other = {**like, "actor": other.actor}
        assert send(site, other, "Undo", undo_as_other).status_code == 202
    finally:
        other.stop()
    [comment] = comments(site)
    assert comment.content_html == "<p>Mine.</p>" and the_post(site).like_count == 1


@pytest.mark.parametrize("where", ["note", "activity", "undone"])
def test_a_type_that_is_not_one_string_is_no_error(site, peer, where):
    post = the_post(site)
    if where == "note":
        note = peer.note(object_of(post), "<p>Hi.</p>", type=["Note"])
        response = send(site, peer, "Create", note)
    elif where == "activity":
        response = peer.post(site.test_client(), INBOX,
                             {**peer.activity("Like", object_of(post)), "type": {"a": 1}})
    else:
        response = send(site, peer, "Undo", {"type": ["Like"], "id": peer.actor + "#x"})
    assert response.status_code == 202 and comments(site) == []


def test_an_edited_reply_is_moderated_again(site, peer, client, auth):
    _, note = reply(site, peer, object_of(the_post(site)), "<p>Fine words.</p>")
    with site.app_context():
        moderate(db.session.scalars(sa.select(Comment)).one(), "approve")
        db.session.commit()
    auth.login()
    assert save_settings(client, comment_moderation="y", moderation_keys="casino"
                         ).status_code == 303
    edited = {**note, "content": "<p>Visit my casino.</p>"}
    assert send(site, peer, "Update", edited).status_code == 202
    [comment] = comments(site)
    assert comment.status == "pending" and "casino" in comment.held_reason


def test_a_reply_to_a_protected_post_is_left(site, peer, make):
    hidden = make.post("Members Only", password="secret")
    assert reply(site, peer, object_of(hidden))[0].status_code == 202
    assert comments(site) == []


def test_a_content_warning_stays_in_front_of_the_text(site, peer):
    reply(site, peer, object_of(the_post(site)), "<p>The twist.</p>",
          summary="Film <b>spoilers</b>", sensitive=True)
    [comment] = comments(site)
    assert comment.content_html.startswith(
        "<p><strong>Content warning: Film &lt;b&gt;spoilers&lt;/b&gt;</strong></p>")
    assert comment.content_html.endswith("<p>The twist.</p>")
