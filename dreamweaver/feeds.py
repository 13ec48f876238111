"""For feed readers and search engines: RSS 2.0 and Atom 1.0 feeds as WordPress
serves them, the sitemap (an index of sitemap pages past SITEMAP_PAGE_SIZE URLs) and robots.txt.

Password-protected posts are left out of every feed and of the sitemap, and
comments on them out of the comment feeds: nothing here asks for a password.
The XML is built with ElementTree, which escapes every text and attribute.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from sqlalchemy.orm import selectinload

from . import settings
from .blog import queries
from .blog.excerpts import excerpt_of
from .caching import cached
from .comments.discussion import comment_links
from .extensions import db
from .markup import auto_excerpt, smart_title, text_of
from .media.embeds import as_links
from .media.pictures import for_feed
from .models import Category, Comment, Post, Tag, post_categories, utcnow
from .permalinks import PERMALINK, page_at, page_path, post_at, post_url

bp = Blueprint("feeds", __name__)

# As WordPress: 2,000 URLs a page is built in milliseconds; the protocol allows
# 50,000, which took a worker over a second of CPU on every cache miss.
SITEMAP_PAGE_SIZE = 2_000
LANGUAGE = "en"  # as <html lang> says
MAX_AGE = 300
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"

NS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "atom": "http://www.w3.org/2005/Atom",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "thr": "http://purl.org/syndication/thread/1.0",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# RSS


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _add(parent, tag: str, text=None, **attributes):
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = _NOT_XML.sub("", str(text))
    return element


def rfc822(moment: datetime) -> str:
    """"Mon, 15 Jan 2024 12:00:00 +0000", RSS's date (from an aware UTC datetime)."""
    return format_datetime(moment)


def _channel(title: str, link: str, description: str, built: datetime | None):
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _add(rss, "channel")
    _add(channel, "title", title)
    _add(channel, _q("atom", "link"), href=request.base_url, rel="self",
         type="application/rss+xml")
    _add(channel, "link", link)
    _add(channel, "description", description)
    _add(channel, "lastBuildDate", rfc822(built or utcnow()))
    _add(channel, "language", LANGUAGE)
    _add(channel, _q("sy", "updatePeriod"), "hourly")
    _add(channel, _q("sy", "updateFrequency"), "1")
    return rss, channel


def _xml(rss) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode")


def _public(response: Response) -> Response:
    """The same for every reader: cacheable by anyone for a few minutes."""
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


def _shared(content_type: str, build) -> Response:
    """The document build() makes, kept for this content generation (caching).

    Keyed by host and path, as the links in it are absolute; a 404 raised
    while building is not kept.
    """
    body = cached(f"feeds:{request.host_url}:{request.path}", build)
    return _public(Response(body, content_type=content_type))


def _guid(post) -> str:
    """WordPress's guid: the post's plain `?p=<id>` link."""
    return url_for("blog.index", p=post.id, _external=True)


@bp.app_template_global()
def post_feed_url(post, **values) -> str:
    """`<permalink>feed/`: the RSS of the comments on one post or page."""
    if post.type == "page":
        return url_for("feeds.page_comments", path=page_path(post), **values)
    local = post.published_local
    return url_for("feeds.post_comments", year=local.year, month=local.month, day=local.day,
                   slug=post.slug, **values)


def _latest_posts(*where):
    query = (
        queries.visible_posts()
        .where(Post.password == "", *where)
        .options(selectinload(Post.categories), selectinload(Post.tags))
        .order_by(*queries.NEWEST_FIRST)
        .limit(settings.current().posts_per_rss)
    )
    return list(db.session.scalars(query))


def _post_feed(title: str, link: str, description: str, posts) -> str:
    full_text = settings.current().feed_full_text
    built = max((post.modified_at for post in posts), default=None)
    rss, channel = _channel(title, link, description, built)
    for post in posts:
        item = _add(channel, "item")
        permalink = post_url(post, _external=True)
        _add(item, "title", smart_title(post.title))
        _add(item, "link", permalink)
        _add(item, "comments", permalink + "#comments")
        _add(item, _q("dc", "creator"), post.author.display_name if post.author else "")
        _add(item, "pubDate", rfc822(post.published_at))
        for term in (*post.categories, *post.tags):
            _add(item, "category", term.name)
        _add(item, "guid", _guid(post), isPermaLink="false")
        _add(item, "description", excerpt_of(post))
        if full_text:  # else the excerpt alone, as WordPress's "Excerpt" (rss_use_excerpt)
            # A feed reader runs no script and frames nothing: a video is its link.
            _add(item, _q("content", "encoded"),
                 for_feed(as_links(post.content_html), request.host_url))
        _add(item, _q("wfw", "commentRss"), post_feed_url(post, _external=True))
        _add(item, _q("slash", "comments"), post.comment_count)
    return _xml(rss)


@bp.get("/feed/")
def posts():
    site = settings.current()
    return _shared(RSS_TYPE, lambda: _post_feed(
        site.site_title, url_for("blog.index", _external=True), site.site_tagline,
        _latest_posts(),
    ))


@bp.get("/category/<slug>/feed/")
def category(slug):
    return _shared(RSS_TYPE, lambda: _category_feed(slug))


@bp.get("/tag/<slug>/feed/")
def tag(slug):
    return _shared(RSS_TYPE, lambda: _tag_feed(slug))


def _tag_feed(slug: str) -> str:
    found = db.session.scalar(sa.select(Tag).where(Tag.slug == slug)) or abort(404)
    site = settings.current()
    return _post_feed(
        f"{site.site_title} \u00bb {found.name}",
        url_for("blog.tag", slug=found.slug, _external=True), site.site_tagline,
        _latest_posts(Post.tags.any(Tag.id == found.id)),
    )


@bp.get("/author/<slug>/feed/")
def author(slug):
    return _shared(RSS_TYPE, lambda: _author_feed(slug))


def _author_feed(slug: str) -> str:
    # The archive's rule: an account with no post readers can see has no feed.
    found = queries.public_author(slug) or abort(404)
    site = settings.current()
    return _post_feed(
        f"{site.site_title} \u00bb Posts by {found.display_name}",
        url_for("blog.author", slug=found.slug, _external=True), site.site_tagline,
        _latest_posts(Post.author_id == found.id),
    )


def _category_feed(slug: str) -> str:
    found = db.session.scalar(sa.select(Category).where(Category.slug == slug)) or abort(404)
    site = settings.current()
    return _post_feed(
        f"{site.site_title} \u00bb {found.name}",
        url_for("blog.category", slug=found.slug, _external=True),
        found.description or site.site_tagline,
        _latest_posts(Post.categories.any(Category.id == found.id)),
    )


# Atom


@bp.get("/feed/atom/")
def atom():
    return _shared(ATOM_TYPE, _atom_feed)


def _atom(parent, name: str, text=None, **attributes):
    # Here names and titles land in attributes too: cleaned as texts are.
    cleaned = {key: _NOT_XML.sub("", value) for key, value in attributes.items()}
    return _add(parent, name, text, **cleaned)


def _atom_feed() -> str:
    """The latest posts as Atom 1.0, as WordPress's /feed/atom/: the same posts as /feed/."""
    site = settings.current()
    posts = _latest_posts()
    home = url_for("blog.index", _external=True)
    # Atom's names unprefixed, as feed readers expect: the namespace is declared
    # as a plain attribute (ElementTree's default_namespace refuses plain attributes).
    root = ET.Element("feed", {"xmlns": NS["atom"], XML_LANG: LANGUAGE})
    _atom(root, "title", site.site_title, type="text")
    _atom(root, "subtitle", site.site_tagline, type="text")
    _atom(root, "updated", _w3c(max((post.modified_at for post in posts), default=utcnow())))
    _atom(root, "link", rel="alternate", type="text/html", href=home)
    _atom(root, "id", request.base_url)
    _atom(root, "link", rel="self", type="application/atom+xml", href=request.base_url)
    for post in posts:
        entry = _atom(root, "entry")
        # Atom asks every entry for an author: the site stands in for a post without one.
        _atom(_atom(entry, "author"), "name",
              post.author.display_name if post.author else site.site_title)
        _atom(entry, "title", smart_title(post.title), type="text")
        _atom(entry, "link", rel="alternate", type="text/html", href=post_url(post, _external=True))
        _atom(entry, "id", _guid(post))
        _atom(entry, "updated", _w3c(post.modified_at))
        _atom(entry, "published", _w3c(post.published_at))
        for term in (*post.categories, *post.tags):
            _atom(entry, "category", term=term.name)
        _atom(entry, "summary", post.excerpt or auto_excerpt(post.content_text), type="text")
        if site.feed_full_text:
            _atom(entry, "content", for_feed(as_links(post.content_html), request.host_url),
                  type="html")
        _atom(entry, "link", rel="replies", type="application/rss+xml",
              href=post_feed_url(post, _external=True),
              **{_q("thr", "count"): str(post.comment_count)})
    return _xml(root)


def _w3c(moment: datetime) -> str:
    """"2024-01-15T12:00:00+00:00", Atom's date (from an aware UTC datetime)."""
    return moment.isoformat(timespec="seconds")


def _comment_feed(title: str, link: str, description: str, rows, on_site: bool) -> str:
    built = max((comment.created_at for comment, _ in rows), default=None)
    rss, channel = _channel(title, link, description, built)
    links = comment_links(((comment.id, post) for comment, post in rows), _external=True)
    for (comment, post), link in zip(rows, links, strict=True):
        item = _add(channel, "item")
        _add(item, "title", f"Comment on {smart_title(post.title)} by {comment.author_name}"
             if on_site else f"By: {comment.author_name}")
        _add(item, "link", link)
        _add(item, _q("dc", "creator"), comment.author_name)
        _add(item, "pubDate", rfc822(comment.created_at))
        _add(item, "guid", _guid(post) + f"#comment-{comment.id}", isPermaLink="false")
        _add(item, "description", auto_excerpt(text_of(comment.content_html)))
        _add(item, _q("content", "encoded"), comment.content_html)
    return _xml(rss)


def _latest_comments(*where):
    query = (
        sa.select(Comment, Post)
        .join(Post, Comment.post_id == Post.id)
        .options(queries.LINK_ONLY)
        .where(Comment.status == "approved", queries.is_visible(), Post.password == "", *where)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(settings.current().posts_per_rss)
    )
    return list(db.session.execute(query))


@bp.get("/comments/feed/")
def comments():
    site = settings.current()
    return _shared(RSS_TYPE, lambda: _comment_feed(
        f"Comments for {site.site_title}", url_for("blog.index", _external=True),
        site.site_tagline, _latest_comments(), on_site=True,
    ))


def _comments_on(post: Post) -> str:
    # A protected post's feed is an empty channel, as if it had no comments.
    rows = [] if post.password else _latest_comments(Post.id == post.id)
    return _comment_feed(f"Comments on: {smart_title(post.title)}", post_url(post, _external=True),
                         settings.current().site_tagline, rows, on_site=False)


@bp.get(PERMALINK + "feed/")
def post_comments(year, month, day, slug):
    found = post_at(year, month, day, slug, follow=False)
    if found.slug != slug or found.published_local.date() != date(year, month, day):
        return redirect(post_feed_url(found), 301)  # an old slug or date: where it lives now
    return _shared(RSS_TYPE, lambda: _comments_on(found))


@bp.get("/<pagepath:path>/feed/")
def page_comments(path):
    found = page_at(path, follow=False)
    if page_path(found) != path:
        return redirect(post_feed_url(found), 301)  # a flat or old path: where it lives now
    return _shared(RSS_TYPE, lambda: _comments_on(found))


# Sitemap


def _page_size() -> int:
    return int(current_app.config.get("SITEMAP_PAGE_SIZE", SITEMAP_PAGE_SIZE))


def _entries_visible():
    return sa.and_(queries.is_visible(), Post.password == "")


def _category_entries():
    """(slug, lastmod) of every category with visible posts, case-insensitively ordered."""
    return (
        sa.select(Category.slug, sa.func.max(Post.modified_at).label("lastmod"))
        .join(post_categories, post_categories.c.category_id == Category.id)
        .join(Post, Post.id == post_categories.c.post_id)
        .where(Post.type == "post", queries.is_visible())
        .group_by(Category.id, Category.slug, Category.sort_key)
    )


def _counts() -> tuple[int, datetime | None, int]:
    """(posts and pages, the newest modification among them, categories)."""
    entries, newest = db.session.execute(
        sa.select(sa.func.count(Post.id), sa.func.max(Post.modified_at))
        .where(_entries_visible())
    ).one()
    categories = db.session.scalar(
        sa.select(sa.func.count()).select_from(_category_entries().subquery())
    )
    return entries, newest, categories


def _moment(value) -> datetime | None:
    if isinstance(value, str):  # SQLite hands back an aggregate's datetime as text
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


# A post's page shows its approved comments, so its lastmod is the later of its
# last edit and its newest approved comment (docs/decisions.md, "A comment is not
# an edit"); listings show posts, not comments, and follow edits only.
LATEST_COMMENT = (
    sa.select(sa.func.max(Comment.created_at))
    .where(Comment.post_id == Post.id, Comment.status == "approved")
    .correlate(Post).scalar_subquery()
)


def _page_lastmod(row) -> datetime | None:
    return max(filter(None, (_moment(row.modified_at), _moment(row.latest_comment))),
               default=None)


def _url(loc: str, lastmod) -> str:
    lastmod = _moment(lastmod)
    stamp = f"<lastmod>{lastmod.isoformat(timespec='seconds')}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(loc)}</loc>{stamp}</url>\n"


def _urls(start: int, stop: int, counts) -> list[str]:
    """The sitemap's URLs [start, stop): the home page, categories, then posts and pages
    by id; only the rows of that window are read, and only the columns a URL needs."""
    entries, newest, categories = counts
    urls = []
    if start == 0 and stop > 0:
        urls.append(_url(url_for("blog.index", _external=True), newest))
    first, last = max(start - 1, 0), max(min(stop - 1, categories), 0)
    if first < last:
        rows = db.session.execute(
            _category_entries().order_by(Category.sort_key, Category.id)
            .offset(first).limit(last - first)
        )
        urls += [_url(url_for("blog.category", slug=row.slug, _external=True), row.lastmod)
                 for row in rows]
    first, last = max(start - 1 - categories, 0), max(min(stop - 1 - categories, entries), 0)
    if first < last:
        rows = db.session.execute(
            sa.select(Post.id, Post.type, Post.slug, Post.published_local, Post.modified_at,
                      LATEST_COMMENT.label("latest_comment"))
            .where(_entries_visible()).order_by(Post.id).offset(first).limit(last - first)
        )
        urls += [_url(post_url(row, _external=True), _page_lastmod(row)) for row in rows]
    return urls


def _sitemap_document(root: str, children: list[str]) -> str:
    """A <urlset> or <sitemapindex> of already escaped children."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{SITEMAP_NS}">\n'
            f'{"".join(children)}</{root}>\n')


@bp.get("/sitemap.xml")
def sitemap():
    return _shared(XML_TYPE, _sitemap)


def _sitemap() -> str:
    counts = _counts()
    total, size = 1 + counts[0] + counts[2], _page_size()
    if total <= size:
        return _sitemap_document("urlset", _urls(0, total, counts))
    pages = [
        f"<sitemap><loc>{escape(url_for('feeds.sitemap_page', number=n, _external=True))}"
        "</loc></sitemap>\n"
        for n in range(1, math.ceil(total / size) + 1)
    ]
    return _sitemap_document("sitemapindex", pages)


@bp.get("/sitemap-<int:number>.xml")
def sitemap_page(number):
    """One page of a sitemap too big for one file; none while /sitemap.xml holds all."""
    return _shared(XML_TYPE, lambda: _sitemap_page(number))


def _sitemap_page(number: int) -> str:
    counts = _counts()
    total, size = 1 + counts[0] + counts[2], _page_size()
    if total <= size or not 1 <= number <= math.ceil(total / size):
        abort(404)
    return _sitemap_document("urlset", _urls((number - 1) * size, min(number * size, total),
                                             counts))


@bp.get("/robots.txt")
def robots():
    if settings.current().discourage_search:
        # WordPress's answer while its owner discourages search engines.
        return _public(Response("User-agent: *\nDisallow: /\n",
                                content_type="text/plain; charset=utf-8"))
    lines = [
        "User-agent: *",
        f"Disallow: {url_for('admin.index')}",
        "Disallow: /partials/",
        "",
        f"Sitemap: {url_for('feeds.sitemap', _external=True)}",
        "",
    ]
    return _public(Response("\n".join(lines), content_type="text/plain; charset=utf-8"))
