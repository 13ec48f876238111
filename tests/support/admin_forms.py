"""Filling in /admin's forms as a browser does: the post editor, a comment's
action buttons, a category's edit form."""

from tests.support.auth import csrf_token

HTMX = {"HX-Request": "true"}
COMMENTS = "/admin/comments/"
CATEGORIES = "/admin/categories/"


def form(client, url="/admin/posts/new", token_from=None, **fields):
    """Save the post editor at `url`: sensible values, changed by `fields` (None keeps one)."""
    data = {"csrf_token": csrf_token(client, token_from or url), "title": "A Title",
            "source": "Some *text*.",
            "format": "markdown", "status": "published", "comments_open": "y"}
    data.update({k: v for k, v in fields.items() if v is not None})
    return client.post(url, data=data)


def act(client, comment_id, action, htmx=False, token=True, **args):
    """Press an action button, as htmx does it (header token) or as a plain form."""
    url = f"{COMMENTS}{comment_id}/{action}"
    value = csrf_token(client, COMMENTS)
    if htmx:
        return client.post(url, query_string=args, headers={**HTMX, "X-CSRFToken": value})
    return client.post(url, query_string=args, data={"csrf_token": value} if token else {})


def edit(client, token, category, htmx=False, **fields):
    """Save a category's edit form: its current values, changed by `fields`."""
    current = {"name": category.name, "slug": category.slug,
               "parent": str(category.parent_id or 0), "description": category.description}
    data = {**current, **fields}
    data = {"csrf_token": token, **data} if token else data
    return client.post(f"{CATEGORIES}{category.id}/", data=data, headers=HTMX if htmx else {})
