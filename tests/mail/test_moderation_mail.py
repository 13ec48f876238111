"""Mail to the people who look after comments: each held comment told to those
who moderate it (at most one email per ten minutes each, the rest batched),
and each approved comment to a post's author who asked for it. Every message
is read from a real SMTP server on loopback; time passes by moving the
outbox's clock back, not by sleeping."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dreamweaver import tasks
from dreamweaver.comments import notices
from dreamweaver.extensions import db
from dreamweaver.models import Comment, ModerationNotice, OutboxMessage, User, utcnow
from tests.support.admin_forms import act
from tests.support.comment_client import permalink, send, stored
from tests.support.smtp import html_of, links, path_of, text_of


def person(app, make, login, role, email="", **fields):
    """An account that can sign in, with an email address (login@example.org unless given)."""
    user = make.account(login, role)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user.id)
                           .values(email=email or f"{login}@example.org", **fields))
        db.session.commit()
        # As stored now: make.post(author=...) merges what it is given.
        return db.session.get(User, user.id)


@pytest.fixture
def staff(app, make):
    """An administrator, an editor and two authors, all with addresses."""
    return {
        "admin": person(app, make, "owner", "administrator"),
        "editor": person(app, make, "ed", "editor"),
        "author": person(app, make, "writer", "author"),
        "other": person(app, make, "other", "author"),
    }


@pytest.fixture
def moderated(app):
    app.config["COMMENT_MODERATION"] = True


@pytest.fixture
def reader(app):
    """A browser of its own for readers, so a signed-in moderator's session
    never makes a comment theirs."""
    return app.test_client()


def comment(app, reader, post, text="A thoughtful comment.", **fields):
    response = send(reader, permalink(app, post), comment=text, **fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return stored(app)[-1]


def later(app, minutes=10):
    """Time passes for the throttle: every email already written is `minutes` older."""
    with app.app_context():
        for row in db.session.scalars(sa.select(OutboxMessage)):
            row.created_at -= timedelta(minutes=minutes)
        db.session.commit()


def digests(app) -> int:
    with app.app_context():
        return notices.send_digests()


def settle(smtp, count):
    """The first `count` messages, and a moment to be sure no other follows."""
    smtp.wait_for(count)
    time.sleep(0.2)
    assert len(smtp.messages) == count, [m["Subject"] for m in smtp.messages]
    return smtp.messages


def recipients(messages) -> set[str]:
    return {message["To"] for message in messages}


def test_a_held_comment_is_told_to_administrators_editors_and_the_posts_author(
        app, make, smtp, staff, moderated, reader):
    person(app, make, "gone", "editor", disabled_at=utcnow())
    make.account("silent", "administrator")  # no email address
    post = make.post("Mushroom Season", author=staff["author"])
    held = comment(app, reader, post, author="Ann", email="ann@example.org",
                   text="Where do <em>you</em> find them?")
    assert held.status == "pending"
    messages = settle(smtp, 3)
    assert recipients(messages) == {"owner@example.org", "ed@example.org",
                                    "writer@example.org"}
    message = smtp.to("writer@example.org")[0]
    assert message["Subject"] == ("[Psychedelic Dreamweaver] Please moderate: "
                                  "\u201cMushroom Season\u201d")
    body = text_of(message)
    assert "Author: Ann" in body and 'On "Mushroom Season"' in body
    assert "Held because: First comment with this name and email address" in body
    assert "Where do you find them?" in body
    paths = [path_of(url) for url in links(message)]
    assert f"/admin/comments/{held.id}/" in paths
    assert "/admin/comments/?status=pending" in paths
    assert permalink(app, post) in paths
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert {row.kind for row in rows} == {"moderation"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModerationNotice)) == 0


def test_an_author_is_not_told_of_comments_on_someone_elses_post(
        app, make, smtp, staff, moderated, reader):
    post = make.post("Not Yours", author=staff["other"])
    comment(app, reader, post)
    assert recipients(settle(smtp, 3)) == {"owner@example.org", "ed@example.org",
                                           "other@example.org"}


def test_the_commenters_email_and_ip_go_to_administrators_only(
        app, make, smtp, staff, moderated, reader):
    post = make.post("Private Details", author=staff["author"])
    comment(app, reader, post, author="Ann", email="ann@example.org")
    settle(smtp, 3)
    [to_admin] = smtp.to("owner@example.org")
    assert "Email: ann@example.org" in text_of(to_admin)
    assert "IP address: 127.0.0.1" in text_of(to_admin)
    assert "ann@example.org" in html_of(to_admin) and "127.0.0.1" in html_of(to_admin)
    # Answering the administrator's mail writes to the commenter, as in WordPress.
    assert to_admin["Reply-To"] == "Ann <ann@example.org>"
    for address in ("ed@example.org", "writer@example.org"):
        [message] = smtp.to(address)
        assert message["Reply-To"] is None
        for part in (text_of(message), html_of(message), str(message)):
            assert "ann@example.org" not in part and "127.0.0.1" not in part


def test_a_commenter_name_cannot_bend_the_reply_to_header(
        app, make, smtp, staff, moderated, reader):
    post = make.post("Names", author=staff["author"])
    comment(app, reader, post, author='Eve" <x@evil.example>,\r\nBcc: all@example.org',
            email="eve@example.org")
    settle(smtp, 3)
    [to_admin] = smtp.to("owner@example.org")
    assert to_admin["Bcc"] is None
    assert to_admin["Reply-To"].addresses[0].addr_spec == "eve@example.org"
    assert len(to_admin["Reply-To"].addresses) == 1


def test_what_the_commenter_wrote_is_escaped_in_the_html_part(
        app, make, smtp, staff, moderated, reader):
    post = make.post("Markup", author=staff["author"])
    comment(app, reader, post, author='<img src=x onerror="alert(1)">',
            text='I <b>really</b> mean it: <img src=x onerror="alert(2)"> &lt;script&gt;')
    [message] = settle(smtp, 3)[:1]
    html = html_of(message)
    assert "<img" not in html and "<b>" not in html and "<script" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "I really mean it" in html and "&lt;script&gt;" in html
    assert "I really mean it" in text_of(message)


def test_a_long_comment_is_told_as_an_excerpt(app, make, smtp, staff, moderated, reader):
    post = make.post("Long", author=staff["author"])
    comment(app, reader, post, text="word " * 200 + "THE-END")
    [message] = settle(smtp, 3)[:1]
    assert "word word" in text_of(message) and "THE-END" not in text_of(message)
    assert "THE-END" not in html_of(message)


def test_the_links_lead_to_admin_after_signing_in_and_approve_nothing(
        app, client, auth, make, smtp, staff, moderated, reader):
    post = make.post("Links", author=staff["author"])
    held = comment(app, reader, post, author="Ann")
    settle(smtp, 3)
    [message] = smtp.to("writer@example.org")
    for url in links(message):
        assert "approve" not in url and "token" not in url
        response = client.get(path_of(url))
        if "/admin/" in url:
            assert response.status_code in (302, 303)
            assert "/admin/login" in response.headers["Location"]
    assert stored(app)[-1].status == "pending"
    auth.login("writer")
    page = client.get(f"/admin/comments/{held.id}/")
    assert page.status_code == 200 and "Comment by Ann" in page.get_data(as_text=True)
    assert stored(app)[-1].status == "pending"


def test_comments_held_within_ten_minutes_come_together_in_one_email(
        app, make, smtp, staff, moderated, reader):
    post = make.post("Busy Thread", author=staff["author"])
    first = comment(app, reader, post, author="Ann", text="One")
    settle(smtp, 3)
    second = comment(app, reader, post, author="Bob", email="bob@example.org", text="Two")
    third = comment(app, reader, post, author="Cy", email="cy@example.org", text="Three")
    assert digests(app) == 0  # the ten minutes are not up
    later(app, minutes=9)
    assert digests(app) == 0
    settle(smtp, 3)
    later(app, minutes=1)
    assert digests(app) == 3
    messages = settle(smtp, 6)[3:]
    assert recipients(messages) == {"owner@example.org", "ed@example.org",
                                    "writer@example.org"}
    [digest] = [m for m in messages if m["To"] == "writer@example.org"]
    assert digest["Subject"] == "[Psychedelic Dreamweaver] 2 comments await moderation"
    body = text_of(digest)
    assert "2 new comments" in body and "Author: Bob" in body and "Author: Cy" in body
    assert "Author: Ann" not in body and "One" not in body.split("approval.")[1]
    paths = [path_of(url) for url in links(digest)]
    assert f"/admin/comments/{second.id}/" in paths and f"/admin/comments/{third.id}/" in paths
    assert f"/admin/comments/{first.id}/" not in paths
    # Nothing more to tell; the next held comment waits for the next window.
    assert digests(app) == 0
    comment(app, reader, post, author="Di", email="di@example.org", text="Four")
    assert digests(app) == 0
    settle(smtp, 6)


def test_the_window_is_each_persons_own(app, make, smtp, staff, moderated, reader):
    mine = make.post("Mine", author=staff["author"])
    theirs = make.post("Theirs", author=staff["other"])
    comment(app, reader, mine, text="First")
    settle(smtp, 3)
    comment(app, reader, theirs, author="Bob", email="bob@example.org", text="Second")
    [message] = settle(smtp, 4)[3:]
    assert message["To"] == "other@example.org"  # never written to yet: told at once


def test_a_comment_moderated_before_the_digest_is_left_out(
        app, client, auth, make, smtp, staff, moderated, reader):
    post = make.post("Quick Moderator", author=staff["author"])
    comment(app, reader, post, text="One")
    settle(smtp, 3)
    approved = comment(app, reader, post, author="Bob", email="bob@example.org", text="Two")
    waiting = comment(app, reader, post, author="Cy", email="cy@example.org", text="Three")
    auth.login("owner")
    assert act(client, approved.id, "approve").status_code == 303
    later(app)
    assert digests(app) == 3
    digest = settle(smtp, 6)[-1]
    assert digest["Subject"].endswith("Please moderate: \u201cQuick Moderator\u201d")
    paths = [path_of(url) for url in links(digest)]
    assert f"/admin/comments/{waiting.id}/" in paths
    assert f"/admin/comments/{approved.id}/" not in paths


def test_nothing_is_sent_when_every_held_comment_was_moderated(
        app, client, auth, make, smtp, staff, moderated, reader):
    post = make.post("All Done", author=staff["author"])
    comment(app, reader, post, text="One")
    settle(smtp, 3)
    spam = comment(app, reader, post, author="Bob", email="bob@example.org", text="Buy")
    auth.login("owner")
    assert act(client, spam.id, "spam").status_code == 303
    later(app)
    assert digests(app) == 0
    settle(smtp, 3)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModerationNotice)) == 0


def test_someone_disabled_meanwhile_gets_no_digest(app, make, smtp, staff, moderated, reader):
    post = make.post("Leaving", author=staff["author"])
    comment(app, reader, post, text="One")
    settle(smtp, 3)
    comment(app, reader, post, author="Bob", email="bob@example.org", text="Two")
    with app.app_context():
        db.session.execute(sa.update(User).where(User.login == "ed")
                           .values(disabled_at=utcnow()))
        db.session.execute(sa.update(User).where(User.login == "writer").values(role="author",
                                                                                 email=""))
        db.session.commit()
    later(app)
    assert digests(app) == 1
    assert settle(smtp, 4)[-1]["To"] == "owner@example.org"


def test_the_digest_runs_every_minute_on_the_worker():
    function, when = tasks._PERIODIC[
        "dreamweaver.comments.notices.send_digests_periodically"]
    assert function is notices.send_digests_periodically and when == {"minute": "*"}


def test_the_periodic_task_sends_what_is_due(app, make, smtp, staff, moderated, reader):
    post = make.post("Periodic", author=staff["author"])
    comment(app, reader, post, text="One")
    comment(app, reader, post, author="Bob", email="bob@example.org", text="Two")
    settle(smtp, 3)
    later(app)
    with app.app_context():
        notices.send_digests_periodically()
    assert len(settle(smtp, 6)) == 6


def test_an_address_that_no_longer_passes_costs_no_comment(app, make, smtp, moderated, reader):
    person(app, make, "owner", "administrator")
    odd = make.account("odd", "administrator")
    with app.app_context():  # stored before addresses were checked (an old import)
        db.session.execute(sa.update(User).where(User.id == odd.id).values(email="not an address"))
        db.session.commit()
    held = comment(app, reader, make.post("Odd"))
    assert held.status == "pending"
    assert recipients(settle(smtp, 1)) == {"owner@example.org"}


# --- Approved comments: for authors who asked -------------------------------------

def test_an_author_who_asked_hears_of_each_approved_comment(app, make, smtp, staff, reader):
    keen = person(app, make, "keen", "author", notify_approved=True)
    post = make.post("Good News", author=keen)
    first = comment(app, reader, post, author="Ann", email="ann@example.org", text="Lovely!")
    assert first.status == "approved"
    [message] = settle(smtp, 1)
    assert message["To"] == "keen@example.org"
    assert message["Subject"] == "[Psychedelic Dreamweaver] New comment on \u201cGood News\u201d"
    assert "Ann commented on your post" in text_of(message) and "Lovely!" in text_of(message)
    assert "ann@example.org" not in str(message) and "127.0.0.1" not in str(message)
    assert f"{permalink(app, post)}#comment-{first.id}" in text_of(message)
    comment(app, reader, post, author="Bob", email="bob@example.org", text="Again!")
    assert len(settle(smtp, 2)) == 2  # not batched
    with app.app_context():
        assert {row.kind for row in db.session.scalars(sa.select(OutboxMessage))} == {
            "comment_approved"}


def test_no_mail_for_approved_comments_without_asking(app, make, smtp, staff, reader):
    post = make.post("Quiet", author=staff["author"])
    comment(app, reader, post)
    time.sleep(0.3)
    assert smtp.messages == []


def test_a_held_comment_approved_later_is_told_to_the_author_who_asked(
        app, client, auth, make, smtp, staff, moderated, reader):
    keen = person(app, make, "keen", "author", notify_approved=True)
    post = make.post("Held Then Approved", author=keen)
    held = comment(app, reader, post, author="Ann")
    messages = settle(smtp, 3)
    assert {m["Subject"].split("]")[1].split(":")[0] for m in messages} == {" Please moderate"}
    auth.login("owner")
    assert act(client, held.id, "approve").status_code == 303
    [approved] = settle(smtp, 4)[3:]
    assert approved["To"] == "keen@example.org" and "New comment on" in approved["Subject"]


def test_no_mail_for_a_comment_the_author_approved_or_wrote(
        app, client, auth, make, smtp, staff, moderated, reader):
    keen = person(app, make, "keen", "author", notify_approved=True)
    post = make.post("Own Work", author=keen)
    held = comment(app, reader, post, author="Ann")
    settle(smtp, 3)
    auth.login("keen")
    assert act(client, held.id, "approve").status_code == 303
    from tests.support.auth import csrf_token
    reply = client.post(f"/admin/comments/{held.id}/reply/",
                        data={"csrf_token": csrf_token(client, "/admin/comments/"),
                              "comment": "Thank you!"})
    assert reply.status_code == 303
    assert stored(app)[-1].user_id == keen.id
    time.sleep(0.3)
    assert len(smtp.messages) == 3


def test_a_disabled_author_hears_nothing(app, make, smtp, reader):
    keen = person(app, make, "keen", "author", notify_approved=True, disabled_at=utcnow())
    comment(app, reader, make.post("Away", author=keen))
    time.sleep(0.3)
    assert smtp.messages == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 1


def test_a_subject_with_accents_and_quotes_keeps_its_spaces(app, make, smtp, staff, moderated,
                                                           reader):
    title = "Quick Moderator: café au lait, Übermorgen und die Träume"
    comment(app, reader, make.post(title, author=staff["author"]))
    message = settle(smtp, 3)[0]
    assert message["Subject"] == f"[Psychedelic Dreamweaver] Please moderate: \u201c{title}\u201d"
