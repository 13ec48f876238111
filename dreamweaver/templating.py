"""What every template can use: site settings, dates, permalinks, and each
area's template globals, registered in one place."""

from datetime import datetime

from markupsafe import Markup, escape

from . import dates, reader, security, settings
from .blog import meta, widgets
from .blog.excerpts import summary_of
from .caching import cached_fragment, register_deadline
from .comments.closing import comments_open
from .comments.discussion import comment_tree
from .comments.forms import comment_form_html
from .markup import smart_title
from .menus.header import saved_menu
from .permalinks import comment_page_url, comments_url, post_url
from .settings import general
from .widgets import sidebar


def site_context():
    site = settings.current()
    year = datetime.now(dates.site_zone()).year
    return {
        "site_title": site.site_title,
        "site_tagline": site.site_tagline,
        "footer_html": footer_html(site, year),
        "discourage_search": site.discourage_search,
    }


def footer_html(site, year: int) -> Markup:
    """The footer line the owner set, its placeholders filled in (the HTML was
    cleaned when it was saved; the title is escaped here)."""
    return Markup(site.footer_text.replace(general.YEAR, str(year))  # noqa: S704 - cleaned on save
                  .replace(general.TITLE, str(escape(site.site_title))))


WIDGETS = (
    widgets.nav_pages,
    widgets.recent_posts,
    widgets.recent_comments,
    widgets.archive_months,
    widgets.category_counts,
    widgets.top_categories,
    widgets.month_counts,
    widgets.tag_cloud,
)


def next_new_year(now: datetime) -> datetime:
    """When the footer's year changes: no page rendered before outlives it."""
    zone = dates.site_zone()
    return datetime(now.astimezone(zone).year + 1, 1, 1, tzinfo=zone)


def init_app(app):
    app.context_processor(site_context)
    register_deadline(app, next_new_year)
    app.add_template_global(post_url)
    app.add_template_global(comments_url)
    app.add_template_global(comment_page_url)
    app.add_template_global(meta.page_url)
    app.add_template_global(meta.document_title)
    app.add_template_global(meta.list_title)
    app.add_template_global(meta.summary)
    app.add_template_global(meta.title_prefix)
    app.add_template_global(reader.proxy, "reader")
    app.add_template_global(meta.blog_posting)
    app.add_template_global(summary_of)
    app.add_template_global(comment_tree)
    app.add_template_global(meta.list_nav)
    app.add_template_global(cached_fragment)
    app.add_template_global(comment_form_html)
    app.add_template_global(comments_open)
    app.add_template_global(security.frame_origins)
    app.add_template_global(widgets.sidebar_selection)
    app.add_template_global(widgets.header_selection)
    app.add_template_global(sidebar.sidebar, "sidebar_widgets")
    app.add_template_global(sidebar.of_kind, "sidebar_widgets_of")
    app.add_template_global(saved_menu)
    for widget in WIDGETS:
        app.add_template_global(widget)
    app.add_template_filter(smart_title)
    app.add_template_filter(dates.long_date)
    app.add_template_filter(dates.comment_date)
    app.add_template_global(dates.month_label)
