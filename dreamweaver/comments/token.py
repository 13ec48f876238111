"""The comment form's stateless token (DESIGN: "Comments and the anonymous-page rule").

The token is the post id and the time the form was served, signed with
SECRET_KEY. It needs no session, so an article page sets no cookie and stays
cacheable, and it also times COMMENT_MIN_SECONDS.
"""

import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

SALT = "comment-form"
# A page open longer than this must be reloaded (or the post retried with the
# fresh token that the 400 response carries).
MAX_AGE = 2 * 24 * 3600


class TokenError(Exception):
    """The post cannot be accepted as it is; the message says why."""


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.secret_key, salt=SALT)


def issue(post_id: int) -> str:
    return _signer().sign(str(post_id)).decode()


def check(token: str | None, post_id: int) -> None:
    """Raise TokenError unless `token` was issued for this post long enough ago."""
    if not token:
        raise TokenError("The form is missing its security token. Please reload the page.")
    try:
        value, issued = _signer().unsign(token, max_age=MAX_AGE, return_timestamp=True)
    except SignatureExpired:
        raise TokenError(
            "This form has expired. Your comment is still here: please post it again."
        ) from None
    except BadSignature:
        raise TokenError("The form's security token is not valid. Please reload the page.") \
            from None
    if value.decode() != str(post_id):
        raise TokenError("This form belongs to another post. Please reload the page.")
    waited = time.time() - issued.timestamp()
    if waited < current_app.config["COMMENT_MIN_SECONDS"]:
        raise TokenError("That was very fast. Please take a moment and post your comment again.")
