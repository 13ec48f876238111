"""What a reader page says about itself: its <title>, a post's title prefix
and summary, its JSON-LD, the URL of another page of a listing, and the
attributes that make a listing's links swap in place."""

from flask import g, request, url_for
from markupsafe import Markup

from .. import settings
from ..markup import smart_title
from ..media.featured import social_image
from ..permalinks import post_url
from .excerpts import excerpt_of


def document_title(*parts) -> str:
    """"Category: Art – Page 2 – Psychedelic Dreamweaver": the <title> of a page."""
    return " \u2013 ".join([str(p) for p in parts if p] + [settings.current().site_title])


def list_title(heading: str | None, number: int) -> str:
    """The <title> of a listing; the home page's first page also says the tagline."""
    site = settings.current()
    if heading or number > 1:
        return document_title(heading, f"Page {number}" if number > 1 else None)
    return f"{site.site_title} \u2013 {site.site_tagline}"


def title_prefix(post) -> str:
    """WordPress's "Protected: " or "Private: " before a title (private posts
    are only ever shown to those who may read them)."""
    if post.password:
        return "Protected: "
    return "Private: " if post.status == "private" else ""


def summary(post, length: int = 160) -> str:
    """The meta description of a post: its excerpt, cut at a word (nothing of a
    protected post)."""
    if post.password:
        return settings.current().site_tagline
    text = excerpt_of(post)
    text = text.removesuffix(" [\u2026]")
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "\u2026"


def blog_posting(post) -> dict:
    """schema.org BlogPosting for a post's JSON-LD."""
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": smart_title(post.title),
        "datePublished": post.published_at.isoformat(),
        "dateModified": post.modified_at.isoformat(),
        "url": post_url(post, _external=True),
        "description": summary(post),
        "publisher": {"@type": "Organization", "name": settings.current().site_title},
    }
    if post.author:
        data["author"] = {"@type": "Person", "name": post.author.display_name}
    image = social_image(post)
    if image:
        data["image"] = {"@type": "ImageObject", "url": image.url, "width": image.width,
                         "height": image.height}
    return data


def page_url(number: int) -> str:
    """The same listing at another page number (page 1 is the listing's own URL)."""
    endpoint, values = g.get("list_route") or (request.endpoint, request.view_args or {})
    values = {name: value for name, value in values.items() if name != "page"}
    return url_for(endpoint, **values, **({"page": number} if number > 1 else {}))


# Attributes for a region whose links and forms swap the listing in place: only
# #content changes, the URL is pushed, a newer request replaces an older one, and
# the indicator shows meanwhile. Each link adds its hx-get. (A Python global, not
# a Jinja macro: importing a macro in a template included once per post costs
# Jinja a scan of the whole context each time.)
LIST_NAV = Markup('hx-target="#content" hx-swap="innerHTML show:window:top" hx-push-url="true" '
                  'hx-sync="#content:replace" hx-indicator="#content-loading"')


def list_nav() -> Markup:
    return LIST_NAV
