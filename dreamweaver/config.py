"""Defaults for every config key in DESIGN.md; environment (FLASK_*) overrides them."""

DEFAULTS = {
    "SITE_TITLE": "Psychedelic Dreamweaver",
    "SITE_TAGLINE": "All about psychedelics and how they can work for you.",
    "SITE_TIMEZONE": "UTC",
    "THEME_NAME": "Dreamweaver Broadsheet",
    # WordPress's date() characters (settings/dateformat.py), its defaults.
    "DATE_FORMAT": "F j, Y",
    "TIME_FORMAT": "g:i a",
    "POSTS_PER_PAGE": 10,
    "COMMENTS_PER_PAGE": 50,
    "COMMENT_MODERATION": True,
    "COMMENT_MAX_LINKS": 2,
    "COMMENT_FLOOD_SECONDS": 15,
    "COMMENT_MIN_SECONDS": 3,
    "COMMENT_MAX_DEPTH": 5,
    "COMMENT_RATE_LIMIT": "10 per minute",
    "RATELIMIT_ENABLED": True,
    # Unset: Redis at CACHE_REDIS_URL, else instance/ratelimits.sqlite3 (ratelimits.py).
    "RATELIMIT_STORAGE_URI": None,
    "RATELIMIT_HEADERS_ENABLED": True,
    "CACHE_REDIS_URL": None,
    # The page cache for anonymous readers (caching/pages.py); an entry lives at most
    # this long, which keeps the comment form's token on a cached page fresh.
    "PAGE_CACHE": True,
    "PAGE_CACHE_SECONDS": 300,
    # Zstandard or Brotli where the browser takes them, else gzip, at levels that
    # cost a few tenths of a millisecond per page (bench/README.md). Zstandard's
    # level 1 sends the post page 3% larger than level 3 in two thirds the time.
    "COMPRESS_ALGORITHM": ["zstd", "br", "gzip"],
    "COMPRESS_ZSTD_LEVEL": 1,
    "COMPRESS_BR_LEVEL": 2,
    # caching.pages.revalidate answers conditional requests (on the ETag it adds);
    # Flask-Compress doing it too only costs time.
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": False,
    "MAX_CONTENT_LENGTH": 512 * 1024,
    # Guards of last resort (budget.py): sanitizing or rendering one text is
    # refused (422) past INPUT_TIME_LIMIT seconds, a whole request answered 503
    # past REQUEST_TIME_LIMIT, which stays below gunicorn's timeout (30 s).
    "INPUT_TIME_LIMIT": 1.0,
    "REQUEST_TIME_LIMIT": 20.0,
    "PROXY_FIX_HOPS": 0,
    "SQLALCHEMY_RECORD_QUERIES": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # The post-password cookie lives as long as WordPress's (10 days).
    "POST_PASSWORD_MAX_AGE": 10 * 24 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,
    # The database, secret key, backups and exports are made 0600; true makes
    # them 0640, for a deployment whose group must read them (instance.py).
    "FILES_GROUP_READABLE": False,
    # The task queue (tasks.py): Redis at TASKS_REDIS_URL, else at CACHE_REDIS_URL,
    # else a SQLite file (TASKS_SQLITE_PATH, default instance/tasks.sqlite3) that
    # every process of one machine shares; TASKS_INLINE runs tasks inside the request.
    "TASKS_REDIS_URL": None,
    "TASKS_SQLITE_PATH": None,
    "TASKS_INLINE": False,
    # Media (media/): one upload request is at most MEDIA_MAX_BYTES, however many
    # files it holds; every other request keeps MAX_CONTENT_LENGTH. An image of
    # more pixels than MEDIA_MAX_PIXELS is refused before it is decoded (a
    # 50-megapixel photo passes; decompression bombs do not).
    "MEDIA_MAX_BYTES": 25 * 1024 * 1024,
    "MEDIA_MAX_PIXELS": 100_000_000,
    # Unset: files under instance/media/; s3://bucket/prefix: S3 or any
    # S3-compatible store at MEDIA_S3_ENDPOINT_URL, with the usual AWS_* settings.
    "MEDIA_STORAGE_URL": None,
    "MEDIA_S3_ENDPOINT_URL": None,
    # Where readers fetch a bucket's objects: a CDN or the bucket's public
    # website (https://cdn.example.org serves <prefix>/<key>). Unset: the
    # endpoint's path-style address, or the bucket's own on AWS. The CSP's
    # img-src allows this origin and no other (security.py).
    "MEDIA_PUBLIC_URL": None,
    # The site's public address (https://example.org), for links made outside a
    # request or read elsewhere: emails, tasks, federation (public_url.py).
    "SITE_URL": None,
    # Mail (mail/): with no MAIL_SERVER, messages wait in the outbox (shown in
    # /admin and by `flask mail-outbox`) until one is configured. MAIL_USE_SSL is
    # TLS from the first byte (port 465), MAIL_USE_TLS is STARTTLS (587).
    # MAIL_FROM unset: "<SITE_TITLE> <noreply@the site's host>".
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": None,
    # Roles whose accounts must sign in with two-factor (two_factor.py), e.g.
    # ("administrator",); such a user without it is sent to set it up first.
    "TWO_FACTOR_REQUIRED_ROLES": (),
    # Outbound requests made because of someone else's input (federation/outbound.py)
    # refuse loopback addresses; true lets them reach 127.0.0.1 and ::1, for tests
    # with a peer on this machine. Never private or link-local addresses.
    "FEDERATION_ALLOW_LOOPBACK": False,
    # The fediverse and Webmention (federation/): unset, on for a site whose
    # SITE_URL is a public https address, off otherwise; true or false decides.
    "FEDERATION_ENABLED": None,
    # What one remote server may send our inbox (keyed by the signing key's host).
    "FEDERATION_INBOX_RATE_LIMIT": "300 per minute",
}


def database_uri(uri: str) -> str:
    """Accept `postgresql://` as DESIGN promises and mean psycopg 3 by it."""
    for prefix in ("postgresql://", "postgres://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri[len(prefix):]
    return uri
