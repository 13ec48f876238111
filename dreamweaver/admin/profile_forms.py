"""Forms of the signed-in user's own account: the profile's small forms and the
password reset (session CSRF, as every admin form)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from ..inputs import ANY_CONTROL, IN_FORMS
from ..mail.addresses import MAX_LENGTH as EMAIL_MAX
from ..mail.addresses import normalized

NAME_MAX = 250  # users.display_name
SLUG_MAX = 200  # users.slug
BIO_MAX = 2000
PASSWORD_MIN = 8
PASSWORD_MAX = 1024  # hashing a megabyte-long "password" is work nobody needs to do

CONTROLS = "Remove the invisible control characters from this field."


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _one_line(form, field):
    """Refused rather than silently cleaned: what would be stored must be what
    the person sees in the field."""
    if field.data and ANY_CONTROL.search(field.data):
        raise ValidationError(CONTROLS)


def _text(form, field):
    if field.data and IN_FORMS.search(field.data):
        raise ValidationError(CONTROLS)


def _address(form, field):
    """The address as it will be stored, or the one message for any bad one
    (a line break smuggling a Bcc: header included)."""
    try:
        field.data = normalized(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


class ProfileForm(FlaskForm):
    """What readers see of the account: its byline, archive address and bio."""

    display_name = StringField("Display name", filters=[_strip], validators=[
        InputRequired("Enter the name readers see on your posts."), _one_line,
        Length(max=NAME_MAX, message=f"Keep the name to {NAME_MAX} characters or fewer.")],
        description="Shown on your posts and your author page.")
    slug = StringField("Author page address", filters=[_strip], validators=[
        InputRequired("Enter the last part of your author page's address."), _one_line,
        Length(max=SLUG_MAX, message=f"Keep it to {SLUG_MAX} characters or fewer.")],
        description="Your posts are listed at /author/<this>/.")
    bio = TextAreaField("Biographical info", validators=[
        _text, Length(max=BIO_MAX, message=f"Keep the bio to {BIO_MAX:,} characters or fewer.")],
        description="Shown on your author page. The markup allowed in comments "
                    "works here too.")


class EmailChangeForm(FlaskForm):
    email = EmailField("New email address", filters=[_strip], validators=[
        InputRequired("Enter the new address."),
        Length(max=EMAIL_MAX, message="Please enter a valid email address."), _address],
        description="We send a link to the new address; the change is made when you "
                    "follow it.")
    password = PasswordField("Current password", validators=[
        InputRequired("Enter your current password."), Length(max=PASSWORD_MAX)])


def _new_password(label: str):
    return PasswordField(label, validators=[
        InputRequired("Choose a new password."),
        Length(min=PASSWORD_MIN, message=f"Use at least {PASSWORD_MIN} characters."),
        Length(max=PASSWORD_MAX, message=f"Keep it to {PASSWORD_MAX:,} characters or fewer.")])


class NewPasswordForm(FlaskForm):
    """A new password, typed twice (the reset link's form; the profile's adds
    the current one)."""

    new_password = _new_password("New password")
    confirm = PasswordField("Repeat the new password", validators=[
        InputRequired("Type the new password again.")])

    def validate_confirm(self, field):
        if self.new_password.data and field.data != self.new_password.data:
            raise ValidationError("The two passwords differ.")


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField("Current password", validators=[
        InputRequired("Enter your current password."), Length(max=PASSWORD_MAX)])


class NotificationsForm(FlaskForm):
    notify_approved = BooleanField("Email me each new approved comment on my posts")


class PasswordResetForm(FlaskForm):
    email = EmailField("Email address", filters=[_strip], validators=[
        InputRequired("Enter the email address of your account."),
        Length(max=EMAIL_MAX, message="Please enter a valid email address."), _address])
