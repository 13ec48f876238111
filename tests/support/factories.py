"""Content rows for tests (Factory), and the database emptied between tests."""

import functools
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dreamweaver.comments.policy import new_comment
from dreamweaver.extensions import db
from dreamweaver.models import Category, Post, Tag, User
from dreamweaver.publishing import render_post
from dreamweaver.slugs import slugify, unique_slug


def empty_database(app):
    """Every row gone but site_state's, which the migration made, like the schema."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "site_state":
                    connection.execute(table.delete())


def in_app_context(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.app.app_context():
            return method(self, *args, **kwargs)

    return wrapper


class Factory:
    """Makes content rows with sensible defaults, committed so requests see them.

    Each call runs in its own app context, so no test holds one open while it
    makes requests (which would share g and the session with them).
    """

    def __init__(self, app):
        self.app = app
        self.clock = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)


    @in_app_context
    def user(self, login="writer", display_name=None, role="author", **fields):
        user = User(login=login, display_name=display_name or login.title(),
                    slug=fields.pop("slug", None) or slugify(login), role=role, **fields)
        return self._save(user)

    @in_app_context
    def account(self, login, role="author", password="correct horse battery"):
        """A user who can sign in (created once; later calls return the same one)."""
        user = db.session.scalar(sa.select(User).where(User.login == login))
        if user is None:
            user = User(login=login, display_name=login.title(), slug=slugify(login), role=role)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
        return user

    @in_app_context
    def category(self, name, **fields):
        return self._save(Category(name=name, slug=unique_slug(Category.slug, slugify(name)),
                                   **fields))

    @in_app_context
    def tag(self, name):
        return self._save(Tag(name=name, slug=slugify(name)))

    @in_app_context
    def post(self, title="A post", *, published_at=None, kind="post", source=None,
             categories=(), tags=(), author=None, **fields):
        from dreamweaver import dates

        if published_at is None:
            self.clock -= timedelta(hours=1)
            published_at = self.clock
        source = source if source is not None else f"Body of {title}."
        shown = render_post(source, "markdown")
        post = Post(
            type=kind,
            status=fields.pop("status", "published"),
            title=title,
            slug=fields.pop("slug", None) or unique_slug(Post.slug, slugify(title),
                                                          Post.type == kind),
            source=source,
            content_html=shown.content_html,
            media_used=shown.media,
            teaser_html=shown.teaser_html,
            published_at=published_at,
            published_local=dates.to_local(published_at),
            # merge() leaves the caller's objects detached and readable after commit.
            author=db.session.merge(author) if author else None,
            categories=[db.session.merge(c) for c in categories],
            tags=[db.session.merge(t) for t in tags],
            **fields,
        )
        return self._save(post)

    @in_app_context
    def comment(self, post, author_name="Reader", content="<p>Nice.</p>", parent=None,
                status="approved", created_at=None, **fields):
        # The one way a comment is stored (thread, depth, count), as the site does.
        comment = new_comment(parent, post_id=post.id, author_name=author_name,
                              content_html=content, status=status,
                              created_at=created_at or datetime.now(UTC), **fields)
        return self._save(comment)

    @in_app_context
    def media(self, name="photo.jpg", data=None, owner=None, **fields):
        """An uploaded image (a JPEG by default), stored with its variants made."""
        import io

        from dreamweaver.media import library
        from dreamweaver.media.images import accept
        from tests.support.images import jpeg

        accepted = accept(io.BytesIO(data if data is not None else jpeg(800, 600)),
                          self.app.config["MEDIA_MAX_PIXELS"])
        fields.setdefault("title", name.rsplit(".", 1)[0])
        media = library.add(accepted, original_name=name,
                            owner=db.session.merge(owner) if owner else None, **fields)
        db.session.commit()
        db.session.refresh(media)
        return media

    def _save(self, row):
        db.session.add(row)
        db.session.commit()
        db.session.refresh(row)
        return row
