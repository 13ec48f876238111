"""The upload endpoint's own body limit: MEDIA_MAX_BYTES there, the site-wide
MAX_CONTENT_LENGTH everywhere else.

It has to be decided before anything reads the body, and the CSRF check reads
the form in a before-request hook that runs ahead of any view or blueprint
hook; the request class answers for itself, from the endpoint it was routed to.
"""

from flask import Request, current_app

UPLOAD_ENDPOINT = "admin.media_upload"


class UploadLimit:
    """Mixed into the app's request class (htmx-flask's already adds .htmx)."""

    @property
    def max_content_length(self) -> int | None:
        if self.endpoint == UPLOAD_ENDPOINT and self.method == "POST":
            return current_app.config["MEDIA_MAX_BYTES"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)


def init_app(app) -> None:
    if not issubclass(app.request_class, UploadLimit):
        app.request_class = type("Request", (UploadLimit, app.request_class), {})
