"""The demo site: our own articles on the seed site's subjects, in every seed category.

Posts are Markdown files with TOML front matter (between `+++` lines) in
posts/, the About page is about.md, reader comments are comments.toml.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from .. import dates, settings
from ..comments.policy import new_comment
from ..extensions import db
from ..models import Category, Comment, Post, Tag, User
from ..publishing import render_post
from ..sanitize import clean_comment
from ..slugs import slugify, unique_slug

HERE = Path(__file__).parent

AUTHORS = (
    # login, display name, role
    ("dreamweaver", "Psychedelic Dreamweaver", "administrator"),
    ("maya", "Maya Lindqvist", "author"),
    ("tomas", "Tomás Okafor", "author"),
)


@dataclass
class Loaded:
    posts: int
    pages: int
    categories: int
    tags: int
    comments: int
    users: int


def read_document(path: Path) -> tuple[dict, str]:
    """Front matter and body of a demo document."""
    _, front, body = path.read_text(encoding="utf-8").split("+++", 2)
    return tomllib.loads(front), body.strip() + "\n"


def load_demo() -> Loaded | None:
    """Add the demo site to the session; None when the database is not empty."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Post)):
        return None
    users = _authors()
    categories = _categories()
    tags: dict[str, Tag] = {}
    posts: dict[str, Post] = {}
    for path in sorted((HERE / "posts").glob("*.md")):
        meta, body = read_document(path)
        post = _post(meta, body, users, "post")
        post.categories = [categories[name] for name in meta["categories"]]
        post.tags = [_tag(name, tags) for name in meta.get("tags", [])]
        posts[path.stem] = post
    about_meta, about_body = read_document(HERE / "about.md")
    _post(about_meta, about_body, users, "page")
    db.session.flush()
    comments = _comments(posts, users)
    return Loaded(len(posts), 1, len(categories), len(tags), comments, len(users))


def _authors() -> dict[str, User]:
    users = {}
    for login, name, role in AUTHORS:
        user = User(login=login, display_name=name, slug=slugify(login), role=role,
                    email=f"{login}@example.org")
        db.session.add(user)
        users[login] = user
    return users


def _categories() -> dict[str, Category]:
    """The seed's categories in its order, so clashing slugs get -2 as there."""
    categories = {}
    names = (HERE / "categories.txt").read_text(encoding="utf-8").splitlines()
    for name in filter(None, names):
        slug = unique_slug(Category.slug, slugify(name))
        category = Category(name=name, slug=slug)
        db.session.add(category)
        db.session.flush()
        categories[name] = category
    return categories


def _tag(name: str, tags: dict[str, Tag]) -> Tag:
    if name not in tags:
        tags[name] = Tag(name=name, slug=slugify(name))
        db.session.add(tags[name])
    return tags[name]


def _post(meta: dict, body: str, users: dict[str, User], kind: str) -> Post:
    local = meta["date"]
    shown = render_post(body, "markdown")
    post = Post(
        type=kind,
        status="published",
        title=meta["title"],
        slug=unique_slug(Post.slug, slugify(meta["title"]), Post.type == kind),
        source=body,
        format="markdown",
        content_html=shown.content_html,
        teaser_html=shown.teaser_html,
        media_used=shown.media,
        excerpt=meta.get("excerpt", ""),
        published_local=local,
        published_at=dates.from_local(local),
        created_at=dates.from_local(local),
        modified_at=dates.from_local(local),
        author=users[meta["author"]],
        sticky=meta.get("sticky", False),
        # Pages too, as the seed site has its About page open to comments.
        comments_open=kind == "page" or settings.current().comments_open_default,
    )
    db.session.add(post)
    db.session.flush()
    return post


def _comments(posts: dict[str, Post], users: dict[str, User]) -> int:
    data = tomllib.loads((HERE / "comments.toml").read_text(encoding="utf-8"))
    by_name = {user.display_name: user for user in users.values()}
    saved: dict[str, Comment] = {}
    for item in data["comment"]:
        post = posts[item["post"]]
        parent = saved.get(item["parent"]) if item["parent"] else None
        author = by_name.get(item["author"])
        # A reader's comment goes through the same rule (parent, thread, count).
        saved[item["key"]] = new_comment(
            parent,
            post_id=post.id,
            user_id=author.id if author else None,
            status="approved",
            author_name=item["author"],
            author_email=item["email"],
            author_url=item["url"],
            content_html=clean_comment(item["content"]),
            created_at=dates.from_local(item["date"]),
        )
    return len(saved)
