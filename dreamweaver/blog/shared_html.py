"""A public page's HTML as every reader who is not signed in sees it, kept per
URL and content generation (caching.cached), so that the readers the page
cache cannot serve get it without a template being rendered: a returning
commenter, the first reader after any write, an htmx request, and every
reader while PAGE_CACHE is off.

The one part of such a page that differs between those readers is the
comment form (its fresh token, a commenter's saved details): the kept HTML
holds a marker in its place (comments/forms.FormHole) and each request puts
its own form in. A signed-in user's page (Edit links, their drafts) is
never kept, nor served from here; what else is personal (a protected post,
a commenter's held comments, a form with errors) the callers keep out.
"""

from __future__ import annotations

import hashlib

from flask import request

from .. import reader
from ..caching import cached, is_personal
from ..htmx import is_partial


def shared_html(render, holes: tuple[str, ...] = ()) -> str:
    """render(), or its HTML as kept for this URL (scheme, host and path
    prefix included: the page's canonical link has them) and rendering.
    `holes` are the markers it holds for the caller to fill: part of the key,
    so HTML kept with other markers (another secret key's) is never used."""
    if reader.current().user is not None or is_personal():
        return render()
    key = "\n".join((request.url, *holes))
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    return cached(f"html:{int(is_partial())}:{digest}", lambda: str(render()))
