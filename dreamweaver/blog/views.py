"""Reader-facing pages: home, single posts and pages, and the archives."""

import functools
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import caching, reader, settings
from ..dates import MAX_YEAR, MIN_YEAR, long_date, month_label
from ..extensions import csrf, limiter
from ..htmx import is_partial, push_url
from ..markup import as_plain_text, smart_title
from ..models import Category, Post, Tag
from ..params import whole_number
from ..permalinks import PERMALINK, page_at, post_at, post_url
from ..sanitize import TooComplex, clean_description
from ..security import is_same_origin
from ..widgets import sidebar
from . import postpass, queries, query_links
from .article import render_article
from .forms import PostPasswordForm, SearchForm
from .front import is_chosen, static_front
from .listings import Loaded, render_listing
from .lookup import archive_subject, visible_post
from .search import highlight, search_posts
from .search_query import clean_query as search_words

bp = Blueprint("blog", __name__)
# A reader who unlocked a protected post sees it; nobody else may be served that page.
bp.record_once(lambda state: caching.register_personal_cookies(state.app, postpass.COOKIE))

# Far past any real listing, and small enough that OFFSET fits in 64 bits.
MAX_PAGE = 10**9
# What a filter form's answer may be rendered as in place, for htmx.
LISTINGS = ("blog.index", "blog.category", "blog.tag", "blog.author", "blog.year",
            "blog.month", "blog.day")


def listing(query, page: int):
    """One page of a listing or 404: page 0, or a page past the end, does not exist.
    `query` is a select of posts (paged newest first) or search's window function."""
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    result = queries.paginate(query, page, settings.current().posts_per_page)
    if result is None:
        abort(404)
    return result


@bp.get("/", defaults={"page": 1})
@bp.get("/page/<int:page>/")
def index(page):
    if request.args.get("preview") == "true":
        shown = _preview()
        if shown is not None:
            return shown
    target = query_links.target(request.args, page)
    if target is not None:
        return _moved(*target)
    if "s" in request.args:
        return search(page)
    return home(page)


def home(page: int):
    """The latest posts; or, with a static front page (front.py), that page, the
    later pages of the posts moving to the posts page's own (WordPress's)."""
    front = static_front()
    if front is None:
        return latest_posts(page, ("blog.index", {}))
    if page == 1:
        return render_article(front.page, reply_to=reply_to_param())
    if front.posts_page is None:
        abort(404)
    return redirect(post_url(front.posts_page, page=page), 301)


def latest_posts(page: int, route: tuple, heading: str | None = None):
    """The latest posts at `route` (endpoint, values), sticky ones heading page 1."""
    set_list_route(route[0], **route[1])

    def load():
        listing_page = listing(queries.home_posts(), page)
        sticky = queries.sticky_posts() if page == 1 else []
        return Loaded(sticky + listing_page.items, listing_page, {})

    return render_listing("blog/archive.html", page, load, heading=heading)


def _preview():
    """WordPress's `/?p=<id>&preview=true` (`page_id` for pages): the post as
    readers would see it, for a signed-in user who may edit it. Anyone else is
    answered as the plain `?p=` link (a 301 to a published post, else 404)."""
    post_id = whole_number(request.args.get("p") or request.args.get("page_id") or "")
    post = reader.current().previewable(post_id)
    return None if post is None else render_article(post, preview=True)


def set_list_route(endpoint: str, **values):
    """The canonical address of the listing being shown, which its paging links
    follow (a filter's answer is rendered under another request's URL)."""
    g.list_route = (endpoint, values)


def _moved(endpoint: str, values: dict):
    """WordPress's query-string address (or a filter form's choice) moves
    permanently to its pretty one; htmx gets a listing at once, with that URL
    pushed to history (the filters swap the list in place)."""
    url = url_for(endpoint, **values)
    if endpoint not in LISTINGS or not is_partial():
        return redirect(url, 301)
    show = home if endpoint == "blog.index" else current_app.view_functions[endpoint]
    return push_url(make_response(show(**values)), url)


def search(page: int):
    words = search_words(SearchForm(request.args).s.data)
    set_list_route("blog.index", s=words)

    def load():
        found = search_posts(words)
        if found is None:
            if page != 1:
                abort(404)
            result = queries.Page([], 1, has_newer=False, has_older=False)
        else:
            result = listing(found, page)
        snippets = {post.id: highlight(snippet) for post, snippet in result.items}
        return Loaded([post for post, _ in result.items], result, snippets)

    return render_listing("blog/archive.html", page, load, kind="search",
                          heading=f"Search Results for: \u201c{words}\u201d")


@bp.get(PERMALINK, defaults={"cpage": None})
@bp.get(PERMALINK + "comment-page-<int:cpage>/")
def post(year, month, day, slug, cpage):
    found = post_at(year, month, day, slug, lookup=_readable_post)
    return render_article(found, cpage=cpage, reply_to=reply_to_param())


def _readable_post(slug: str):
    """The post readers see at `slug`, or the signed-in user's private one."""
    return visible_post(slug) or reader.current().private_post(slug, "post")


@bp.post(PERMALINK)
@csrf.exempt
@limiter.limit("10 per minute")
def unlock(year, month, day, slug):
    return _unlock(post_at(year, month, day, slug))


# `page` is a page of the latest posts, when this page is the posts page
# (front.py); none for every other address of a page. (Its rule's default makes
# it the first url_for tries when given a page, as werkzeug orders rules.)
@bp.get("/<pagepath:path>/", defaults={"cpage": None})
@bp.get("/<pagepath:path>/comment-page-<int:cpage>/")
@bp.get("/<pagepath:path>/page/<int:page>/", defaults={"cpage": None})
def page(path, cpage=None, page=None):
    moved = {"cpage": cpage} if cpage else {"page": page} if page else {}
    found = page_at(path, lookup=_readable_page, **moved)
    front = static_front() if cpage is None and is_chosen(found) else None
    if front is not None and found.id == front.page.id and page is None:
        # The front page lives at / (WordPress redirects its own address there).
        return redirect(url_for("blog.index", **request.args.to_dict(flat=False)), 301)
    if front is not None and front.posts_page is not None and found.id == front.posts_page.id:
        if page == 1:  # the first page of the posts is the page's own address
            return redirect(post_url(found), 301)
        return latest_posts(page or 1, ("blog.page", {"path": path}),
                            heading=smart_title(found.title))
    if page is not None:
        abort(404)
    return render_article(found, cpage=cpage, reply_to=reply_to_param())


def _readable_page(slug: str):
    """The page readers see at `slug`, or the signed-in user's private one."""
    return queries.page_by_slug(slug) or reader.current().private_post(slug, "page")


def reply_to_param() -> int | None:
    """`?replytocom=<id>`: the no-JavaScript Reply link."""
    return whole_number(request.args.get("replytocom"))


@bp.post("/<pagepath:path>/")
@csrf.exempt
@limiter.limit("10 per minute")
def unlock_page(path):
    return _unlock(page_at(path, follow=False))


def _unlock(post: Post):
    """WordPress's postpass: a right password sets the cookie and goes back (303).

    Exempt from the session CSRF token so that protected pages stay cookie-free;
    a cross-site post is refused instead (and could only unlock, never change, data).
    """
    if not post.password:
        abort(405)
    if not is_same_origin():
        abort(403)
    form = PostPasswordForm()
    if form.validate_on_submit() and postpass.is_correct(post, form.post_password.data):
        return postpass.remember(redirect(post_url(post), 303), form.post_password.data)
    if form.post_password.data:
        form.post_password.errors.append("That password is not correct.")
    return render_article(post, password_form=form,
                          status=403 if form.post_password.data else 422)


def archive(query, page: int, heading: str, kind: str, route: tuple, **selected):
    """An archive listing at `route` (endpoint, values); `selected` marks the
    filters' current choice. `query()` builds the select of its posts, only
    when the listing is not cached."""
    set_list_route(route[0], **route[1])

    def load():
        listing_page = listing(query(), page)
        return Loaded(listing_page.items, listing_page, {})

    return render_listing("blog/archive.html", page, load, heading=heading, kind=kind,
                          **selected)


@functools.lru_cache(maxsize=256)
def description_html(description: str) -> str:
    """A category's or tag's description under its archive's heading, as
    WordPress's archive description (cleaned here, where it is shown: stored as
    typed, a few lines, cached by its text)."""
    if not description.strip():
        return ""
    try:
        return clean_description(description)
    except TooComplex:
        return as_plain_text(description)


@bp.get("/category/<slug>/", defaults={"page": 1})
@bp.get("/category/<slug>/page/<int:page>/")
def category(slug, page):
    found = archive_subject("category", slug) or abort(404)
    return archive(
        lambda: queries.visible_posts().where(Post.categories.any(Category.id == found.id)),
        page, f"Category: {found.name}", "category", ("blog.category", {"slug": slug}),
        selected_category=found.slug, archive_description=description_html(found.description))


@bp.get("/tag/<slug>/", defaults={"page": 1})
@bp.get("/tag/<slug>/page/<int:page>/")
def tag(slug, page):
    found = archive_subject("tag", slug) or abort(404)
    return archive(lambda: queries.visible_posts().where(Post.tags.any(Tag.id == found.id)),
                   page, f"Tag: {found.name}", "tag", ("blog.tag", {"slug": slug}),
                   archive_description=description_html(found.description))


@bp.get("/author/<slug>/", defaults={"page": 1})
@bp.get("/author/<slug>/page/<int:page>/")
def author(slug, page):
    found = archive_subject("author", slug) or abort(404)
    # The bio was cleaned by the comment policy when its author saved it.
    return archive(lambda: queries.visible_posts().where(Post.author_id == found.id),
                   page, f"Author: {found.name}", "author", ("blog.author", {"slug": slug}),
                   archive_description=found.description)


@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/", defaults={"page": 1})
@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/page/<int:page>/")
def month(year, month, page):
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        abort(404)
    start = datetime(year, month, 1)
    end = datetime(year + 1, 1, 1) if month == 12 else datetime(year, month + 1, 1)
    return archive(lambda: queries.visible_posts().where(queries.published_between(start, end)),
                   page, f"Month: {month_label(year, month)}", "month",
                   ("blog.month", {"year": year, "month": month}),
                   selected_month=f"{year:04d}{month:02d}")


@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<int(fixed_digits=2):day>/",
        defaults={"page": 1})
@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<int(fixed_digits=2):day>"
        "/page/<int:page>/")
def day(year, month, day, page):
    """One day's posts, as WordPress lists them (its posts live one level down)."""
    try:
        start = datetime(year, month, day)
    except ValueError:
        abort(404)
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    end = start + timedelta(days=1)
    return archive(lambda: queries.visible_posts().where(queries.published_between(start, end)),
                   page, f"Day: {long_date(start)}", "day",
                   ("blog.day", {"year": year, "month": month, "day": day}),
                   selected_month=f"{year:04d}{month:02d}")


@bp.get("/<int(fixed_digits=4):year>/", defaults={"page": 1})
@bp.get("/<int(fixed_digits=4):year>/page/<int:page>/")
def year(year, page):
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    return archive(lambda: queries.visible_posts().where(
        queries.published_between(datetime(year, 1, 1), datetime(year + 1, 1, 1))),
        page, f"Year: {year}", "year", ("blog.year", {"year": year}))


def _widget_partial(kind: str):
    """One widget alone, for its refresh (never pushed to history): the first
    of its kind in the sidebar, or the `n`th. One the owner has since taken
    out of the sidebar answers empty, which takes it off the reader's page."""
    widget = sidebar.find(kind, whole_number(request.args.get("n", "1"), MAX_PAGE) or 0)
    if widget is None:
        return ""
    return render_template(widget.template, widget=widget)


@bp.get("/partials/recent-posts")
def recent_posts_widget():
    return _widget_partial("recent-posts")


@bp.get("/partials/recent-comments")
def recent_comments_widget():
    return _widget_partial("recent-comments")
