"""What every template can use: site settings, dates, permalinks."""

from datetime import datetime

from flask import current_app, g, request, url_for
from markupsafe import Markup

from . import dates, reader
from .blog import widgets
from .blog.excerpts import excerpt_of, summary_of
from .caching import cached_fragment
from .comments.discussion import comment_tree
from .comments.forms import comment_form_html
from .markup import smart_title
from .permalinks import comment_page_url, comments_url, post_url


def site_context():
    config = current_app.config
    return {
        "site_title": config["SITE_TITLE"],
        "site_tagline": config["SITE_TAGLINE"],
        "theme_name": config["THEME_NAME"],
        "current_year": datetime.now(dates.site_zone()).year,
    }


def document_title(*parts) -> str:
    """"Category: Art – Page 2 – Psychedelic Dreamweaver": the <title> of a page."""
    return " \u2013 ".join([str(p) for p in parts if p] + [current_app.config["SITE_TITLE"]])


def list_title(heading: str | None, number: int) -> str:
    """The <title> of a listing; the home page's first page also says the tagline."""
    config = current_app.config
    if heading or number > 1:
        return document_title(heading, f"Page {number}" if number > 1 else None)
    return f"{config['SITE_TITLE']} \u2013 {config['SITE_TAGLINE']}"


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
        return current_app.config["SITE_TAGLINE"]
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
        "publisher": {"@type": "Organization", "name": current_app.config["SITE_TITLE"]},
    }
    if post.author:
        data["author"] = {"@type": "Person", "name": post.author.display_name}
    return data


def page_url(number: int) -> str:
    """The same listing at another page number (page 1 is the listing's own URL)."""
    endpoint, values = g.get("list_route") or (request.endpoint, request.view_args or {})
    return url_for(endpoint, **{**values, "page": number})


# Attributes for a region whose links and forms swap the listing in place: only
# #content changes, the URL is pushed, a newer request replaces an older one, and
# the indicator shows meanwhile. Each link adds its hx-get. (A Python global, not
# a Jinja macro: importing a macro in a template included once per post costs
# Jinja a scan of the whole context each time.)
LIST_NAV = Markup('hx-target="#content" hx-swap="innerHTML show:window:top" hx-push-url="true" '
                  'hx-sync="#content:replace" hx-indicator="#content-loading"')


def list_nav() -> Markup:
    return LIST_NAV


def sidebar_selection() -> str:
    """What the sidebar marks as current (a month or a category): its cache key."""
    here = request.view_args or {}
    if request.endpoint == "blog.month":
        return f"month:{here.get('year')}-{here.get('month')}"
    if request.endpoint == "blog.category":
        return f"category:{here.get('slug')}"
    return ""


def header_selection() -> str | None:
    """What the banner marks as current (Home, or a page in the menu): its cache
    key; None when it shows the reader's own search words."""
    if request.endpoint == "blog.index":
        return None if "s" in request.args else "home"
    if request.endpoint == "blog.page":
        return "page:" + (request.view_args or {}).get("path", "")
    return ""


WIDGETS = (
    widgets.nav_pages,
    widgets.recent_posts,
    widgets.recent_comments,
    widgets.archive_months,
    widgets.category_counts,
    widgets.top_categories,
)


def init_app(app):
    app.context_processor(site_context)
    app.add_template_global(post_url)
    app.add_template_global(comments_url)
    app.add_template_global(comment_page_url)
    app.add_template_global(page_url)
    app.add_template_global(document_title)
    app.add_template_global(list_title)
    app.add_template_global(summary)
    app.add_template_global(title_prefix)
    app.add_template_global(reader.proxy, "reader")
    app.add_template_global(blog_posting)
    app.add_template_global(summary_of)
    app.add_template_global(comment_tree)
    app.add_template_global(list_nav)
    app.add_template_global(cached_fragment)
    app.add_template_global(comment_form_html)
    app.add_template_global(sidebar_selection)
    app.add_template_global(header_selection)
    for widget in WIDGETS:
        app.add_template_global(widget)
    app.add_template_filter(smart_title)
    app.add_template_filter(dates.long_date)
    app.add_template_filter(dates.comment_date)
    app.add_template_global(dates.month_label)
