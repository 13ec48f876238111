"""Uploading files to /admin/media/ as a browser's multipart form does."""

import io

from tests.support.auth import csrf_token


def upload(client, *files: tuple[str, bytes], alt: str = "", headers=None):
    """POST `files` ((name, bytes) pairs) to the library's upload form."""
    data = {"csrf_token": csrf_token(client, "/admin/media/"), "alt": alt,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/admin/media/", data=data, content_type="multipart/form-data",
                       headers=headers or {})
