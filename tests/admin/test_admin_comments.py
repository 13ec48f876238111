"""Comment moderation in /admin: tabs, actions (htmx and plain), edit, reply,
bulk actions, permissions, and what readers see afterwards."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Comment, Post, User
from tests.support.admin_forms import act
from tests.support.auth import Auth, csrf_token
from tests.support.responses import text

HX = {"HX-Request": "true"}
LIST = "/admin/comments/"


def permalink(post) -> str:
    return f"/{post.published_local:%Y/%m/%d}/{post.slug}/"


@pytest.fixture
def post(make):
    return make.post("Moderated Post")


@pytest.fixture
def clock():
    """Comment times, one minute apart, oldest first."""
    start = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    return (start + timedelta(minutes=n) for n in range(10_000))


class Reader:
    """The database as it is now, from a fresh session."""

    def __init__(self, app):
        self.app = app

    def comment(self, comment_id) -> Comment | None:
        with self.app.app_context():
            comment = db.session.get(Comment, comment_id)
            if comment is not None:
                db.session.expunge(comment)
            return comment

    def status(self, comment_id) -> str | None:
        comment = self.comment(comment_id)
        return comment.status if comment else None

    def count(self, post) -> int:
        """Post.comment_count, checked against the approved comments themselves."""
        with self.app.app_context():
            stored = db.session.get(Post, post.id).comment_count
            approved = db.session.scalar(sa.select(sa.func.count()).select_from(Comment).where(
                Comment.post_id == post.id, Comment.status == "approved"))
        assert stored == approved, f"comment_count {stored} but {approved} approved"
        return stored


@pytest.fixture
def db_now(app):
    return Reader(app)


class QuickAuth:
    """Signs in by putting the user in the session: what Flask-Login's login_user
    does, without two scrypt hashes per test (the login form has its own tests)."""

    def __init__(self, client, make):
        self.client, self.make = client, make

    def login(self, login="owner", role="administrator"):
        with self.make.app.app_context():
            user = db.session.scalar(sa.select(User).where(User.login == login))
        user = user or self.make.user(login, role=role)
        with self.client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    def logout(self):
        with self.client.session_transaction() as session:
            session.clear()


@pytest.fixture
def auth(client, make):
    return QuickAuth(client, make)


def bulk(client, action, ids, htmx=False, **args):
    data = {"csrf_token": csrf_token(client, LIST), "action": action,
            "ids": [str(i) for i in ids]}
    return client.post("/admin/comments/bulk", query_string=args, data=data,
                       headers=HX if htmx else {})


def tab_count(body: str, label: str) -> int:
    match = re.search(rf">{label} <span class=\"count\">\((\d+)\)</span>", body)
    assert match, f"no {label} tab"
    return int(match.group(1))


def row_ids(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="comment-row-(\d+)"', body)]


# The list


def test_comments_requires_login(client):
    response = client.get(LIST, query_string={"status": "spam"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/comments/?status%3Dspam"


def test_comments_action_requires_login(client, make, post, db_now):
    comment = make.comment(post, status="pending")
    # A session token (the login page hands anyone one) gets past CSRF, not past login.
    response = client.post(f"/admin/comments/{comment.id}/approve",
                           data={"csrf_token": csrf_token(client, "/admin/login")})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login?next=/admin/comments/{comment.id}/approve"
    assert client.get(f"/admin/comments/{comment.id}/edit/").status_code == 302
    assert db_now.status(comment.id) == "pending"


def test_comments_tabs_with_counts(client, auth, make, post):
    auth.login()
    for status, n in (("pending", 2), ("approved", 3), ("spam", 1)):
        for _ in range(n):
            make.comment(post, status=status)
    body = text(client.get(LIST))
    assert [tab_count(body, label) for label in ("Pending", "Approved", "Spam", "Trash")] == [
        2, 3, 1, 0]
    assert re.search(r'aria-current="page">Pending', body)
    assert 'id="pending-count"' in body and 'aria-label="2 pending"' in body


def test_comments_row_shows_details_and_held_reason(client, auth, make, post):
    auth.login()
    comment = make.comment(
        post, author_name="Ada Reader", status="pending", author_email="ada@example.org",
        author_url="https://ada.example/", ip="203.0.113.7",
        content="<p>A <strong>held</strong> comment.</p>",
        held_reason="First comment from this email address",
    )
    body = text(client.get(LIST))
    assert row_ids(body) == [comment.id]
    for shown in ("Ada Reader", "ada@example.org", 'href="https://ada.example/"', "203.0.113.7",
                  "<p>A <strong>held</strong> comment.</p>",
                  "<strong>Held:</strong> First comment from this email address",
                  f'<a href="{permalink(post)}">Moderated Post</a>', "<time datetime="):
        assert shown in body, shown


def test_comments_row_escapes_what_readers_typed(client, auth, make, post):
    auth.login()
    make.comment(post, author_name="<script>x</script>", status="pending",
                 author_url="javascript:alert(1)", held_reason="<b>why</b>")
    body = text(client.get(LIST))
    assert "<script>x" not in body and "&lt;script&gt;x" in body
    assert "javascript:" not in body
    assert "&lt;b&gt;why" in body


def test_comments_tab_lists_only_its_status_newest_first(client, auth, make, post, clock):
    auth.login()
    older = make.comment(post, status="spam", created_at=next(clock))
    newer = make.comment(post, status="spam", created_at=next(clock))
    make.comment(post, status="pending", created_at=next(clock))
    assert row_ids(text(client.get(LIST, query_string={"status": "spam"}))) == [
        newer.id, older.id]


def test_comments_paged_by_twenty(client, auth, make, post, clock, count_queries):
    auth.login()
    made = [make.comment(post, status="pending", created_at=next(clock)) for _ in range(25)]
    newest_first = [c.id for c in reversed(made)]
    with count_queries as counter:
        first = client.get(LIST)
    assert row_ids(text(first)) == newest_first[:20]
    assert 'href="/admin/comments/?status=pending&amp;page=2"' in text(first)
    # The user, the nav's pending count, the tab counts, the page: nothing per row.
    assert counter.count <= 5
    second = client.get(LIST, query_string={"page": 2})
    assert row_ids(text(second)) == newest_first[20:]
    assert "Older comments" not in text(second) and "Newer comments" in text(second)
    assert client.get(LIST, query_string={"page": 3}).status_code == 404


def test_comments_view_links_lead_to_the_comment_page(app, client, auth, make, post, clock,
                                                      count_queries):
    """Three threads, two to a page: the permalink shows thread 3, page 1 the others."""
    app.config["COMMENTS_PER_PAGE"] = 2
    auth.login()
    threads = [make.comment(post, created_at=next(clock)) for _ in range(3)]
    reply = make.comment(post, parent=threads[0], created_at=next(clock))
    held = make.comment(post, status="pending", created_at=next(clock))
    url = permalink(post)
    with count_queries as counter:
        body = text(client.get(LIST, query_string={"status": "approved"}))
    assert re.findall(r'class="view-comment" href="([^"]*)"', body) == [
        f"{url}comment-page-1/#comment-{reply.id}", f"{url}#comment-{threads[2].id}",
        f"{url}comment-page-1/#comment-{threads[1].id}",
        f"{url}comment-page-1/#comment-{threads[0].id}",
    ]
    # The list's links are found in one statement, not one per row.
    assert counter.count <= 6
    one = text(client.get(f"/admin/comments/{reply.id}/"))
    assert f'href="{url}comment-page-1/#comment-{reply.id}"' in one
    pending = text(client.get(LIST))
    assert row_ids(pending) == [held.id] and "view-comment" not in pending
    approved = text(act(client, held.id, "approve", htmx=True))
    assert f'class="view-comment" href="{url}#comment-{held.id}"' in approved


@pytest.mark.parametrize("query", [{"status": "deleted"}, {"page": "0"}, {"page": "x"},
                                   {"page": "²"}, {"s": "x" * 201}])
def test_comments_bad_query_is_404(client, auth, query):
    auth.login()
    assert client.get(LIST, query_string=query).status_code == 404


def test_comments_search(client, auth, make, post):
    auth.login()
    by_name = make.comment(post, author_name="Needle Person", status="pending")
    by_email = make.comment(post, author_email="needle@example.org", status="pending")
    by_text = make.comment(post, content="<p>a needle here</p>", status="pending")
    make.comment(post, content="<p>hay</p>", status="pending")
    make.comment(post, content="<p>needle, but approved</p>", status="approved")
    body = text(client.get(LIST, query_string={"s": "NEEDLE"}))
    assert sorted(row_ids(body)) == sorted([by_name.id, by_email.id, by_text.id])
    assert 'value="NEEDLE"' in body
    assert row_ids(text(client.get(LIST, query_string={"s": "%"}))) == []


def test_comments_full_page(client, auth):
    auth.login()
    response = client.get(LIST)
    assert text(response).startswith("<!doctype html>")
    assert '<div id="comment-list"' in text(response)
    assert "HX-Request" in response.headers["Vary"]


def test_comments_partial(client, auth):
    auth.login()
    response = client.get(LIST, query_string={"status": "spam"}, headers=HX)
    body = text(response)
    assert not body.lstrip().startswith("<!doctype")
    assert body.startswith("<title>Spam comments")
    assert '<div id="comment-list"' in body and "admin-nav" not in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("header", ["HX-History-Restore-Request", "HX-Boosted"])
def test_comments_full_on_history_restore_or_boost(client, auth, header):
    auth.login()
    response = client.get(LIST, headers={**HX, header: "true"})
    assert text(response).startswith("<!doctype html>")


def test_comments_tabs_and_pages_swap_with_htmx(client, auth, make, post, clock):
    auth.login()
    for _ in range(21):
        make.comment(post, status="pending", created_at=next(clock))
    body = text(client.get(LIST))
    start = body.index('<nav id="comment-tabs"')
    tabs = body[start:body.index("</nav>", start)]
    assert 'hx-target="#comment-list"' in tabs and 'hx-push-url="true"' in tabs
    assert 'href="/admin/comments/?status=spam" hx-get="/admin/comments/?status=spam"' in tabs
    pages = body[body.index('class="pagination"'):]
    assert 'hx-push-url="true"' in pages
    assert 'hx-get="/admin/comments/?status=pending&amp;page=2"' in pages


def test_comments_markup_works_without_javascript(client, auth, make, post):
    auth.login()
    comment = make.comment(post, author_name="Zed", status="pending")
    body = text(client.get(LIST))
    assert re.search(r"<caption[^>]*>Pending comments", body)
    n = comment.id
    assert (f'<label for="select-comment-{n}" class="visually-hidden">Select comment by Zed'
            "</label>") in body
    assert f'name="ids" value="{n}" id="select-comment-{n}" form="comment-bulk"' in body
    assert re.search(r'<form id="comment-bulk"[^>]*method="post"[^>]*'
                     r'action="/admin/comments/bulk', body)
    assert '<select name="action" id="bulk-action">' in body
    assert re.search(r'<form class="row-actions" method="post" '
                     r'action="/admin/comments/\d+/approve', body)
    assert f'formaction="/admin/comments/{comment.id}/spam?status=pending">Spam<span' in body
    assert re.search(r'<form class="comment-search" role="search" method="get"', body)
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=|hx-on", body)


# One comment's actions


TRANSITIONS = [
    ("pending", "approve", "approved"),
    ("approved", "unapprove", "pending"),
    ("pending", "spam", "spam"),
    ("approved", "spam", "spam"),
    ("pending", "trash", "trash"),
    ("approved", "trash", "trash"),
    ("spam", "restore", "pending"),
    ("trash", "restore", "pending"),
    ("spam", "delete", None),
    ("trash", "delete", None),
]


@pytest.mark.parametrize("before,action,after", TRANSITIONS)
def test_comment_action_plain(client, auth, make, post, db_now, before, action, after):
    auth.login()
    comment = make.comment(post, status=before)
    response = act(client, comment.id, action, status=before, page=1)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/comments/?status={before}"
    assert db_now.status(comment.id) == after
    assert db_now.count(post) == (1 if after == "approved" else 0)
    assert "Comment by Reader" in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("before,action,after", TRANSITIONS)
def test_comment_action_htmx(client, auth, make, post, db_now, before, action, after):
    auth.login()
    comment = make.comment(post, status=before)
    response = act(client, comment.id, action, htmx=True, status=before)
    assert response.status_code == 200
    body = text(response)
    assert body.startswith(f'<tr id="comment-row-{comment.id}"')
    assert db_now.status(comment.id) == after
    # The tab counts and the navigation's badge follow out of band.
    assert '<template><nav id="comment-tabs"' in body and 'hx-swap-oob="true"' in body
    if after is not None:
        assert tab_count(body, after.title()) == 1
    assert tab_count(body, before.title()) == 0
    pending = 1 if after == "pending" else 0
    assert re.search(rf'<span class="count" id="pending-count" hx-swap-oob="true" '
                     rf'aria-label="{pending} pending"{" hidden" if not pending else ""}>', body)
    if after is None:
        assert "deleted permanently" in body and db_now.comment(comment.id) is None
    else:
        assert f"Status: {after.title()}" in body


def test_comment_action_keeps_tab_page_and_search(client, auth, make, post, clock):
    auth.login()
    comments = [make.comment(post, status="pending", author_name="Kim", created_at=next(clock))
                for _ in range(22)]
    response = act(client, comments[0].id, "approve", status="pending", page=2, s="Kim")
    assert response.headers["Location"] == "/admin/comments/?status=pending&page=2&s=Kim"
    # Emptying the last page goes back to the first.
    response = act(client, comments[1].id, "approve", status="pending", page=2, s="Kim")
    assert response.headers["Location"] == "/admin/comments/?status=pending&s=Kim"


def test_comment_action_row_buttons_follow_status(client, auth, make, post):
    auth.login()
    comment = make.comment(post, status="pending")
    body = text(act(client, comment.id, "approve", htmx=True))
    buttons = re.findall(rf'formaction="/admin/comments/{comment.id}/(\w+)', body)
    assert buttons == ["unapprove", "spam", "trash"]
    assert f'hx-get="/admin/comments/{comment.id}/reply/?status=pending"' in body
    assert 'hx-target="closest tr" hx-swap="outerHTML"' in body
    assert "Comment by Reader approved." in body


def test_comment_delete_only_from_spam_or_trash(client, auth, make, post, db_now):
    auth.login()
    comment = make.comment(post, status="approved")
    response = act(client, comment.id, "delete")
    assert response.status_code == 409
    assert db_now.status(comment.id) == "approved" and db_now.count(post) == 1
    htmx = act(client, comment.id, "delete", htmx=True)
    assert htmx.status_code == 409 and htmx.headers["HX-Retarget"] == "find .form-status"


def test_comment_action_twice_is_harmless(client, auth, make, post, db_now):
    auth.login()
    comment = make.comment(post, status="pending")
    act(client, comment.id, "approve")
    assert act(client, comment.id, "approve").status_code == 303
    assert db_now.count(post) == 1


def test_comment_action_unknown_is_404(client, auth, make, post):
    auth.login()
    comment = make.comment(post, status="pending")
    assert act(client, comment.id, "publish").status_code == 404
    assert act(client, 10**12, "approve").status_code == 404
    assert act(client, comment.id + 1000, "approve").status_code == 404


def test_comment_count_exact_through_every_transition(client, auth, make, post, db_now):
    auth.login()
    make.comment(post, status="approved")  # another one, which must stay counted
    comment = make.comment(post, status="pending")
    steps = [("approve", 2), ("spam", 1), ("restore", 1), ("approve", 2), ("unapprove", 1),
             ("approve", 2), ("trash", 1), ("delete", 1)]
    for n, (action, expected) in enumerate(steps):
        act(client, comment.id, action, htmx=n % 2 == 1)
        assert db_now.count(post) == expected, action
    assert db_now.comment(comment.id) is None


def test_set_status_applies_once_when_moderators_race(app, make, post, db_now):
    from dreamweaver.comments import moderation
    comment = make.comment(post, status="pending")
    with app.app_context():
        seen = db.session.get(Comment, comment.id)
        # Another moderator approves it after this one has read it as pending.
        db.session.execute(sa.update(Comment).where(Comment.id == comment.id)
                           .values(status="approved")
                           .execution_options(synchronize_session=False))
        db.session.execute(sa.update(Post).where(Post.id == post.id).values(comment_count=1)
                           .execution_options(synchronize_session=False))
        assert seen.status == "pending"
        assert moderation.set_status(seen, "approved") is False
        assert seen.status == "approved"
        db.session.expire(seen)
        seen.status  # noqa: B018 - loaded now, as the view had it
        db.session.execute(sa.update(Comment).where(Comment.id == comment.id)
                           .values(status="trash")
                           .execution_options(synchronize_session=False))
        db.session.execute(sa.update(Post).where(Post.id == post.id).values(comment_count=0)
                           .execution_options(synchronize_session=False))
        with pytest.raises(moderation.NotApplicable):
            moderation.moderate(seen, "spam")
        db.session.commit()
    assert db_now.status(comment.id) == "trash" and db_now.count(post) == 0


def test_restore_says_why_it_is_pending(client, auth, make, post):
    auth.login()
    comment = make.comment(post, status="pending", held_reason="Too many links (3)")
    act(client, comment.id, "spam")
    act(client, comment.id, "restore")
    body = text(client.get(LIST))
    assert "<strong>Held:</strong> Restored from spam" in body
    act(client, comment.id, "approve")
    act(client, comment.id, "unapprove")
    assert "<strong>Held:</strong> Unapproved by Owner" in text(client.get(LIST))


# Deleting for good keeps the replies


def thread(make, post, clock):
    """top ─ a ─ a1 ─ a2, and top ─ b (all approved)."""
    top = make.comment(post, author_name="Top", created_at=next(clock))
    a = make.comment(post, author_name="A", parent=top, created_at=next(clock))
    a1 = make.comment(post, author_name="A1", parent=a, created_at=next(clock))
    a2 = make.comment(post, author_name="A2", parent=a1, created_at=next(clock))
    b = make.comment(post, author_name="B", parent=top, created_at=next(clock))
    return top, a, a1, a2, b


def test_delete_top_level_comment_promotes_its_replies(client, auth, make, post, clock,
                                                        db_now):
    auth.login()
    top, a, a1, a2, b = thread(make, post, clock)
    act(client, top.id, "trash")
    assert db_now.count(post) == 4
    act(client, top.id, "delete")
    assert db_now.comment(top.id) is None
    assert db_now.count(post) == 4
    shape = {c.id: (c.parent_id, c.thread_id) for c in map(db_now.comment, (a.id, a1.id, a2.id,
                                                                            b.id))}
    assert shape == {a.id: (None, None), a1.id: (a.id, a.id), a2.id: (a1.id, a.id),
                     b.id: (None, None)}
    page = text(client.get(permalink(post)))
    for reply in (a, a1, a2, b):
        assert f'id="comment-{reply.id}"' in page
    # a1 still sits under a: the threads are whole again.
    assert re.search(rf'id="comment-{a.id}".*?<ol class="children">\s*<li id="comment-{a1.id}"',
                     page, re.S)


def test_delete_reply_moves_its_replies_up(client, auth, make, post, clock, db_now):
    auth.login()
    top, a, a1, a2, b = thread(make, post, clock)
    act(client, a.id, "spam")
    act(client, a.id, "delete")
    moved = db_now.comment(a1.id)
    assert (moved.parent_id, moved.thread_id) == (top.id, top.id)
    assert db_now.comment(a2.id).parent_id == a1.id
    assert db_now.count(post) == 4
    page = text(client.get(permalink(post)))
    assert all(f'id="comment-{c.id}"' in page for c in (top, a1, a2, b))


# Bulk actions


def test_bulk_approve_plain(client, auth, make, post, db_now):
    auth.login()
    one, two, other = (make.comment(post, status="pending") for _ in range(3))
    response = bulk(client, "approve", [one.id, two.id], status="pending")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/comments/?status=pending"
    assert [db_now.status(c.id) for c in (one, two, other)] == ["approved", "approved", "pending"]
    assert db_now.count(post) == 2
    assert "2 comments approved." in text(client.get(response.headers["Location"]))


def test_bulk_htmx_renders_the_list(client, auth, make, post, db_now):
    auth.login()
    one, two = (make.comment(post, status="pending") for _ in range(2))
    response = bulk(client, "spam", [one.id, two.id], htmx=True, status="pending")
    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<div id="comment-list"') and "2 comments marked as spam." in body
    assert tab_count(body, "Spam") == 2 and tab_count(body, "Pending") == 0
    assert 'id="pending-count" hx-swap-oob="true"' in body
    assert response.headers["HX-Replace-Url"] == "/admin/comments/?status=pending"
    assert db_now.status(one.id) == db_now.status(two.id) == "spam"


def test_bulk_delete_skips_what_it_does_not_apply_to(client, auth, make, post, db_now):
    auth.login()
    trashed = make.comment(post, status="trash")
    approved = make.comment(post, status="approved")
    response = bulk(client, "delete", [trashed.id, approved.id], status="trash")
    assert response.status_code == 303
    assert db_now.comment(trashed.id) is None and db_now.status(approved.id) == "approved"
    body = text(client.get(response.headers["Location"]))
    assert "1 comment deleted permanently. 1 skipped" in body


@pytest.mark.parametrize("action,ids", [
    ("publish", ["{0}"]),            # no such action
    ("approve", ["{0}", "x"]),       # not an id
    ("approve", ["{0}", "999999"]),  # no such comment
    ("approve", ["{0}", "-1"]),
])
def test_bulk_invalid_is_400_and_changes_nothing(client, auth, make, post, db_now, action, ids):
    auth.login()
    comment = make.comment(post, status="pending")
    response = bulk(client, action, [i.format(comment.id) for i in ids])
    assert response.status_code == 400
    assert db_now.status(comment.id) == "pending"


def test_bulk_without_choice_asks_again(client, auth, make, post, db_now):
    auth.login()
    comment = make.comment(post, status="pending")
    htmx = bulk(client, "", [comment.id], htmx=True)
    assert htmx.status_code == 422 and "Choose an action" in text(htmx)
    plain = bulk(client, "approve", [])
    assert plain.status_code == 303
    assert "Choose an action" in text(client.get(plain.headers["Location"]))
    assert db_now.status(comment.id) == "pending"


# Edit


def test_comment_edit_page_without_javascript(client, auth, make, post):
    auth.login()
    comment = make.comment(post, status="pending", author_name="Eve",
                           content="<p>One</p>\n<p>Two<br>\nlines</p>")
    response = client.get(f"/admin/comments/{comment.id}/edit/", query_string={"status": "pending"})
    body = text(response)
    assert response.status_code == 200 and body.startswith("<!doctype html>")
    assert "<h1>Edit comment by Eve</h1>" in body
    assert "\nOne\n\nTwo\nlines</textarea>" in body
    assert 'name="csrf_token"' in body and "hx-post" not in body.split("<main")[1]


def test_comment_edit_inline_with_htmx(client, auth, make, post):
    auth.login()
    comment = make.comment(post, status="pending")
    body = text(client.get(f"/admin/comments/{comment.id}/edit/", headers=HX))
    assert body.startswith(f'<tr id="comment-row-{comment.id}"')
    assert f'hx-post="/admin/comments/{comment.id}/edit/?status=pending"' in body
    assert f'id="comment-{comment.id}-author"' in body
    cancel = f'hx-get="/admin/comments/{comment.id}/?status=pending"'
    assert cancel in body
    back = text(client.get(f"/admin/comments/{comment.id}/", headers=HX))
    assert back.startswith(f'<tr id="comment-row-{comment.id}"') and "Edit<span" in back


def edit(client, target, htmx=False, **fields):
    data = {"csrf_token": csrf_token(client, LIST), "author": "New Name",
            "email": "new@example.org", "url": "example.net", "comment": "Edited text", **fields}
    return client.post(f"/admin/comments/{target.id}/edit/", query_string={"status": "pending"},
                       data=data, headers=HX if htmx else {})


def test_comment_edit_saves_cleaned_text(client, auth, make, post, db_now):
    auth.login()
    comment = make.comment(post, status="pending")
    response = edit(client, comment, comment='Hi <script>alert(1)</script><a href="javascript:x">'
                                                 "l</a>\n\nsee http://example.org")
    assert response.status_code == 303
    saved = db_now.comment(comment.id)
    assert (saved.author_name, saved.author_email, saved.author_url) == (
        "New Name", "new@example.org", "https://example.net")
    assert "<script" not in saved.content_html and "javascript:" not in saved.content_html
    assert saved.content_html.startswith("<p>Hi ")
    assert '<a href="http://example.org" rel="nofollow ugc">' in saved.content_html
    assert saved.status == "pending"


def test_comment_edit_htmx_returns_the_row(client, auth, make, post, db_now):
    auth.login()
    comment = make.comment(post, status="pending")
    body = text(edit(client, comment, htmx=True))
    assert body.startswith(f'<tr id="comment-row-{comment.id}"')
    assert "<p>Edited text</p>" in body and "Comment by New Name updated." in body


@pytest.mark.parametrize("field,value,message", [
    ("email", "not-an-email", "Please enter a valid email address."),
    ("author", "", "Please enter a name."),
    ("comment", "   ", "Please type the comment."),
    ("url", "ftp://example.org", "starts with http:// or https://"),
])
@pytest.mark.parametrize("htmx", [False, True])
def test_comment_edit_invalid_is_422(client, auth, make, post, db_now, field, value, message,
                                     htmx):
    auth.login()
    comment = make.comment(post, status="pending", author_name="Orig")
    response = edit(client, comment, htmx=htmx, **{field: value})
    assert response.status_code == 422
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert db_now.comment(comment.id).author_name == "Orig"
    if htmx:
        assert text(response).startswith(f'<tr id="comment-row-{comment.id}"')


def test_editable_text_round_trips():
    from dreamweaver.admin.comments import editable_text
    from dreamweaver.sanitize import clean_comment

    for typed in ("Hello", "One\n\nTwo\nthree", 'A <a href="https://x.org">link</a> &amp; more',
                  "<b>bold</b>\n\n<em>it</em>", "<blockquote>q</blockquote>\nYes.",
                  "Said:\n\n<blockquote>one\n\ntwo</blockquote>",
                  "<blockquote><blockquote>deep</blockquote>\nmid</blockquote>\n\nend"):
        stored = clean_comment(typed)
        assert clean_comment(editable_text(stored)) == stored, typed


# Reply as the site's author


def test_comment_reply_as_author(client, auth, make, post, db_now, app):
    owner = auth.login()
    with app.app_context():
        db.session.get(User, owner.id).email = "owner@example.org"
        db.session.commit()
    parent = make.comment(post, author_name="Asker", status="approved")
    page = text(client.get(f"/admin/comments/{parent.id}/reply/"))
    assert page.startswith("<!doctype html>") and "Reply to Asker" in page
    response = client.post(f"/admin/comments/{parent.id}/reply/", query_string={
        "status": "approved"}, data={"csrf_token": csrf_token(client, LIST),
                                     "comment": "Thanks for <b>asking</b>."})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/comments/?status=approved"
    with app.app_context():
        reply = db.session.scalar(sa.select(Comment).where(Comment.parent_id == parent.id))
    assert (reply.status, reply.user_id, reply.author_name, reply.author_email) == (
        "approved", owner.id, "Owner", "owner@example.org")
    assert (reply.thread_id, reply.content_html) == (parent.id, "<p>Thanks for <b>asking</b>.</p>")
    assert db_now.count(post) == 2
    public = text(client.get(permalink(post)))
    assert f'id="comment-{reply.id}"' in public and "Thanks for <b>asking</b>." in public


def test_comment_reply_htmx_adds_the_row(client, auth, make, post, db_now):
    auth.login()
    parent = make.comment(post, author_name="Asker", status="approved")
    form = text(client.get(f"/admin/comments/{parent.id}/reply/", headers=HX))
    assert form.startswith(f'<tr id="comment-row-{parent.id}"') and "<blockquote" in form
    response = client.post(f"/admin/comments/{parent.id}/reply/", query_string={
        "status": "approved"}, headers={**HX, "X-CSRFToken": csrf_token(client, LIST)},
        data={"comment": "Inline reply"})
    body = text(response)
    assert row_ids(body)[0] == parent.id and len(row_ids(body)) == 2
    assert "<p>Inline reply</p>" in body and tab_count(body, "Approved") == 2
    assert db_now.count(post) == 2


def test_comment_reply_needs_text_and_an_approved_comment(client, auth, make, post, db_now):
    auth.login()
    parent = make.comment(post, status="approved")
    empty = client.post(f"/admin/comments/{parent.id}/reply/",
                        data={"csrf_token": csrf_token(client, LIST), "comment": " "})
    assert empty.status_code == 422 and "Please type your reply." in text(empty)
    held = make.comment(post, status="pending")
    refused = client.post(f"/admin/comments/{held.id}/reply/",
                          data={"csrf_token": csrf_token(client, LIST), "comment": "Hi"})
    assert refused.status_code == 409
    assert db_now.count(post) == 1


# Who may moderate what


@pytest.fixture
def two_authors(make, auth):
    writer = auth.login("writer", "author")
    other = make.user("other", role="author")
    own_post = make.post("Writer's post", author=writer)
    other_post = make.post("Other's post", author=other)
    own = make.comment(own_post, author_name="On mine", status="pending")
    theirs = make.comment(other_post, author_name="On theirs", status="pending")
    return own, theirs


def test_author_sees_only_comments_on_own_posts(client, two_authors):
    own, theirs = two_authors
    body = text(client.get(LIST))
    assert row_ids(body) == [own.id]
    assert tab_count(body, "Pending") == 1


def test_author_cannot_moderate_comments_on_others_posts(client, two_authors, db_now):
    own, theirs = two_authors
    assert act(client, theirs.id, "approve").status_code == 403
    assert act(client, theirs.id, "spam", htmx=True).status_code == 403
    assert client.get(f"/admin/comments/{theirs.id}/edit/").status_code == 403
    assert client.get(f"/admin/comments/{theirs.id}/").status_code == 403
    assert edit(client, theirs).status_code == 403
    assert bulk(client, "approve", [own.id, theirs.id]).status_code == 403
    assert db_now.status(theirs.id) == db_now.status(own.id) == "pending"
    assert db_now.comment(theirs.id).author_name == "On theirs"
    assert act(client, own.id, "approve").status_code == 303
    assert db_now.status(own.id) == "approved"


def test_admin_moderates_every_comment(client, auth, make):
    writer = make.user("writer", role="author")
    comment = make.comment(make.post("Someone's", author=writer), status="pending")
    auth.login()
    assert row_ids(text(client.get(LIST))) == [comment.id]
    assert act(client, comment.id, "approve").status_code == 303


def test_plain_post_without_csrf_token_is_refused(client, auth, make, post, db_now):
    auth.login()
    comment = make.comment(post, status="pending")
    assert act(client, comment.id, "approve", token=False).status_code == 400
    response = client.post("/admin/comments/bulk", data={"action": "approve",
                                                         "ids": [str(comment.id)]})
    assert response.status_code == 400
    response = client.post(f"/admin/comments/{comment.id}/edit/", data={
        "author": "X", "comment": "Y"})
    assert response.status_code == 400
    assert db_now.status(comment.id) == "pending" and db_now.count(post) == 0


# What readers see


def test_moderation_changes_what_readers_see(client, auth, make, post):
    make.post("Newer post")
    comment = make.comment(post, author_name="Held Hannah", status="pending",
                           content="<p>Waiting words</p>")
    page = text(client.get(permalink(post)))
    assert "Waiting words" not in page and "Held Hannah" not in page
    auth.login()
    act(client, comment.id, "approve", htmx=True)
    auth.logout()
    page = text(client.get(permalink(post)))
    assert "Waiting words" in page and f'id="comment-{comment.id}"' in page
    assert "One thought on" in page
    widget = text(client.get("/"))
    recent = widget[widget.index('id="recent-comments"'):]
    assert "Held Hannah" in recent and f"#comment-{comment.id}" in recent
    auth.login()
    act(client, comment.id, "spam")
    auth.logout()
    assert "Waiting words" not in text(client.get(permalink(post)))
    assert "Held Hannah" not in text(client.get("/"))


def test_approving_shows_at_once_with_a_real_cache(cached_app, make):
    client = cached_app.test_client()
    post = make.post("Cached post")
    comment = make.comment(post, author_name="Late Lee", status="pending")
    assert "Late Lee" not in text(client.get("/"))  # the widget is cached now
    Auth(client, make).login()
    act(client, comment.id, "approve")
    assert "Late Lee" in text(client.get("/"))
    assert "Late Lee" in text(client.get(permalink(post)))
