"""A listing's section (blog/_post_list.html: its summaries, filters and paging
links), rendered once per content generation and shared by every reader.

The section depends on nothing but the site's content and settings: no
summary carries an Edit link, and the posts a listing shows are the ones
readers see whoever asks (private ones are never listed). So a reader with
cookies, a signed-in owner, and every reader while the page cache is off or
just missed get it for a dictionary lookup instead of ten summaries' worth
of queries and templates; the queries run only when it is rendered.

Its key is the listing's canonical route (blog/views.set_list_route) and
page number, and whether htmx asked for the fragment (which carries its own
<title> and announcement), so a filter's answer rendered under another URL
shares the listing's entry.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import g, render_template, request
from markupsafe import Markup

from .. import caching
from ..htmx import is_partial
from ..media.embeds import frame_origins
from ..security import allow_frames
from .queries import Page
from .shared_html import shared_html


class Shown(NamedTuple):
    html: str  # blog/_post_list.html as rendered
    page: Page  # its number and neighbours (without the posts)
    frames: tuple[str, ...]  # origins its teasers' video cards load from (the CSP's)


class Loaded(NamedTuple):
    posts: list
    page: Page
    snippets: dict  # post id -> search snippet (search only)


def render_listing(page_template: str, number: int, load, **context):
    """The listing page, or its fragment for htmx; `load()` gives a Loaded and
    runs only when the section is not cached for this generation."""
    fragment = is_partial()
    shown = caching.cached(_key(number, fragment), lambda: _render(load, fragment, context))
    allow_frames(*shown.frames)
    if fragment:
        return shown.html
    return shared_html(lambda: render_template(
        page_template, fragment=False, listing=Markup(shown.html),  # noqa: S704
        page=shown.page, **context))


def _key(number: int, fragment: bool) -> str:
    endpoint, values = g.list_route
    route = sorted(values.items())
    return f"listing:{request.script_root}:{endpoint}:{route!r}:{number}:{int(fragment)}"


def _render(load, fragment: bool, context: dict) -> Shown:
    loaded = load()
    frames = {origin for post in loaded.posts
              if post.teaser_html and not post.password and not loaded.snippets.get(post.id)
              for origin in frame_origins(post.teaser_html)}
    html = render_template("blog/_post_list.html", fragment=fragment, posts=loaded.posts,
                           page=loaded.page, snippets=loaded.snippets, **context)
    page = Page([], loaded.page.number, loaded.page.has_newer, loaded.page.has_older)
    return Shown(html, page, tuple(sorted(frames)))
