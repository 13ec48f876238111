"""The full-page-or-fragment rule of DESIGN.md, in one place.

Views never read HX-* headers themselves: if htmx's protocol changes, only
this module does.
"""

import json

from flask import g, render_template, request
from markupsafe import Markup

VARY_ON = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")

# htmx's settings (its <meta name="htmx-config">, the same on the site and in
# /admin). What keeps the CSP (`style-src 'self'`) clean: no indicator <style>
# of htmx's own (site.css has the rules), and no "style" among the attributes
# htmx settles. htmx copies a settled attribute from the old element to its
# replacement with setAttribute, which the CSP refuses for style: a textarea
# the reader resized, or the inputs a password manager decorates, logged one
# violation each on every comment swap (8 with the comment form).
HTMX_CONFIG = {
    "historyRestoreAsHxRequest": False,
    "historyCacheSize": 0,
    "refreshOnHistoryMiss": True,
    "includeIndicatorStyles": False,
    "attributesToSettle": ["class", "width", "height"],
    "allowEval": False,
    "allowScriptTags": False,
    "selfRequestsOnly": True,
    "timeout": 15000,
    "scrollIntoViewOnBoost": False,
    # Given here, the list replaces htmx's own: 204 and 2xx/3xx repeated, and
    # 4xx/5xx bodies swapped into their target so errors are seen.
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "[45]..", "swap": True, "error": True},
        {"code": "...", "swap": False},
    ],
}
# Our constant's JSON holds no "'", "<" or "&": as it is, it fits a
# single-quoted attribute.
_HTMX_CONFIG_JSON = Markup(json.dumps(HTMX_CONFIG, separators=(",", ":")))  # noqa: S704


def htmx_config() -> Markup:
    return _HTMX_CONFIG_JSON


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
    app.add_template_global(htmx_config)
