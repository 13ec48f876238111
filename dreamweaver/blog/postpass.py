"""Password-protected posts: WordPress's post password, remembered in a signed cookie.

The cookie never holds the password: it holds a keyed hash of it, signed and
dated, so a reader who knows one password unlocks every post that shares it
(as in WordPress) for POST_PASSWORD_MAX_AGE.
"""

import hashlib
import hmac

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "dw_postpass"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="post-password")


def _fingerprint(password: str) -> str:
    key = current_app.secret_key.encode()
    return hmac.new(key, password.encode(), hashlib.sha256).hexdigest()


def is_unlocked(post) -> bool:
    if not post.password:
        return True
    token = request.cookies.get(COOKIE)
    if not token:
        return False
    try:
        remembered = _serializer().loads(token, max_age=current_app.config["POST_PASSWORD_MAX_AGE"])
    except BadSignature:
        return False
    return isinstance(remembered, str) and hmac.compare_digest(
        remembered, _fingerprint(post.password)
    )


def is_correct(post, password: str) -> bool:
    return hmac.compare_digest(password.encode(), post.password.encode())


def remember(response, password: str):
    response.set_cookie(
        COOKIE,
        _serializer().dumps(_fingerprint(password)),
        max_age=current_app.config["POST_PASSWORD_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
