"""A large synthetic site for benchmarks (`flask --app app seed-bench`).

Bulk inserts with explicit ids in batches: no ORM objects, no round trip per
row. Spreads are meant to look like a real blog: posts over eight years with
busier recent months, one to four categories each from the demo's 137 with a
few favourites, comments bunched on popular posts, a third of them replies.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import sqlalchemy as sa

from .. import dates
from ..caching import bump
from ..extensions import db
from ..markup import text_of
from ..models import Category, Comment, Post, Tag, User, post_categories, post_tags
from ..slugs import slugify

BATCH = 5_000
WORDS = """
mind brain serotonin receptor therapy session integration ceremony clinical
trial research psilocybin mushroom ayahuasca ritual healing trauma memory
perception music art culture history law policy ethics safety harm reduction set
setting guide breath meditation consciousness ego dissolution insight awe nature
forest river ocean light colour pattern vision dream sleep mood anxiety
depression wellbeing community care practice journal reflection question answer
study patient clinician evidence dose microdose legal retreat journey path
experience language story tradition science
""".split()


def seed_bench(posts: int, comments: int, seed: int = 42) -> tuple[int, int]:
    """Add `posts` posts and `comments` comments; returns what was added."""
    rng = random.Random(seed)  # noqa: S311 - reproducible fake content, not secrets
    connection = db.session.connection()
    author_ids = _authors(connection)
    category_ids = _categories(connection)
    tag_ids = _tags(connection)
    first_post = (connection.scalar(sa.select(sa.func.max(Post.id))) or 0) + 1
    now = datetime.now(UTC).replace(microsecond=0)
    span = timedelta(days=8 * 365).total_seconds()
    favourites = category_ids[:10]
    post_ids = []
    with click.progressbar(range(posts), label="posts") as bar:
        rows, links, tag_links = [], [], []
        for n in bar:
            post_id = first_post + n
            # Squared uniform: more posts in recent years than in early ones.
            age = timedelta(seconds=int(span * rng.random() ** 2))
            published = now - age - timedelta(hours=1)
            html = _body(rng)
            rows.append({
                "id": post_id, "type": "post", "status": "published",
                "title": " ".join(rng.choices(WORDS, k=rng.randint(3, 9))).capitalize(),
                "slug": f"bench-post-{post_id}", "password": "", "source": "",
                "format": "html", "content_html": html, "content_text": text_of(html),
                "excerpt": "", "published_at": published,
                "published_local": dates.to_local(published), "created_at": published,
                "modified_at": published, "author_id": rng.choice(author_ids),
                "comments_open": True, "sticky": False, "comment_count": 0,
            })
            chosen = {rng.choice(favourites if rng.random() < 0.3 else category_ids)
                      for _ in range(rng.randint(1, 4))}
            links.extend({"post_id": post_id, "category_id": c} for c in chosen)
            tag_links.extend({"post_id": post_id, "tag_id": t}
                             for t in rng.sample(tag_ids, rng.randint(0, 3)))
            post_ids.append((post_id, published))
            if len(rows) == BATCH or n == posts - 1:
                connection.execute(sa.insert(Post), rows)
                connection.execute(post_categories.insert(), links)
                if tag_links:
                    connection.execute(post_tags.insert(), tag_links)
                rows, links, tag_links = [], [], []
    added = _comments(connection, rng, post_ids, comments)
    _bump_sequences(connection)
    bump(connection)  # bulk inserts bypass the session hook that keeps caches fresh
    return posts, added


def _body(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(2, 6)):
        sentence_count = rng.randint(2, 6)
        sentences = (" ".join(rng.choices(WORDS, k=rng.randint(6, 18))).capitalize() + "."
                     for _ in range(sentence_count))
        paragraphs.append("<p>" + " ".join(sentences) + "</p>")
    return "\n".join(paragraphs)


def _comments(connection, rng, post_ids, total: int) -> int:
    if not post_ids or not total:
        return 0
    first = (connection.scalar(sa.select(sa.func.max(Comment.id))) or 0) + 1
    # Popular posts draw most comments: a Pareto-like weight per post.
    weights = [rng.paretovariate(1.2) for _ in post_ids]
    targets = rng.choices(range(len(post_ids)), weights=weights, k=total)
    counts: dict[int, int] = {}
    by_post: dict[int, list[int]] = {}
    threads: dict[int, int | None] = {}  # comment id -> its top-level comment
    rows = []
    with click.progressbar(range(total), label="comments") as bar:
        for n in bar:
            post_id, published = post_ids[targets[n]]
            comment_id = first + n
            earlier = by_post.setdefault(post_id, [])
            parent = rng.choice(earlier) if earlier and rng.random() < 0.33 else None
            threads[comment_id] = (threads[parent] or parent) if parent else None
            earlier.append(comment_id)
            counts[post_id] = counts.get(post_id, 0) + 1
            rows.append({
                "id": comment_id, "post_id": post_id, "parent_id": parent, "user_id": None,
                "thread_id": threads[comment_id],
                "type": "comment", "status": "approved", "held_reason": "",
                "author_name": f"Reader {rng.randint(1, 5000)}",
                "author_email": f"reader{rng.randint(1, 5000)}@example.org", "author_url": "",
                "content_html": "<p>" + " ".join(rng.choices(WORDS, k=rng.randint(8, 40)))
                + ".</p>",
                "created_at": published + timedelta(minutes=5 + n % 10_000),
                "ip": "127.0.0.1", "user_agent": "seed-bench",
            })
            if len(rows) == BATCH or n == total - 1:
                connection.execute(sa.insert(Comment), rows)
                rows = []
    count_rows = [{"pid": pid, "n": n} for pid, n in counts.items()]
    for start in range(0, len(count_rows), BATCH):
        connection.execute(
            sa.update(Post).where(Post.id == sa.bindparam("pid"))
            .values(comment_count=Post.comment_count + sa.bindparam("n"))
            .execution_options(synchronize_session=False),
            count_rows[start:start + BATCH],
        )
    return total


def _authors(connection) -> list[int]:
    ids = list(connection.scalars(sa.select(User.id).order_by(User.id)))
    if ids:
        return ids
    for n in range(1, 6):
        connection.execute(sa.insert(User).values(
            login=f"bench{n}", display_name=f"Bench Writer {n}", slug=f"bench{n}",
            email=f"bench{n}@example.org", password_hash="", role="author",
            created_at=datetime.now(UTC)))
    return list(connection.scalars(sa.select(User.id).order_by(User.id)))


def _categories(connection) -> list[int]:
    ids = list(connection.scalars(sa.select(Category.id).order_by(Category.id)))
    if ids:
        return ids
    names = Path(__file__).with_name("categories.txt").read_text().splitlines()
    taken: set[str] = set()
    for name in filter(None, names):
        slug, n = slugify(name), 2
        while slug in taken:
            slug, n = f"{slugify(name)}-{n}", n + 1
        taken.add(slug)
        connection.execute(sa.insert(Category).values(
            name=name, sort_key=name.casefold(), slug=slug, description=""))
    return list(connection.scalars(sa.select(Category.id).order_by(Category.id)))


def _tags(connection) -> list[int]:
    ids = list(connection.scalars(sa.select(Tag.id).order_by(Tag.id)))
    if ids:
        return ids
    for word in WORDS[:30]:
        connection.execute(sa.insert(Tag).values(name=word, slug=word, description=""))
    return list(connection.scalars(sa.select(Tag.id).order_by(Tag.id)))


def _bump_sequences(connection):
    """Explicit ids leave PostgreSQL's sequences behind: move them past the max."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("posts", "comments"):
        # Table names come from the tuple above, never from input.
        statement = (
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
        connection.exec_driver_sql(statement)
