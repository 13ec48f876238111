"""The full-page-or-fragment rule of DESIGN.md, in one place.

Views never read HX-* headers themselves: if htmx's protocol changes, only
this module does.
"""

from flask import g, render_template, request

VARY_ON = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


def is_partial() -> bool:
    """True when htmx asks for the fragment: not boosted, not a history restore."""
    g.varies_on_htmx = True
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render(page: str, partial: str, /, **context) -> str:
    """The page for a plain request, only its partial for an htmx one.

    The page template includes the partial, so the two can never drift apart;
    `fragment` tells the partial which way it is being rendered (a fragment
    carries its own <title>, for htmx to set).
    """
    fragment = is_partial()
    return render_template(partial if fragment else page, fragment=fragment, **context)


def retarget(response, target: str, swap: str):
    """Swap this response somewhere other than where the request said (HX-Retarget)."""
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response


def push_url(response, url: str):
    """Put `url` in the browser's history for this htmx response (HX-Push-Url)."""
    response.headers["HX-Push-Url"] = url
    return response


def add_vary(response):
    if g.get("varies_on_htmx"):
        response.vary.update(VARY_ON)
    return response


def init_app(app):
    app.after_request(add_vary)
