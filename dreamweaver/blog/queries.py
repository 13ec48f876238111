"""The queries behind each page and widget: small functions that return select()
or run one statement. Each listing is eager-loaded so no page does N+1 queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import defer, load_only, selectinload

from ..extensions import db
from ..models import (
    VISIBLE_STATUSES,
    Category,
    Comment,
    Post,
    Tag,
    User,
    post_categories,
    post_tags,
    utcnow,
)


def is_visible(now=None):
    """The one rule for what readers see: published (or scheduled) and due.
    `now` may be a bind parameter, for statements built once."""
    return sa.and_(Post.status.in_(VISIBLE_STATUSES),
                   Post.published_at <= (utcnow() if now is None else now))


# The stored statuses a post shown as each status can have (Post.status_at):
# the index on status narrows a tab's rows before the rule is tested on each.
STORED_AS = {"published": ("published", "scheduled")}


def shown_as(status: str, now: datetime):
    """Posts the owner sees as `status` at `now`: a due scheduled post is published."""
    return sa.and_(Post.status.in_(STORED_AS.get(status, (status,))),
                   Post.status_at(now) == status)


def status_counts(where, now: datetime) -> dict[str, int]:
    """How many posts matching `where` show as each status at `now` (statuses
    with none left out)."""
    # Counted by stored status, which the index on (type, status) answers
    # without reading a row; then the scheduled posts already due, a handful
    # at most, move to published (Post.status_at). Grouping by status_at
    # itself read every row of the table. The date is tested in the count,
    # not in WHERE: there SQLite took it for the better index and walked
    # every post older than now.
    due = (sa.select(sa.literal("due").label("status"),
                     sa.func.count(sa.case((Post.published_at <= now, 1))))
           .where(where, Post.status == "scheduled"))
    stored = sa.select(Post.status, sa.func.count()).where(where).group_by(Post.status)
    counts = dict(db.session.execute(sa.union_all(stored, due)).all())
    moved = counts.pop("due", 0)
    if moved:
        counts["scheduled"] -= moved
        counts["published"] = counts.get("published", 0) + moved
    return {status: n for status, n in counts.items() if n}


def visible_posts(now: datetime | None = None):
    return sa.select(Post).where(Post.type == "post", is_visible(now))


def public_author(slug: str | None = None, now: datetime | None = None, *,
                  user_id: int | None = None) -> User | None:
    """The author whose archive is /author/<slug>/ (or with that id: WordPress's
    `?author=<id>`), if readers can see a post of theirs: an account that has
    published nothing is not shown to exist."""
    has_posts = visible_posts(now).where(Post.author_id == User.id).exists()
    which = User.slug == slug if user_id is None else User.id == user_id
    return db.session.scalar(sa.select(User).where(which, has_posts))


NEWEST_FIRST = (Post.published_at.desc(), Post.id.desc())
# What a link to a post needs (title and permalink), not its whole text; and
# what a link to a comment on it needs: its comment count (past a page's worth,
# the comment may be on an older page).
LINK_ONLY = load_only(
    Post.id, Post.type, Post.title, Post.slug, Post.password, Post.published_local,
    Post.comment_count, raiseload=True,
)


@dataclass
class Page:
    """One page of a listing, known to have more without counting every row."""

    items: list
    number: int
    has_newer: bool
    has_older: bool


def paginate(query, number: int, per_page: int) -> Page | None:
    """Newest first (ties broken by id, so paging is stable); None past the end.

    The query selects Post first and may add columns (search snippets): then
    items are rows, else posts. `query` may instead be a function
    window(limit, offset) returning the select of those rows in order, or None
    for none (search reads its groups of results one after another).
    """
    if callable(query):
        window = query
    else:
        def window(limit, offset):
            return query.order_by(*NEWEST_FIRST).limit(limit).offset(offset)
    select = window(per_page + 1, (number - 1) * per_page)
    rows = [] if select is None else list(
        db.session.execute(select.options(selectinload(Post.categories))))
    if not rows and number > 1:
        return None
    items = [row if len(row) > 1 else row[0] for row in rows[:per_page]]
    return Page(items, number, number > 1, len(rows) > per_page)


def published_between(start: datetime, end: datetime):
    """Posts whose local publication time falls in [start, end).

    published_local decides; the UTC bounds only narrow the range the listing
    index walks (a local time is never two days from its UTC instant).
    """
    slack = timedelta(days=2)
    # Clamped: two days before 0001-01-01 does not exist (/0001/ is a valid URL).
    earliest = max(start.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC) + slack) - slack
    return sa.and_(
        Post.published_local >= start,
        Post.published_local < end,
        Post.published_at >= earliest,
        Post.published_at < end.replace(tzinfo=UTC) + slack,
    )


def sticky_posts(now: datetime | None = None) -> list[Post]:
    query = visible_posts(now).where(Post.sticky == sa.true()).order_by(*NEWEST_FIRST)
    return list(db.session.scalars(query.options(selectinload(Post.categories))))


def home_posts(now: datetime | None = None):
    """The home stream; sticky posts are left out because they head page 1."""
    return visible_posts(now).where(Post.sticky == sa.false())


# The single post page's lookup runs on every uncached view of a post: built once.
# Categories and tags load only if the article is rendered (not when its cached
# rendering is used).
_POST_BY_SLUG = visible_posts(sa.bindparam("now")).where(Post.slug == sa.bindparam("slug")).options(
    defer(Post.source))  # the Markdown or HTML as written: only the editor shows it


def post_by_slug(slug: str, now: datetime | None = None) -> Post | None:
    return db.session.scalar(_POST_BY_SLUG, {"slug": slug, "now": now or utcnow()})


def page_by_slug(slug: str, now: datetime | None = None) -> Post | None:
    return db.session.scalar(
        sa.select(Post).where(Post.type == "page", Post.slug == slug, is_visible(now))
    )


def adjacent_posts(post: Post, now: datetime | None = None) -> tuple[Post | None, Post | None]:
    """(previous, next) in publication order, ties broken by id as in listings."""
    # The redundant bound on published_at lets the planner start the index
    # walk at this post; the OR alone made both engines scan from the far end.
    older = sa.and_(Post.published_at <= post.published_at, sa.or_(
        Post.published_at < post.published_at,
        sa.and_(Post.published_at == post.published_at, Post.id < post.id),
    ))
    newer = sa.and_(Post.published_at >= post.published_at, sa.or_(
        Post.published_at > post.published_at,
        sa.and_(Post.published_at == post.published_at, Post.id > post.id),
    ))
    linked = visible_posts(now).options(LINK_ONLY)
    previous = db.session.scalar(linked.where(older).order_by(*NEWEST_FIRST).limit(1))
    following = db.session.scalar(
        linked.where(newer).order_by(Post.published_at, Post.id).limit(1)
    )
    return previous, following


# Widgets: one query each, shared by every page's sidebar.


def page_tree():
    """(id, slug, parent_id) of every page, whatever its status: a page's address
    is made of its ancestors' slugs, shown or not (permalinks.page_path)."""
    return db.session.execute(
        sa.select(Post.id, Post.slug, Post.parent_id).where(Post.type == "page"))


def nav_pages(now: datetime | None = None) -> list:
    """(id, slug, parent_id, title, shown) of every page by title; `shown` when
    readers see it. The menu needs the hidden ones too: their slugs are in
    their children's addresses."""
    shown = sa.case((is_visible(now), True), else_=False).label("shown")
    query = (
        sa.select(Post.id, Post.slug, Post.parent_id, Post.title, shown)
        .where(Post.type == "page")
        .order_by(Post.title, Post.id)
    )
    return list(db.session.execute(query))


def recent_posts(limit: int = 5, now: datetime | None = None) -> list[Post]:
    query = visible_posts(now).options(LINK_ONLY).order_by(*NEWEST_FIRST).limit(limit)
    return list(db.session.scalars(query))


def recent_comments(limit: int = 5, now: datetime | None = None):
    """Latest approved comments on posts readers can see and read (not protected)."""
    query = (
        sa.select(Comment.id, Comment.author_name, Comment.author_url, Post)
        .join(Post, Comment.post_id == Post.id)
        .options(LINK_ONLY)
        .where(Comment.status == "approved", is_visible(now), Post.password == "")
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query))


def archive_months(now: datetime | None = None) -> list[tuple[int, int]]:
    """Every (year, month) with a visible post, newest first, by local date.

    A skip scan in one recursive query: from the newest post, jump to the
    newest post before the start of its month, and so on. One index seek per
    month, instead of grouping every post of the site.
    """
    visible = sa.and_(Post.type == "post", is_visible(now))

    def newest_before(bound):
        # Always bounded: the range on published_local is what makes the
        # planner walk the local-date index rather than sort the listing one.
        return (
            sa.select(Post.published_local)
            .where(visible, Post.published_local < bound)
            .order_by(Post.published_local.desc())
            .limit(1)
            .scalar_subquery()
        )

    months = sa.select(newest_before(datetime.max).label("moment")).cte("months", recursive=True)
    months = months.union_all(
        sa.select(newest_before(_month_start(months.c.moment))).where(
            months.c.moment.is_not(None)
        )
    )
    moments = db.session.scalars(sa.select(months.c.moment).where(months.c.moment.is_not(None)))
    found = []
    for moment in moments:
        if isinstance(moment, str):  # SQLite hands back a CTE's datetimes as text
            moment = datetime.fromisoformat(moment)
        found.append((moment.year, moment.month))
    return found


def _month_start(moment):
    """The first instant of the month of a naive local datetime, in SQL."""
    if db.engine.dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m-01 00:00:00", moment)
    return sa.func.date_trunc("month", moment)


def category_counts(now: datetime | None = None):
    """(name, slug, posts) for every category with visible posts, case-insensitively
    ordered: the "Filter by category" choices."""
    posts = sa.func.count(post_categories.c.post_id).label("posts")
    query = (
        sa.select(Category.name, Category.slug, posts)
        .join(post_categories, post_categories.c.category_id == Category.id)
        .join(Post, Post.id == post_categories.c.post_id)
        .where(Post.type == "post", is_visible(now))
        .group_by(Category.id, Category.name, Category.slug, Category.sort_key)
        .order_by(Category.sort_key)
    )
    return list(db.session.execute(query))


def month_counts(now: datetime | None = None) -> dict[tuple[int, int], int]:
    """{(year, month): visible posts} by local date: the Archives widget's
    "Show post counts" (one grouped query, asked only when a widget shows them)."""
    year = sa.extract("year", Post.published_local)
    month = sa.extract("month", Post.published_local)
    query = (
        sa.select(year, month, sa.func.count(Post.id))
        .where(Post.type == "post", is_visible(now))
        .group_by(year, month)
    )
    return {(int(y), int(m)): count for y, m, count in db.session.execute(query)}


def tag_counts(limit: int, now: datetime | None = None):
    """(name, slug, posts) of the `limit` tags with the most visible posts
    (ties: by name): the Tag Cloud's choice."""
    posts = sa.func.count(post_tags.c.post_id).label("posts")
    query = (
        sa.select(Tag.name, Tag.slug, posts)
        .join(post_tags, post_tags.c.tag_id == Tag.id)
        .join(Post, Post.id == post_tags.c.post_id)
        .where(Post.type == "post", is_visible(now))
        .group_by(Tag.id, Tag.name, Tag.slug)
        .order_by(posts.desc(), Tag.name, Tag.id)
        .limit(limit)
    )
    return list(db.session.execute(query))
