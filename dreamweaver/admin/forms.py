"""Forms of the admin area (session CSRF, as Flask-WTF does by default)."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired("Enter your user name."),
                                                   Length(max=60)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password."),
                                                     Length(max=1024)])


class LogoutForm(FlaskForm):
    """Logging out changes state: a POST with a CSRF token, never a GET link."""
