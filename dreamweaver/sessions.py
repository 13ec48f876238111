"""Keep anonymous pages free of `Vary: Cookie`.

Flask adds `Vary: Cookie` whenever the session was read, and extensions
(Flask-Login's after_request hook among them) read it on every request. A
reader who sent no session cookie and got none back saw nothing that a
cookie could change, so for them the read does not count.
"""

from flask import request
from flask.sessions import SecureCookieSessionInterface


class AnonymousFriendlySessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app) -> bool:
        """Secure whenever the site is served over https (behind a proxy too)."""
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def save_session(self, app, session, response):
        cookie_name = self.get_cookie_name(app)
        if not session and not session.modified and cookie_name not in request.cookies:
            session.accessed = False
        super().save_session(app, session, response)


def init_app(app):
    app.session_interface = AnonymousFriendlySessionInterface()
