"""Forms of the reader pages: the post password and the search box."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SearchField
from wtforms.validators import InputRequired, Length


class PostPasswordForm(FlaskForm):
    """WordPress's post-password form. No session CSRF token: the page must stay
    cookie-free and cacheable; the view checks that the post is same-origin."""

    class Meta:
        csrf = False

    post_password = PasswordField(
        "Password:", validators=[InputRequired("Enter the password."), Length(max=255)]
    )


class SearchForm(FlaskForm):
    """The GET search form (`/?s=`): no CSRF, nothing it changes."""

    class Meta:
        csrf = False

    s = SearchField("Search for:", validators=[Length(max=10_000)])
