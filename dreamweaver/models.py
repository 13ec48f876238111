"""The content model of DESIGN.md as SQLAlchemy 2 typed mappings.

Models hold columns, relationships and tiny domain methods; queries live in
queries.py and commits in the views and commands.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .markup import text_of
from .media.embeds import frame_origins

POST_TYPES = ("post", "page")
POST_STATUSES = ("draft", "pending", "private", "published", "scheduled", "trash")
# What readers may see, once due (queries.is_visible is the whole rule): a
# scheduled post is published from its date on.
VISIBLE_STATUSES = ("published", "scheduled")
SOURCE_FORMATS = ("markdown", "html")
COMMENT_TYPES = ("comment", "pingback", "trackback")
COMMENT_STATUSES = ("pending", "approved", "spam", "trash")
# WordPress's names: an administrator does everything; an editor all posts,
# pages, comments, categories and media, but not people or settings; an author
# their own posts and the comments on them.
ROLES = ("administrator", "editor", "author")
# Who works on everyone's content (WordPress's edit_others_posts).
EDITING_ROLES = ("administrator", "editor")
# Who may stick a post to the front page: WordPress leaves it to editors and
# administrators.
STICKY_ROLES = EDITING_ROLES
# One hashing method for every password, and for the stand-in hash a login for
# a missing account is checked against, so both take the same time.
HASH_METHOD = "scrypt"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite hands back naive values even for DateTime(timezone=True); this
    stores UTC and always returns an aware UTC datetime.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    """A CHECK instead of a native enum: portable and easy to migrate."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=name)


post_categories = sa.Table(
    "post_categories",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_post_categories_category_post", "category_id", "post_id"),
)

post_tags = sa.Table(
    "post_tags",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_post_tags_tag_post", "tag_id", "post_id"),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (one_of("role", ROLES, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(60), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(250))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="")
    role: Mapped[str] = mapped_column(sa.String(20), default="author")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Stamped into each session at login and compared whenever the session is
    # read: moving it on ends every session the account has (auth.py).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # An invited account has no password until its owner follows the invitation.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bio: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Mail for each approved comment on their posts (held ones are always told).
    notify_approved: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the generation."""
        return f"{self.id}:{self.session_generation}"

    def end_sessions(self) -> None:
        """Sign the account out of every browser, copied cookies included."""
        self.session_generation = (self.session_generation or 0) + 1

    def set_password(self, password: str) -> None:
        """A new password ends every session signed in with the old one."""
        self.password_hash = generate_password_hash(password, method=HASH_METHOD)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        """An administrator: people and settings are theirs alone."""
        return self.role == "administrator"

    @property
    def can_edit_others(self) -> bool:
        """Everyone's posts, pages, comments, categories and media."""
        return self.role in EDITING_ROLES

    @property
    def can_make_sticky(self) -> bool:
        return self.role in STICKY_ROLES

    def can_edit(self, post: Post) -> bool:
        """Administrators and editors edit everything; authors their own posts."""
        return self.can_edit_others or post.author_id == self.id

    def can_open_editor(self, post: Post) -> bool:
        """Whether /admin's editor opens `post` for this user: pages are
        administrators' and editors' (WordPress's edit_pages), as /admin/pages/ is."""
        return self.can_edit(post) and (post.type == "post" or self.can_edit_others)

    def __repr__(self) -> str:
        return f"<User {self.login}>"


class Post(db.Model):
    """A post or a page (WordPress keeps both in one table, and so do we)."""

    __tablename__ = "posts"
    __table_args__ = (
        one_of("type", POST_TYPES, "type"),
        one_of("status", POST_STATUSES, "status"),
        one_of("format", SOURCE_FORMATS, "format"),
        sa.UniqueConstraint("type", "slug", name="uq_posts_type_slug"),
        # Listings walk these in date order and test status on each row: readers
        # see two statuses, and an index led by status could not give date order.
        sa.Index("ix_posts_listing", "type", "published_at", "id"),
        sa.Index("ix_posts_local_date", "type", "published_local"),
        sa.Index("ix_posts_author_listing", "author_id", "type", "published_at"),
        # Partial: sticky posts are few, and planners without statistics would
        # not pick a (type, sticky) index for them.
        sa.Index("ix_posts_sticky", "type", "published_at",
                 sqlite_where=sa.text("sticky = 1"), postgresql_where=sa.text("sticky")),
        # The owner's status tabs, most recently edited first.
        sa.Index("ix_posts_status", "type", "status", "modified_at"),
        # The owner's "All" tab (every status but the trash) in the same order.
        sa.Index("ix_posts_modified", "type", "modified_at", "id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(20), default="post")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    slug: Mapped[str] = mapped_column(sa.String(200))
    password: Mapped[str] = mapped_column(sa.String(255), default="")
    source: Mapped[str] = mapped_column(sa.Text, default="")
    format: Mapped[str] = mapped_column(sa.String(20), default="markdown")
    content_html: Mapped[str] = mapped_column(sa.Text, default="")
    # The plain text of content_html, kept with it: what search indexes and
    # automatic excerpts quote.
    content_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    excerpt: Mapped[str] = mapped_column(sa.Text, default="")
    # The HTML before the source's <!--more--> (markup.render_teaser), "" without
    # one: what listings show, as WordPress's theme does.
    teaser_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # published_at is the instant (UTC) that orders posts and decides when a
    # scheduled post shows. published_local is the wall-clock time in the
    # site's timezone at publication, as WordPress's post_date: permalinks and
    # archives use it, so changing SITE_TIMEZONE never breaks an old link.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_local: Mapped[datetime | None] = mapped_column(sa.DateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last edit of the post itself (publishing.save, trash and restore), set
    # there and nowhere else: no onupdate, since a comment count or any other
    # bookkeeping UPDATE of the row is not an edit (JSON-LD dateModified, the
    # sitemap and the admin's order follow this).
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    comments_open: Mapped[bool] = mapped_column(default=True)
    sticky: Mapped[bool] = mapped_column(default=False)
    # Approved comments, kept by the code that changes a comment's status
    # (WordPress's comment_count) so lists never count rows per post.
    comment_count: Mapped[int] = mapped_column(default=0)
    # Likes and boosts from the fediverse and Webmention, kept as comment_count
    # is (federation/reactions.py), so a post page counts no rows.
    like_count: Mapped[int] = mapped_column(default=0, server_default="0")
    boost_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # A page's parent page (WordPress's post_parent): the page lives at
    # /<parent path>/<slug>/ (permalinks.page_path). Deleting a page moves its
    # children up first (publishing.delete); SET NULL only backs that up.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    # WordPress's featured image (_thumbnail_id).
    # use_alter: media refers to posts too (media.post_id); this breaks the cycle
    # when tables are sorted.
    featured_media_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("media.id", ondelete="SET NULL", use_alter=True), index=True)

    author: Mapped[User | None] = relationship(lazy="joined", innerjoin=False)
    featured_media: Mapped[Media | None] = relationship(foreign_keys=[featured_media_id])
    # The media its content shows (media/library.py keeps it with the content).
    media_used: Mapped[list[Media]] = relationship(secondary="post_media")
    categories: Mapped[list[Category]] = relationship(
        secondary=post_categories, back_populates="posts", order_by="Category.sort_key"
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=post_tags, back_populates="posts", order_by="Tag.name"
    )
    old_slugs: Mapped[list[OldSlug]] = relationship(
        back_populates="post", cascade="all, delete-orphan"
    )

    @property
    def has_permalink(self) -> bool:
        """Whether the post has an address (drafts have none yet, trash none any more)."""
        return self.published_local is not None and self.status in (
            "published", "scheduled", "private"
        )

    # A scheduled post is published from the moment it is due, though its stored
    # status stays "scheduled" (nothing runs at that moment to change it): every
    # place that shows or exports a status asks this, in Python or in SQL.
    @hybrid_method
    def status_at(self, now: datetime) -> str:
        if self.status == "scheduled" and self.published_at is not None \
                and self.published_at <= now:
            return "published"
        return self.status

    @status_at.expression
    def status_at(cls, now):  # noqa: N805 (the class, as SQLAlchemy passes it)
        return sa.case(
            (sa.and_(cls.status == "scheduled", cls.published_at <= now), "published"),
            else_=cls.status,
        )

    @property
    def shown_status(self) -> str:
        """The status the owner sees and an export writes, as of now."""
        return self.status_at(utcnow())

    @property
    def embed_origins(self) -> tuple[str, ...]:
        """The video players its click-to-load embeds may frame once a reader
        asks (media/embeds.py): what its page's CSP must allow."""
        return frame_origins(self.content_html)

    @validates("content_html")
    def _keep_text(self, _key, content_html: str) -> str:
        self.content_text = text_of(content_html)
        return content_html

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.slug!r}>"


OLD_SLUG_LENGTH = 200


class OldSlug(db.Model):
    """A slug a post used to have (WordPress's _wp_old_slug), or, from imports
    made before pages had parents, a child page's parent/child path; requests
    for it redirect."""

    __tablename__ = "old_slugs"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(OLD_SLUG_LENGTH), index=True)

    post: Mapped[Post] = relationship(back_populates="old_slugs")


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # lower(name), stored so the case-insensitive order is the same on every
    # database and can use an index; byte order ("C") on PostgreSQL too, whose
    # locales may ignore punctuation (migration 0006).
    sort_key: Mapped[str] = mapped_column(
        sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )

    parent: Mapped[Category | None] = relationship(remote_side=[id])
    posts: Mapped[list[Post]] = relationship(
        secondary=post_categories, back_populates="categories", viewonly=True
    )

    @validates("name")
    def _keep_sort_key(self, _key, name: str) -> str:
        self.sort_key = name.casefold()[:200]  # casefold can lengthen ("ß" -> "ss")
        return name


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")

    posts: Mapped[list[Post]] = relationship(
        secondary=post_tags, back_populates="tags", viewonly=True
    )


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        one_of("type", COMMENT_TYPES, "type"),
        one_of("status", COMMENT_STATUSES, "status"),
        # The thread on a post, and the Recent Comments widget / moderation tabs.
        sa.Index("ix_comments_post_thread", "post_id", "status", "created_at", "id"),
        sa.Index("ix_comments_status_created", "status", "created_at", "id"),
        # One page of threads: its top-level comments, then everything under them.
        sa.Index("ix_comments_post_threads", "post_id", "thread_id"),
        sa.Index("ix_comments_post_roots", "post_id", "created_at", "id",
                 sqlite_where=sa.text("parent_id IS NULL AND status = 'approved'"),
                 postgresql_where=sa.text("parent_id IS NULL AND status = 'approved'")),
        # Flood control (by address) and the moderation rule (by email).
        sa.Index("ix_comments_ip_created", "ip", "created_at"),
        sa.Index("ix_comments_email_status", "author_email", "status"),
        # A remote note's Update and Delete (and one comment per note and post,
        # however often it is delivered), and the moderation rule by actor.
        sa.Index("ux_comments_remote", "remote_id", "post_id", "source", unique=True),
        sa.Index("ix_comments_remote_actor", "remote_actor", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )
    # The top-level comment this one hangs under (None for a top-level one),
    # set once on write, so that a page of threads loads in two queries.
    thread_id: Mapped[int | None] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(sa.String(20), default="comment")
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    held_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    author_name: Mapped[str] = mapped_column(sa.String(250))
    author_email: Mapped[str] = mapped_column(sa.String(254), default="")
    author_url: Mapped[str] = mapped_column(sa.String(500), default="")
    # Stored already cleaned by the comment policy (sanitize once, on write).
    content_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(255), default="")
    # Where a comment came from when not from our form: "fediverse" (a reply
    # note; remote_id is its id, remote_actor who wrote it) or "webmention"
    # (remote_id is the page that mentions us; remote_actor the origin that
    # served it and the author its h-card names, "https://host https://author").
    source: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    remote_id: Mapped[str | None] = mapped_column(sa.String(1000))
    remote_actor: Mapped[str] = mapped_column(sa.String(1000), default="", server_default="")
    # Their avatar, fetched and made small (federation/avatars.py): a media key.
    avatar_key: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")

    post: Mapped[Post] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id])


class SiteState(db.Model):
    """Counters the whole site shares; `content` goes up with every change readers
    could see, and every cached fragment is keyed by it (caching)."""

    __tablename__ = "site_state"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


MEDIA_STATES = ("processing", "ready", "failed")

post_media = sa.Table(
    "post_media",
    db.metadata,
    # Which media a post's content shows (media/library.py keeps it on every save):
    # where an image is used, and which posts to render again when its variants
    # are ready.
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("media_id", sa.ForeignKey("media.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_post_media_media_post", "media_id", "post_id"),
)


class Media(db.Model):
    """An uploaded image: its original (orientation applied, personal metadata
    removed) under a generated storage key, and the variants made from it."""

    __tablename__ = "media"
    __table_args__ = (one_of("state", MEDIA_STATES, "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Where the original is stored, e.g. "2026/12/5f3a9c0e1b2d4a68.jpg": made by
    # us, never from what the uploader sent.
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255), default="")
    mime: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size: Mapped[int] = mapped_column(sa.BigInteger)
    animated: Mapped[bool] = mapped_column(default=False)
    alt: Mapped[str] = mapped_column(sa.String(1000), default="")
    caption: Mapped[str] = mapped_column(sa.String(2000), default="")
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    # [{"width": 640, "height": 427, "format": "webp", "key": "...", "size": 51234}, ...]
    variants: Mapped[list] = mapped_column(sa.JSON, default=list)
    state: Mapped[str] = mapped_column(sa.String(20), default="processing")
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The post it was uploaded to (WordPress's post_parent of an attachment):
    # a [gallery] without ids shows the images attached to its post.
    post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    # The path under wp-content/uploads/ it had on a WordPress site, whose old
    # URLs answer with a redirect here.
    source_path: Mapped[str | None] = mapped_column(sa.String(500), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    owner: Mapped[User | None] = relationship()


class ImportedMedia(db.Model):
    """The media that WordPress attachment `wp_id` of the site `source` became."""

    __tablename__ = "imported_media"

    source: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    wp_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    media_id: Mapped[int] = mapped_column(
        sa.ForeignKey("media.id", ondelete="CASCADE"), index=True)


class ImportedPost(db.Model):
    """The post or page that WordPress item `wp_id` of the site `source` became
    (wxr/ids.py): re-imports update it, and its old /?p= id still leads to it."""

    __tablename__ = "imported_posts"
    __table_args__ = (sa.Index("ix_imported_posts_wp_id", "wp_id"),)

    source: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    wp_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)


class ImportedComment(db.Model):
    """The comment that WordPress comment `wp_id` of the site `source` became."""

    __tablename__ = "imported_comments"

    source: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    wp_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True)


MAIL_STATUSES = ("queued", "sent", "failed")


class OutboxMessage(db.Model):
    """One email, written in the transaction of the event that causes it and
    kept until a mail server has taken it (mail/outbox.py)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        one_of("status", MAIL_STATUSES, "status"),
        sa.Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        # The throttles ask what one address was sent of one kind lately.
        sa.Index("ix_mail_outbox_recipient", "to_address", "kind", "created_at"),
        sa.Index("ix_mail_outbox_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    # Headers beyond the ones every message has (Reply-To, List-Unsubscribe, ...).
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class ReplySubscriber(db.Model):
    """An address a reader asked reply notifications at (the comment form's
    `subscribe` box), and whether its owner confirmed it. Until confirmed_at is
    set, nothing but the confirmation is ever sent to it (comments/subscriptions.py)."""

    __tablename__ = "reply_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalized (mail/addresses.py), so the same address is one row.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one-confirmation-a-day throttle asks this.
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReplySubscription(db.Model):
    """A subscriber's wish to hear of replies to one comment (the one they wrote
    with the box ticked). Stopping keeps the row, so the unsubscribe link in an
    old mail still answers "you are unsubscribed" rather than "not valid"."""

    __tablename__ = "reply_subscriptions"
    __table_args__ = (sa.UniqueConstraint("subscriber_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reply_subscribers.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscriber: Mapped[ReplySubscriber] = relationship()
    comment: Mapped[Comment] = relationship()


class ReplyNotice(db.Model):
    """A reply a subscription was told of: each reply is mailed once, however
    often a moderator approves, unapproves and approves it again."""

    __tablename__ = "reply_notices"

    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reply_subscriptions.id", ondelete="CASCADE"), primary_key=True)
    reply_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
class TwoFactor(db.Model):
    """An account's two-factor sign-in (TOTP, two_factor.py): the row exists
    while it is on. The secret is sealed (sealed.py), never stored in clear."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    secret: Mapped[str] = mapped_column(sa.String(255))
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The time step (Unix time // 30) of the last code accepted: a code of that
    # step or an earlier one is refused, so an overheard code cannot be replayed.
    last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    # user.two_factor: the row or None (a backref keeps User's class as it was).
    user: Mapped[User] = relationship(
        backref=backref("two_factor", uselist=False, passive_deletes=True))


class RecoveryCode(db.Model):
    """One of an account's one-time recovery codes, as a SHA-256 hash (the codes
    are 80 random bits: a fast hash is enough). Using it deletes the row."""

    __tablename__ = "recovery_codes"
    __table_args__ = (sa.UniqueConstraint("user_id", "code_hash",
                                          name="uq_recovery_codes_user_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(sa.String(64))


class ModerationNotice(db.Model):
    """A held comment that one moderator is still to be told of by mail: written
    when the comment is held, removed when the email that tells of it is
    written (comments/notices.py sends at most one per ten minutes per person,
    so what arrives meanwhile waits here)."""

    __tablename__ = "moderation_notices"
    __table_args__ = (sa.UniqueConstraint("user_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteSetting(db.Model):
    """One group of the settings that shape the site (general, reading,
    discussion, the menu, the widgets), as the owner last saved it in /admin.
    A group never saved has no row: configuration gives its values (settings/)."""

    __tablename__ = "site_settings"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SettingsChange(db.Model):
    """One saved change of a settings group: who, when, the whole group before
    and after, so any earlier version can be put back (settings/store.py)."""

    __tablename__ = "settings_changes"
    __table_args__ = (sa.Index("ix_settings_changes_name_id", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    before: Mapped[dict] = mapped_column(sa.JSON)
    after: Mapped[dict] = mapped_column(sa.JSON)
    # The change it undid, for "Put back" (None for a change made in a form).
    restored_from: Mapped[int | None] = mapped_column(sa.Integer)

    user: Mapped[User | None] = relationship()
