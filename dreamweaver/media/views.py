"""Media files for readers: /media/<key>, from the folder or, for a bucket,
a redirect to where the bucket serves it.

A key names a file that never changes (media/keys.py), so every answer may be
kept a year without asking again. In a deployment with a front server, that
server can serve instance/media/ at /media/ itself, with the same headers.
"""

from flask import Blueprint, abort, redirect, send_file

from . import featured, library, old_paths, storage, upload_limit, urls
from .keys import is_key

bp = Blueprint("media", __name__)


@bp.record_once
def _set_up(state) -> None:
    app = state.app
    library.init_app(app)
    upload_limit.init_app(app)
    featured.init_app(app)
    app.jinja_env.globals.update(media_url=urls.original_url, media_file_url=urls.url_of,
                                 media_thumbnail_url=urls.thumbnail_url)

YEAR = 365 * 24 * 3600
TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
         "webp": "image/webp", "avif": "image/avif"}


@bp.get("/media/<path:key>")
def file(key: str):
    if not is_key(key):
        abort(404)
    store = storage.current()
    if not isinstance(store, storage.LocalStorage):
        return redirect(store.url(key), 301)
    path = store.path(key)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=TYPES[key.rsplit(".", 1)[1]], conditional=True,
                         etag=True, max_age=YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.get("/wp-content/uploads/<path:path>")
def old_upload(path: str):
    """A WordPress upload's old address (an imported site's), moved for good to
    the media it became (media/old_paths.py): its original, or for a
    size-suffixed copy the nearest variant at least as wide."""
    path = old_paths.clean(path)
    if path and is_key(path):
        # How export-wxr names a file that never was on a WordPress site.
        return redirect(urls.url_of(path), 301)
    found = old_paths.find(path) if path else None
    if found is None:
        abort(404)
    media, width = found
    return redirect(urls.url_of(old_paths.best_key(media, width)), 301)
