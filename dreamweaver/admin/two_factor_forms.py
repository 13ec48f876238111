"""The forms of two-factor sign-in (session CSRF, as every admin form)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length


class CodeForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField("Code", validators=[
        InputRequired("Enter the 6-digit code from your authenticator app, or a recovery code."),
        Length(max=64, message="That is longer than any code.")])


class EnrolForm(FlaskForm):
    """Turning two-factor on: the secret the page showed (sealed, so the page
    can carry it and nobody can choose their own) and a code it makes now."""

    secret = HiddenField()
    code = StringField("Code from the app", validators=[
        InputRequired("Enter the 6-digit code your authenticator app shows."),
        Length(max=64, message="That is longer than any code.")])


class PasswordCheckForm(FlaskForm):
    """Turning two-factor off or making new recovery codes: the password again,
    so that a session left open is not enough."""

    password = PasswordField("Your password", validators=[
        InputRequired("Enter your password."), Length(max=1024)])


class ResetForm(FlaskForm):
    """An administrator turning off another account's two-factor: a POST with a token."""
