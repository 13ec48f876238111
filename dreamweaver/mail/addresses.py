"""Email addresses people type: checked and normalized once, before anything is
stored or any header is made from one."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from ..inputs import ANY_CONTROL

MAX_LENGTH = 254


def normalized(address: str) -> str:
    """The address as we store it, or ValueError with a message for people.
    Only the syntax is checked: whether a domain takes mail is the mail
    server's to find out (and a lookup here would stall the request)."""
    address = (address or "").strip()
    if not address or len(address) > MAX_LENGTH or ANY_CONTROL.search(address):
        raise ValueError("Please enter a valid email address.")
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError("Please enter a valid email address.") from None


def is_valid(address: str) -> bool:
    try:
        normalized(address)
    except ValueError:
        return False
    return True
