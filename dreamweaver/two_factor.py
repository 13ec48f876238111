"""Two-factor sign-in: TOTP (RFC 6238, any authenticator app) with one-time
recovery codes.

The secret is sealed at rest (sealed.py). A code is accepted for the current
30-second step or the one either side (a phone's clock a little off), and only
if its step is later than the last accepted one: an overheard code is refused
the second time, even within its minute. Recovery codes are stored as hashes
and deleted when used. Nothing here commits; the views do.
"""

import hashlib
import hmac
import logging
import re
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from . import settings
from .extensions import db
from .models import RecoveryCode, TwoFactor, User, utcnow
from .sealed import Unsealable, seal, unseal

log = logging.getLogger(__name__)

SECRET_PURPOSE = "two-factor secret"  # noqa: S105 (a label for the key, not a secret)
RECOVERY_CODE_COUNT = 10
# How many steps either side of now a code may be from (RFC 6238 section 5.2).
DRIFT_STEPS = 1
# 16 characters of this alphabet are 80 random bits; no 0/o or 1/l to misread.
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16
_SEPARATORS = re.compile(r"[\s-]+")
TOTP_CODE = re.compile(r"[0-9]{6}")
# The role names that mean an administrator, before and after the rename of
# "admin" to "administrator": either in TWO_FACTOR_REQUIRED_ROLES covers them.
_ADMIN_ROLE_NAMES = frozenset({"admin", "administrator"})


def new_secret() -> str:
    """A fresh TOTP secret: 160 random bits in base32, as authenticator apps take it."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, user: User) -> str:
    """The otpauth:// URI the QR code holds: the app shows issuer and login."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.login, issuer_name=settings.current().site_title)


def qr_svg(uri: str) -> Markup:
    """`uri` as a QR code in inline SVG, made here: no request leaves the page,
    and the SVG has no style attribute or script for the CSP to refuse. Dark on
    white whatever the admin's colour scheme, as scanners need."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title="QR code for your authenticator app",
        svgclass="qr-code", omitsize=True)
    return Markup(svg)  # noqa: S704 (segno's own output from our URI, which it escapes)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // 30)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The step within the drift window whose code `code` is, if any."""
    if not TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def normalized(code: str) -> str:
    """What was typed, without the spaces and dashes people copy along."""
    return _SEPARATORS.sub("", code or "").lower()


def secret_of(two_factor: TwoFactor) -> str:
    return unseal(SECRET_PURPOSE, two_factor.secret).decode("ascii")


def turn_on(user: User, secret: str, step: int) -> list[str]:
    """Two-factor sign-in on for `user` with `secret` (whose code of `step` the
    user just typed, so it is used up); returns the new recovery codes."""
    db.session.execute(sa.delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.add(TwoFactor(user_id=user.id, secret=seal(SECRET_PURPOSE, secret.encode("ascii")),
                             enabled_at=utcnow(), last_step=step))
    return new_recovery_codes(user)


def turn_off(user: User) -> None:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.expire(user, ["two_factor"])


def is_on(user: User) -> bool:
    return db.session.get(TwoFactor, user.id) is not None


def required_for(user: User) -> bool:
    """Whether TWO_FACTOR_REQUIRED_ROLES names `user`'s role (an administrator
    matches "admin" and "administrator" alike)."""
    roles = current_app.config.get("TWO_FACTOR_REQUIRED_ROLES") or ()
    if isinstance(roles, str):  # FLASK_TWO_FACTOR_REQUIRED_ROLES=administrator,editor
        roles = roles.replace(",", " ").split()
    roles = set(roles)
    if not roles:
        return False
    return user.role in roles or (user.is_admin and bool(roles & _ADMIN_ROLE_NAMES))


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes in place of any old ones; only their hashes are kept."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i:i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id)) or 0


def verify(user: User, typed: str, now: float | None = None) -> str | None:
    """Check a code for signing `user` in: "totp" or "recovery" for the kind
    that was accepted (and is now used up), None when it is wrong or used.

    Both kinds are used up by one conditional statement, so two requests racing
    with the same code cannot both win: the step only moves forward, and a
    recovery code's row is deleted once.
    """
    two_factor = db.session.get(TwoFactor, user.id)
    if two_factor is None:
        return None
    code = normalized(typed)
    if TOTP_CODE.fullmatch(code):
        try:
            secret = secret_of(two_factor)
        except Unsealable:
            # Sealed under another SECRET_KEY: no app code can match any more,
            # the recovery codes (plain hashes) still sign in.
            log.warning("The two-factor secret of user %s does not unseal: SECRET_KEY "
                        "changed since it was set up.", user.id)
            return None
        step = matching_step(secret, code, now)
        if step is None:
            return None
        used = db.session.execute(
            sa.update(TwoFactor)
            .where(TwoFactor.user_id == user.id,
                   sa.or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step))
            .values(last_step=step)
            .execution_options(synchronize_session=False))
        db.session.expire(two_factor)
        return "totp" if used.rowcount == 1 else None
    if len(code) != _RECOVERY_LENGTH:
        return None
    used = db.session.execute(
        sa.delete(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code))
        .execution_options(synchronize_session=False))
    return "recovery" if used.rowcount == 1 else None
