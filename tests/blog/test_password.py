"""Password-protected posts: a form in place of content, excerpt and comments."""

from datetime import UTC, datetime

import pytest

from tests.support.responses import text

URL = "/2023/08/02/hidden-treasure/"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def protected(make):
    post = make.post("Hidden Treasure", password="open sesame",
                     published_at=datetime(2023, 8, 2, tzinfo=UTC),
                     source="The secret words.", excerpt="A secret excerpt.")
    make.comment(post, author_name="Secret Commenter", content="<p>Secret reply.</p>")
    return post


def test_protected_post_shows_form_not_content(client, protected):
    response = client.get(URL)
    body = text(response)
    assert response.status_code == 200
    assert "Protected: Hidden Treasure" in body
    assert "This content is password protected." in body
    assert 'name="post_password"' in body
    for secret in ("The secret words.", "Secret reply.", "Secret Commenter"):
        assert secret not in body
    assert "Cookie" in response.headers["Vary"]


def test_protected_post_listing_has_no_excerpt(client, protected):
    body = text(client.get("/"))
    assert "Protected: Hidden Treasure" in body
    assert "There is no excerpt because this is a protected post." in body
    assert "A secret excerpt." not in body and "The secret words." not in body


def test_protected_post_right_password_unlocks_with_cookie(client, protected):
    response = client.post(URL, data={"post_password": "open sesame"}, headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(URL)
    cookie = response.headers["Set-Cookie"]
    assert "dw_postpass=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "open sesame" not in cookie and "open%20sesame" not in cookie
    body = text(client.get(URL))
    assert "The secret words." in body and "Secret reply." in body


def test_protected_post_wrong_password_is_refused(client, protected):
    response = client.post(URL, data={"post_password": "guess"}, headers=SAME_ORIGIN)
    assert response.status_code == 403
    assert "That password is not correct." in text(response)
    assert "Set-Cookie" not in response.headers
    assert "The secret words." not in text(response)


def test_protected_post_empty_password_is_422(client, protected):
    response = client.post(URL, data={"post_password": ""}, headers=SAME_ORIGIN)
    assert response.status_code == 422
    assert "Enter the password." in text(response)


def test_protected_post_cross_site_form_is_refused(client, protected):
    response = client.post(URL, data={"post_password": "open sesame"},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "Set-Cookie" not in response.headers


def test_protected_post_forged_cookie_stays_locked(client, protected):
    client.set_cookie("dw_postpass", "forged.value.here")
    assert "The secret words." not in text(client.get(URL))


def test_cookie_for_another_password_does_not_unlock(client, make, protected):
    make.post("Other Vault", password="different",
              published_at=datetime(2023, 8, 3, tzinfo=UTC))
    client.post("/2023/08/03/other-vault/", data={"post_password": "different"},
                headers=SAME_ORIGIN)
    assert "The secret words." not in text(client.get(URL))


def test_unprotected_post_rejects_password_post(client, make):
    make.post("Open Book", published_at=datetime(2023, 8, 2, tzinfo=UTC))
    response = client.post("/2023/08/02/open-book/", data={"post_password": "x"},
                           headers=SAME_ORIGIN)
    assert response.status_code == 405
