"""Signing test clients in and out of /admin, and the CSRF token its forms carry."""

import re

CSRF_FIELD = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url="/admin/login") -> str:
    """The session CSRF token of the admin forms, as a page carries it."""
    match = CSRF_FIELD.search(client.get(url).get_data(as_text=True))
    assert match, f"no csrf_token field on {url}"
    return match.group(1)


class Auth:
    """Signs test clients in and out of /admin (the tutorial's `auth` helper)."""

    def __init__(self, client, make):
        self.client, self.make = client, make

    def login(self, login="owner", role="administrator", password="correct horse battery"):
        """Create the account if needed and sign in; returns the user."""
        user = self.make.account(login, role, password)
        response = self.client.post("/admin/login", data={
            "csrf_token": csrf_token(self.client), "username": login, "password": password,
        })
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return user

    def logout(self):
        token = csrf_token(self.client, "/admin/")
        return self.client.post("/admin/logout", data={"csrf_token": token})
