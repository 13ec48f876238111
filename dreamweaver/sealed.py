"""Small secrets encrypted at rest: a two-factor secret, a federation actor's
private key. Whoever reads the database (a backup, a leaked dump) without the
SECRET_KEY learns nothing from them, and cannot forge one either.

Each purpose gets its own key, derived from SECRET_KEY with HKDF-SHA256 and the
purpose as its label, and seals with Fernet (AES-128-CBC + HMAC-SHA256, a
timestamp inside): a value sealed for one purpose never opens for another, so a
sealed value copied from one column into another is refused, not used.
Changing SECRET_KEY makes every sealed value unreadable, as it signs every
session out: say so wherever it is changed (docs/decisions.md).
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# Part of every derived key's label: a key made by another program from the same
# SECRET_KEY (there is none today) could never be this one.
LABEL = b"dreamweaver sealed v1:"


class Unsealable(ValueError):
    """Not a value sealed for this purpose with this SECRET_KEY (or too old)."""


@functools.lru_cache(maxsize=64)
def _fernet(secret_key: bytes, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=LABEL + purpose.encode()).derive(secret_key)
    return Fernet(base64.urlsafe_b64encode(key))


def _for(purpose: str) -> Fernet:
    if not purpose:
        raise ValueError("a sealed value needs a purpose")
    secret_key = current_app.config.get("SECRET_KEY")
    if not secret_key:
        raise RuntimeError("SECRET_KEY is not set: nothing can be sealed or unsealed")
    if isinstance(secret_key, str):
        secret_key = secret_key.encode()
    return _fernet(secret_key, purpose)


def seal(purpose: str, data: bytes) -> str:
    """`data` encrypted and authenticated for `purpose` (ASCII, fits a String column)."""
    return _for(purpose).encrypt(data).decode("ascii")


def unseal(purpose: str, token: str, max_age: int | None = None) -> bytes:
    """What seal(purpose, ...) sealed into `token`; Unsealable for anything else:
    another purpose, another SECRET_KEY, a changed byte, or (with `max_age`)
    a token sealed more than `max_age` seconds ago."""
    try:
        return _for(purpose).decrypt(token.encode("ascii"), ttl=max_age)
    except (InvalidToken, UnicodeEncodeError) as error:
        raise Unsealable(purpose) from error
