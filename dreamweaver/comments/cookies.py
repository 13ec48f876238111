"""What a commenter's browser remembers, in signed cookies.

- dw_commenter: name, email and website, only when the reader ticked "Save my
  name, email, and website in this browser" (as WordPress's comment cookies).
- dw_held: the ids of the reader's own comments that wait for moderation, so
  they see them marked "Your comment is awaiting moderation." and nobody else
  does.

Readers without these cookies get the same cacheable page as everyone.
"""

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

AUTHOR_COOKIE = "dw_commenter"
HELD_COOKIE = "dw_held"
AUTHOR_MAX_AGE = 365 * 24 * 3600  # WordPress keeps its comment cookies a year
HELD_MAX_AGE = 30 * 24 * 3600
HELD_KEEP = 20


def _cookie(response, name: str, value: str, max_age: int):
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax",
                        secure=request.is_secure)


def has_cookies() -> bool:
    return AUTHOR_COOKIE in request.cookies or HELD_COOKIE in request.cookies


def remembered_author() -> dict:
    """{"author", "email", "url"} saved by this browser, or {}."""
    token = request.cookies.get(AUTHOR_COOKIE)
    if not token:
        return {}
    try:
        saved = URLSafeSerializer(current_app.secret_key, salt=AUTHOR_COOKIE).loads(token)
    except BadSignature:
        return {}
    if not isinstance(saved, dict):
        return {}
    return {key: str(saved.get(key) or "") for key in ("author", "email", "url")}


def remember_author(response, author: str, email: str, url: str):
    value = URLSafeSerializer(current_app.secret_key, salt=AUTHOR_COOKIE).dumps(
        {"author": author or "", "email": email or "", "url": url or ""}
    )
    _cookie(response, AUTHOR_COOKIE, value, AUTHOR_MAX_AGE)


def forget_author(response):
    if AUTHOR_COOKIE in request.cookies:
        response.delete_cookie(AUTHOR_COOKIE, httponly=True, samesite="Lax")


def held_ids() -> set[int]:
    token = request.cookies.get(HELD_COOKIE)
    if not token:
        return set()
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=HELD_COOKIE)
    try:
        ids = serializer.loads(token, max_age=HELD_MAX_AGE)
    except BadSignature:
        return set()
    return {i for i in ids if isinstance(i, int)} if isinstance(ids, list) else set()


def remember_held(response, comment_id: int):
    ids = sorted(held_ids() | {comment_id})[-HELD_KEEP:]
    value = URLSafeTimedSerializer(current_app.secret_key, salt=HELD_COOKIE).dumps(ids)
    _cookie(response, HELD_COOKIE, value, HELD_MAX_AGE)
