"""Rendered pieces of a page that are the same for every reader, cached per
content generation (freshness.py), so pages the page cache cannot serve (a
reader with cookies, the first reader after a write) still skip the costly
parts: the sidebar's few hundred links and a post's comment threads.

In a template: {% call cached_fragment("sidebar", selection) %}...{% endcall %}.
Only what depends on nothing but the site's content may go in one.
"""

from markupsafe import Markup

from .freshness import cached


def cached_fragment(*key, caller):
    # caller() is the template's own output, escaped by Jinja when it was
    # rendered; the cache only gives the same markup back.
    return Markup(cached("fragment:" + ":".join(str(part) for part in key),  # noqa: S704
                         lambda: str(caller())))
