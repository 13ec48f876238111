"""Forms of the People screen and of the invitation page (session CSRF).

What reaches a mail header is the address alone, and it goes through
mail.addresses.normalized; a login or display name with a line break or any
other control character is refused (login) or has them removed (display
name), so nothing typed here can start a header or a line of its own.
"""

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from ..extensions import db
from ..inputs import ANY_CONTROL, one_line
from ..mail.addresses import normalized
from ..models import ROLES, User

LOGIN_MAX = 60
DISPLAY_NAME_MAX = 250
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
ROLE_CHOICES = [SelectChoice(role, role.title()) for role in ROLES]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def check_login(_form, field):
    """create-user's rules (cli.py): 1 to 60 printable characters; and no
    other account with the same login, whatever its case."""
    login = field.data or ""
    if ANY_CONTROL.search(login):
        raise ValidationError("Use printable characters only (no line breaks or tabs).")
    taken = db.session.scalar(sa.select(sa.literal(True)).where(
        sa.func.lower(User.login) == login.lower()).limit(1))
    if taken:
        raise ValidationError(f"The login \u201c{login}\u201d is already taken.")


def check_email(_form, field):
    """A valid address (normalized in place) that no other account uses."""
    try:
        field.data = normalized(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    taken = db.session.scalar(sa.select(sa.literal(True)).where(
        sa.func.lower(User.email) == field.data.lower()).limit(1))
    if taken:
        raise ValidationError("Another account already uses this address.")


PASSWORD_RULES = [Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                         message=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.")]


class UserCreateForm(FlaskForm):
    """WordPress's "Add New User": an invitation by email, or a password now."""

    login = StringField("Login", filters=[_strip], validators=[
        InputRequired("Enter a login."),
        Length(max=LOGIN_MAX, message=f"Keep the login to {LOGIN_MAX} characters or fewer."),
        check_login])
    email = EmailField("Email", filters=[_strip], validators=[
        InputRequired("Enter an email address."), check_email])
    display_name = StringField("Display name", filters=[one_line], validators=[
        Length(max=DISPLAY_NAME_MAX,
               message=f"Keep the name to {DISPLAY_NAME_MAX} characters or fewer.")],
        description="What bylines show; the login when left empty.")
    role = SelectField("Role", choices=ROLE_CHOICES, default="author")
    method = RadioField("How they get in", default="invite", choices=[
        SelectChoice("invite", "Send an invitation by email: they choose their own password "
                     "(the link works once, for 72 hours)"),
        SelectChoice("password", "Set a password now (no email is sent)")])
    password = PasswordField("Password")
    confirm = PasswordField("Repeat the password")

    def validate_password(self, field):
        if self.method.data != "password":
            return
        if not field.data:
            raise ValidationError("Enter a password, or send an invitation instead.")
        if not PASSWORD_MIN <= len(field.data) <= PASSWORD_MAX:
            raise ValidationError(f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.")

    def validate_confirm(self, field):
        if self.method.data == "password" and field.data != self.password.data:
            raise ValidationError("The two passwords differ.")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class UserActionForm(FlaskForm):
    """Disable, enable, send the invitation again: only the session CSRF token."""


class UserDeleteForm(FlaskForm):
    """What becomes of the person's posts (WordPress's choice)."""

    posts = RadioField("What should be done with their content?", default="attribute",
                       choices=[SelectChoice("attribute", "Attribute all content to:"),
                                SelectChoice("delete", "Delete all content")])
    attribute_to = SelectField("Attribute to", coerce=int, validate_choice=False, default=0)

    def __init__(self, others, **kwargs):
        super().__init__(**kwargs)
        self.attribute_to.choices = [SelectChoice(0, "Choose someone")] + [
            SelectChoice(user.id, f"{user.display_name} ({user.login})") for user in others]
        self.others = {user.id for user in others}

    def validate_attribute_to(self, field):
        if self.posts.data == "attribute" and field.data not in self.others:
            raise ValidationError("Choose who their posts and media go to.")


class InvitationForm(FlaskForm):
    password = PasswordField("New password", validators=[
        InputRequired("Choose a password."), *PASSWORD_RULES])
    confirm = PasswordField("Repeat the password", validators=[
        InputRequired("Repeat the password."),
        EqualTo("password", message="The two passwords differ.")])
