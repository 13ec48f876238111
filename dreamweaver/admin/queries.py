"""Queries behind the admin screens."""

import sqlalchemy as sa

from ..blog.queries import status_counts
from ..caching import cached
from ..extensions import db
from ..models import Category, Comment, Media, Post, User, post_categories, utcnow


def owned(kind: str, user):
    """The posts (or pages) `user` manages: everyone's, or an author's own."""
    mine = Post.type == kind
    if not user.can_edit_others:
        mine = sa.and_(mine, Post.author_id == user.id)
    return mine


def scope(user) -> str:
    """Whose content `user`'s counts are of, for a cache key: everyone's, or their own."""
    return "all" if user.can_edit_others else f"user-{user.id}"


def post_counts(kind: str, user) -> dict[str, int]:
    """The status tabs' counts: cached like any value, under the content
    generation and until the next scheduled publication (caching.cached), so
    exact at every moment. `now` is taken inside: a post falling due while
    they are counted makes the value expire at once rather than stay behind."""
    return cached(f"admin:post-counts:{kind}:{scope(user)}",
                  lambda: status_counts(owned(kind, user), utcnow()))


def pending_count(user) -> int:
    """Comments waiting for `user` to moderate: the number in the admin navigation
    (an author moderates comments on their own posts only)."""
    query = sa.select(sa.func.count()).select_from(Comment).where(Comment.status == "pending")
    if not user.can_edit_others:
        query = query.join(Post, Post.id == Comment.post_id).where(Post.author_id == user.id)
    return db.session.scalar(query) or 0


def parent_titles(pages: list[Post]) -> dict[int, str]:
    """{parent id: title} of the parents of `pages`, in one query: the Pages list
    says which page each child sits under (its order is the latest changed)."""
    ids = {page.parent_id for page in pages if page.parent_id}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Post.id, Post.title).where(Post.id.in_(ids))).all())


def parent_choices(page: Post) -> list[tuple[int, str]]:
    """(id, title indented by level) of the pages `page` may be put under, in
    tree order: not itself nor its subpages, not trashed (unless it is the
    current parent). How deep it may go is publishing.parent_refusal's to say."""
    rows = db.session.execute(
        sa.select(Post.id, Post.title, Post.parent_id, Post.status)
        .where(Post.type == "page").order_by(Post.title, Post.id)).all()
    children: dict[int | None, list] = {}
    known = {row.id for row in rows}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in known else None, []).append(row)
    choices = []

    def walk(parent, level):
        for row in children.get(parent, ()):
            if row.id == page.id:
                continue  # neither itself nor anything under it
            if row.status != "trash" or row.id == page.parent_id:
                choices.append((row.id, "\u2014 " * level + (row.title or "(no title)")))
            walk(row.id, level + 1)

    walk(None, 0)
    return choices


def categories_with_counts() -> list:
    """Every category with its number of posts (any status), case-insensitively
    ordered: one query, the counts grouped in a subquery."""
    counts = (
        sa.select(post_categories.c.category_id, sa.func.count().label("posts"))
        .group_by(post_categories.c.category_id)
        .subquery()
    )
    query = (
        sa.select(Category, sa.func.coalesce(counts.c.posts, 0))
        .outerjoin(counts, counts.c.category_id == Category.id)
        .order_by(Category.sort_key, Category.id)
    )
    rows = []
    for category, posts in db.session.execute(query):
        category.post_count = posts
        rows.append(category)
    return rows


def descendants(known, category_id) -> set[int]:
    """Ids of every category under `category_id`, from the loaded list."""
    children = {}
    for c in known:
        children.setdefault(c.parent_id, []).append(c.id)
    found, todo = set(), list(children.get(category_id, ())) if category_id else []
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


def orphan_count(category_id: int) -> int:
    """Posts of this category that have no other one."""
    mine = post_categories.alias("mine")
    other = post_categories.alias("other")
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(mine).where(
            mine.c.category_id == category_id,
            ~sa.exists().where(other.c.post_id == mine.c.post_id,
                               other.c.category_id != category_id)))


def people() -> list:
    """Every account with its number of posts (not pages, not trashed; the
    People screen's count, as WordPress's), by login: one query."""
    counts = (
        sa.select(Post.author_id, sa.func.count().label("posts"))
        .where(Post.type == "post", Post.status != "trash")
        .group_by(Post.author_id)
        .subquery()
    )
    rows = []
    query = (sa.select(User, sa.func.coalesce(counts.c.posts, 0))
             .outerjoin(counts, counts.c.author_id == User.id)
             .order_by(sa.func.lower(User.login), User.id))
    for user, posts in db.session.execute(query):
        user.post_count = posts
        rows.append(user)
    return rows


def post_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(
        Post.author_id == user_id, Post.type == "post", Post.status != "trash")) or 0


def active_administrators(but: int | None = None) -> int:
    """Administrators who can sign in now (a password, not disabled), other
    than `but`: the site must always keep one. Their rows are locked until
    the transaction ends (PostgreSQL), so that two administrators demoting
    each other at once cannot both see the other one still there."""
    query = sa.select(User.id).where(
        User.role == "administrator", User.disabled_at.is_(None), User.password_hash != "")
    if but is not None:
        query = query.where(User.id != but)
    return len(db.session.scalars(query.with_for_update()).all())


def content_of(user_id: int) -> tuple[int, int]:
    """(posts and pages of any status, media) the account owns: what its
    deletion asks about."""
    posts = db.session.scalar(sa.select(sa.func.count()).select_from(Post)
                              .where(Post.author_id == user_id)) or 0
    media = db.session.scalar(sa.select(sa.func.count()).select_from(Media)
                              .where(Media.owner_id == user_id)) or 0
    return posts, media
