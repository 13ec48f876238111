"""The People screen (/admin/users/): administrators only; list, add with a
password, change role, disable and enable, delete with the choice of what
becomes of the posts, and the guard that keeps an administrator."""

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.mail import outbox
from dreamweaver.models import Comment, Media, OutboxMessage, Post, User
from tests.support.auth import Auth, csrf_token

PEOPLE = "/admin/users/"
HTMX = {"HX-Request": "true"}


def find(app, login) -> User | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.login == login))
        if user is not None:
            db.session.expunge(user)
        return user


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def send(client, url, htmx=False, token=True, **fields):
    """A form POST from /admin, with the session's CSRF token unless `token` is False."""
    if token:
        fields.setdefault("csrf_token", csrf_token(client, "/admin/"))
    return client.post(url, data=fields, headers=HTMX if htmx else {})


def add(client, login="writer", email="writer@example.org", role="author", method="password",
        password="a long password", confirm=None, **fields):
    return send(client, PEOPLE + "new", login=login, email=email, role=role, method=method,
                password=password, confirm=password if confirm is None else confirm, **fields)


def signed_in_client(app, make, login, role):
    other = app.test_client()
    Auth(other, make).login(login, role)
    return other


# Who may


@pytest.mark.parametrize("role", ["editor", "author"])
def test_only_administrators_see_and_use_people(app, client, auth, make, role):
    auth.login("someone", role)
    target = make.account("target", "author")
    assert "People" not in client.get("/admin/").get_data(as_text=True)
    for url in (PEOPLE, PEOPLE + "new", f"{PEOPLE}{target.id}/", f"{PEOPLE}{target.id}/delete"):
        assert client.get(url).status_code == 403, url
    for action in ("role", "disable", "enable", "invite", "delete"):
        response = send(client, f"{PEOPLE}{target.id}/{action}", role="administrator",
                        posts="delete")
        assert response.status_code == 403, action
    assert add(client).status_code == 403
    assert find(app, "target").role == "author" and find(app, "writer") is None


def test_the_people_link_shows_for_administrators(client, auth):
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    assert f'href="{PEOPLE}"' in page and ">People" in page


def test_signed_out_visitors_are_sent_to_login(client):
    response = client.get(PEOPLE)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


# The list


def test_list_shows_login_name_email_role_posts_last_sign_in_and_state(app, client, auth, make):
    owner = auth.login()
    author = make.account("penny", "author")
    make.post("One", author=author)
    make.post("Two", author=author)
    make.post("Draft", author=author, status="draft")
    make.post("Gone", author=author, status="trash")
    with app.app_context():
        db.session.get(User, author.id).email = "penny@example.org"
        db.session.add(User(login="asked", display_name="Asked", slug="asked", role="editor",
                            invited_at=sa.func.now()))
        db.session.add(User(login="gone", display_name="Gone", slug="gone", role="author",
                            password_hash="x", disabled_at=sa.func.now()))
        db.session.commit()
    page = client.get(PEOPLE).get_data(as_text=True)
    row = page[page.index(f'id="user-{author.id}"'):]
    row = row[:row.index("</tr>")]
    assert "penny" in row and "Penny" in row and "penny@example.org" in row
    assert '<option value="author" selected>' in row
    assert '<td data-label="Posts">3</td>' in row  # posts of any status but trash
    assert "Never" in row and "Active" in row
    owner_row = page[page.index(f'id="user-{owner.id}"'):]
    assert "<time datetime=" in owner_row[:owner_row.index("</tr>")]
    assert "Invited, not yet accepted" in page and "Disabled" in page


def test_every_sign_in_records_last_login_at(app, client, auth):
    auth.login("owner")
    first = find(app, "owner").last_login_at
    assert first is not None
    auth.logout()
    auth.login("owner")
    assert find(app, "owner").last_login_at > first


def test_the_person_page_shows_their_row_and_forms(app, client, auth, make):
    auth.login()
    author = make.account("penny", "author")
    page = client.get(f"{PEOPLE}{author.id}/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'action="{PEOPLE}{author.id}/role"' in text and "hx-post" not in text
    assert client.get(f"{PEOPLE}999999/").status_code == 404


# Adding with a password


def test_add_with_a_password_makes_an_account_that_signs_in_and_sends_nothing(
        app, client, auth, smtp):
    auth.login()
    response = add(client, login="writer", email="Writer@Example.ORG", role="editor",
                   display_name="Wendy Writer")
    assert response.status_code == 303 and response.headers["Location"] == PEOPLE
    assert "can sign in now" in client.get(PEOPLE).get_data(as_text=True)
    writer = find(app, "writer")
    assert (writer.role, writer.display_name, writer.slug) == ("editor", "Wendy Writer",
                                                               "wendy-writer")
    assert writer.email == "Writer@example.org"  # the domain normalized
    assert writer.invited_at is None
    assert count(app, OutboxMessage) == 0 and smtp.messages == []
    other = app.test_client()
    Auth(other, None).client.post("/admin/login", data={
        "csrf_token": csrf_token(other), "username": "writer", "password": "a long password"})
    assert other.get("/admin/").status_code == 200


@pytest.mark.parametrize(("fields", "message"), [
    ({"login": ""}, "Enter a login."),
    ({"login": "x" * 61}, "60 characters or fewer"),
    ({"login": "OWNER"}, "already taken"),
    ({"login": "evil\r\nBcc: victim@example.org"}, "printable characters only"),
    ({"login": "tab\tbed"}, "printable characters only"),
    ({"email": ""}, "Enter an email address."),
    ({"email": "not an address"}, "valid email address"),
    ({"email": "a@example.org\r\nBcc: victim@example.org"}, "valid email address"),
    ({"email": "a@example.org, b@example.org"}, "valid email address"),
    ({"email": "OWNER@example.org"}, "Another account already uses this address."),
    ({"password": "short"}, "8 to 1024 characters"),
    ({"password": ""}, "Enter a password, or send an invitation instead."),
    ({"confirm": "something else"}, "The two passwords differ."),
    ({"role": "superuser"}, "Not a valid choice"),
    ({"method": "carrier-pigeon"}, "Not a valid choice"),
    ({"display_name": "n" * 251}, "250 characters or fewer"),
])
def test_bad_input_is_refused_inline_and_nothing_is_stored(app, client, auth, smtp, fields,
                                                           message):
    auth.login()
    with app.app_context():
        db.session.get(User, find(app, "owner").id).email = "owner@example.org"
        db.session.commit()
    users = count(app, User)
    response = add(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert count(app, User) == users and count(app, OutboxMessage) == 0


def test_a_display_name_cannot_carry_a_header(app, client, auth, smtp):
    auth.login()
    response = add(client, method="invite", display_name="Mallory\r\nBcc: victim@example.org")
    assert response.status_code == 303
    assert find(app, "writer").display_name == "MalloryBcc: victim@example.org"
    (message,) = smtp.wait_for(1)
    assert message["Bcc"] is None and smtp.inbox.envelopes[0][1] == ["writer@example.org"]


# Roles


def test_change_role_plain_and_in_place(app, client, auth, make):
    auth.login()
    author = make.account("penny", "author")
    response = send(client, f"{PEOPLE}{author.id}/role", role="editor")
    assert response.status_code == 303 and response.headers["Location"] == PEOPLE
    assert find(app, "penny").role == "editor"
    assert "Penny is now an editor." in client.get(PEOPLE).get_data(as_text=True)
    response = send(client, f"{PEOPLE}{author.id}/role", htmx=True, role="administrator")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.lstrip().startswith(f'<tr id="user-{author.id}"')
    assert "Penny is now an administrator." in text
    assert "HX-Request" in response.headers["Vary"]
    assert find(app, "penny").role == "administrator"


@pytest.mark.parametrize("htmx", [False, True])
def test_an_unknown_role_is_422_and_changes_nothing(app, client, auth, make, htmx):
    auth.login()
    author = make.account("penny", "author")
    response = send(client, f"{PEOPLE}{author.id}/role", htmx=htmx, role="superuser")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert find(app, "penny").role == "author"


def test_the_last_administrator_cannot_be_demoted_disabled_or_deleted(app, client, auth, make):
    owner = auth.login()
    # An invited administrator cannot sign in yet, and does not count.
    with app.app_context():
        db.session.add(User(login="asked", display_name="Asked", slug="asked",
                            role="administrator", invited_at=sa.func.now()))
        db.session.commit()
    for action, fields in (("role", {"role": "editor"}), ("disable", {})):
        response = send(client, f"{PEOPLE}{owner.id}/{action}", **fields)
        assert response.status_code == 409, action
        assert "needs an administrator who can sign in" in response.get_data(as_text=True)
    response = send(client, f"{PEOPLE}{owner.id}/role", htmx=True, role="author")
    assert response.status_code == 409 and response.headers["HX-Retarget"] == "find .form-status"
    owner_now = find(app, "owner")
    assert owner_now.role == "administrator" and owner_now.disabled_at is None
    assert client.get("/admin/").status_code == 200
    # With a second administrator who can sign in, the first may step down.
    make.account("second", "administrator")
    assert send(client, f"{PEOPLE}{owner.id}/role", role="editor").status_code == 303
    assert find(app, "owner").role == "editor"


def test_another_administrator_may_be_deleted_while_one_is_left(app, client, auth, make):
    auth.login()
    second = make.account("second", "administrator")
    response = send(client, f"{PEOPLE}{second.id}/delete", posts="delete")
    assert response.status_code == 303
    assert find(app, "second") is None


# Disabling


def test_disable_ends_sessions_at_once_and_refuses_sign_in(app, client, auth, make):
    auth.login()
    target = make.account("penny", "author")
    theirs = signed_in_client(app, make, "penny", "author")
    assert theirs.get("/admin/").status_code == 200
    response = send(client, f"{PEOPLE}{target.id}/disable", htmx=True)
    assert response.status_code == 200 and "Disabled" in response.get_data(as_text=True)
    assert "signed out everywhere" in response.get_data(as_text=True)
    assert theirs.get("/admin/").status_code == 302  # to the login page
    third = app.test_client()
    response = third.post("/admin/login", data={
        "csrf_token": csrf_token(third), "username": "penny",
        "password": "correct horse battery"})
    assert response.status_code == 422 and "Wrong user name or password." in response.get_data(
        as_text=True)
    # Enabled again, they sign in as before.
    assert send(client, f"{PEOPLE}{target.id}/enable").status_code == 303
    assert find(app, "penny").disabled_at is None
    Auth(app.test_client(), make).login("penny", "author")


def test_a_disabled_session_cookie_is_refused_even_with_the_right_generation(app, client,
                                                                               auth, make):
    """load_user refuses a disabled account by itself (not only through the generation)."""
    auth.login()
    make.account("penny", "author")
    theirs = signed_in_client(app, make, "penny", "author")
    with app.app_context():
        db.session.execute(sa.update(User).where(User.login == "penny")
                           .values(disabled_at=sa.func.now()))
        db.session.commit()
    assert theirs.get("/admin/").status_code == 302


def test_a_disabled_account_gets_no_mail(app, make):
    user = make.account("penny", "author")
    with app.app_context():
        row = db.session.get(User, user.id)
        row.email, row.disabled_at = "penny@example.org", sa.func.now()
        db.session.commit()
        with app.test_request_context():
            assert outbox.queue("penny@example.org", "Hi", "test_message", kind="test",
                                sender_name="Owner") is None
            assert outbox.queue("elsewhere@example.org", "Hi", "test_message", kind="test",
                                user_id=user.id, sender_name="Owner") is None
            assert outbox.queue("reader@example.org", "Hi", "test_message", kind="test",
                                sender_name="Owner") is not None
        db.session.commit()
    assert count(app, OutboxMessage) == 1


def test_an_administrator_who_disables_themselves_is_signed_out(app, client, auth, make):
    owner = auth.login()
    make.account("second", "administrator")
    response = send(client, f"{PEOPLE}{owner.id}/disable", htmx=True)
    assert response.headers["HX-Redirect"] == "/admin/login"
    assert client.get("/admin/").status_code == 302


# Deleting


def content(app, make, user):
    """A post with a comment on it, a trashed page with a subpage of someone
    else's, an image, and the user's own comment on another person's post."""
    other = make.account("other", "author")
    post = make.post("Theirs", author=user)
    page = make.post("Their page", author=user, kind="page", status="trash")
    child = make.post("Sub", author=other, kind="page", parent_id=page.id)
    elsewhere = make.post("Elsewhere", author=other)
    with app.app_context():
        db.session.add(Comment(post_id=post.id, author_name="Reader", content_html="<p>Hi</p>",
                               status="approved"))
        db.session.add(Comment(post_id=elsewhere.id, author_name=user.display_name,
                               user_id=user.id, content_html="<p>Mine</p>", status="approved"))
        db.session.add(Media(key="2026/12/abc.jpg", mime="image/jpeg", width=1, height=1,
                             size=1, owner_id=user.id, state="ready"))
        db.session.commit()
    return other, post, page, child, elsewhere


def test_the_confirmation_page_says_what_they_own(app, client, auth, make):
    auth.login()
    user = make.account("penny", "author")
    content(app, make, user)
    page = client.get(f"{PEOPLE}{user.id}/delete")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 posts and pages" in text and "1 image" in text and "Confirm deletion" in text
    assert find(app, "penny") is not None


def test_delete_attributing_posts_and_media_to_someone(app, client, auth, make):
    auth.login()
    user = make.account("penny", "author")
    other, post, page, child, elsewhere = content(app, make, user)
    response = send(client, f"{PEOPLE}{user.id}/delete", posts="attribute",
                    attribute_to=str(other.id))
    assert response.status_code == 303
    assert "now belong to Other" in client.get(PEOPLE).get_data(as_text=True)
    assert find(app, "penny") is None
    with app.app_context():
        assert {p.author_id for p in db.session.scalars(sa.select(Post))} == {other.id}
        assert db.session.scalar(sa.select(Media.owner_id)) == other.id
        mine = db.session.scalar(sa.select(Comment).where(Comment.post_id == elsewhere.id))
        assert mine.user_id is None and mine.content_html == "<p>Mine</p>"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 2


def test_delete_with_their_posts(app, client, auth, make):
    owner = auth.login()
    user = make.account("penny", "author")
    other, post, page, child, elsewhere = content(app, make, user)
    response = send(client, f"{PEOPLE}{user.id}/delete", posts="delete")
    assert response.status_code == 303
    assert find(app, "penny") is None
    with app.app_context():
        left = {p.id: p for p in db.session.scalars(sa.select(Post))}
        assert set(left) == {child.id, elsewhere.id}  # deleted for good, not trashed
        assert left[child.id].parent_id is None  # moved up, as publishing.delete does
        comments = db.session.scalars(sa.select(Comment)).all()
        assert [(c.post_id, c.user_id, c.content_html) for c in comments] == [
            (elsewhere.id, None, "<p>Mine</p>")]
        assert db.session.scalar(sa.select(Media.owner_id)) == owner.id


def test_delete_needs_someone_to_attribute_to(app, client, auth, make):
    auth.login()
    user = make.account("penny", "author")
    make.post("Theirs", author=user)
    for heir in ("0", str(user.id), "999999", "nope"):
        response = send(client, f"{PEOPLE}{user.id}/delete", posts="attribute", attribute_to=heir)
        assert response.status_code == 422, heir
        assert "Choose who their posts and media go to." in response.get_data(as_text=True)
    response = send(client, f"{PEOPLE}{user.id}/delete", posts="shred")
    assert response.status_code == 422
    assert find(app, "penny") is not None and count(app, Post) == 1


def test_nobody_deletes_themselves(app, client, auth):
    owner = auth.login()
    assert client.get(f"{PEOPLE}{owner.id}/delete").status_code == 409
    response = send(client, f"{PEOPLE}{owner.id}/delete", posts="delete")
    assert response.status_code == 409
    assert "cannot delete your own account" in response.get_data(as_text=True)
    assert find(app, "owner") is not None
    assert f'{PEOPLE}{owner.id}/delete"' not in client.get(PEOPLE).get_data(as_text=True)


# CSRF


def test_every_write_needs_the_session_csrf_token(app, client, auth, make):
    auth.login()
    user = make.account("penny", "author")
    with app.app_context():
        db.session.get(User, user.id).invited_at = sa.func.now()
        db.session.commit()
    for action, fields in (("role", {"role": "editor"}), ("disable", {}), ("invite", {}),
                           ("delete", {"posts": "delete"})):
        response = send(client, f"{PEOPLE}{user.id}/{action}", token=False, **fields)
        assert response.status_code == 400, action
        response = client.post(f"{PEOPLE}{user.id}/{action}",
                               data={"csrf_token": "forged", **fields})
        assert response.status_code == 400, action
    assert add(client, csrf_token="forged").status_code == 400
    penny = find(app, "penny")
    assert penny.role == "author" and penny.disabled_at is None
    assert find(app, "writer") is None and count(app, OutboxMessage) == 0
