"""Media in an S3-compatible bucket: MEDIA_STORAGE_URL=s3://bucket/prefix, on
AWS or, with MEDIA_S3_ENDPOINT_URL, any store that speaks S3 (MinIO, Garage,
Ceph, R2, ...), so that several app servers share one library.

Readers fetch the files from the bucket's public address (or the CDN in front
of it, MEDIA_PUBLIC_URL), never through the app: pages name that address
(urls.py) and /media/<key> redirects there (views.py). Each object is written
once under a key we made (keys.py), with its Content-Type and the year-long
immutable Cache-Control that local files are served with.

Every call to the store is bounded (timeouts, a few attempts), and a store
that fails becomes StorageError, an OSError: an upload refuses the file with
a 503 and stores nothing (library.add), the variants task tries again later.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import SplitResult, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .keys import is_key
from .storage import StorageError

log = logging.getLogger(__name__)

CACHE_CONTROL = "public, max-age=31536000, immutable"
# An upload waits on the store: a few seconds to connect, ten for each read
# (an answer to a 25 MB put included), three attempts in all; the request's
# own limit (REQUEST_TIME_LIMIT, budget.py) stops a store that keeps it longer.
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 10
ATTEMPTS = 3
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PART = r"(?!\.\.?(?:/|$))[A-Za-z0-9._-]+"  # a plain name, not . or ..
_PREFIX = re.compile(f"{_PART}(?:/{_PART})*")
_NOT_FOUND = ("404", "NoSuchKey", "NotFound")


def client_config(path_style: bool) -> Config:
    return Config(
        connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
        # A store of our own is addressed as endpoint/bucket/key: it has no
        # DNS name per bucket.
        s3={"addressing_style": "path" if path_style else "auto"},
        # botocore's default checksums (since 1.36) are refused by some
        # S3-compatible stores: send them only where an operation requires one.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


class S3Storage:
    """Objects `prefix/<key>` in `bucket`, readable by anyone at `public_base/prefix/<key>`."""

    page_size = 1000  # names a listing asks for at a time (S3's most)

    def __init__(self, client, bucket: str, prefix: str, public_base: str):
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self.public_base = public_base.rstrip("/")

    @classmethod
    def from_config(cls, app, parts: SplitResult) -> S3Storage:
        bucket, prefix = parts.netloc, parts.path.strip("/")
        if not _BUCKET.fullmatch(bucket) or (prefix and not _PREFIX.fullmatch(prefix)):
            raise ValueError("MEDIA_STORAGE_URL must be s3://bucket or s3://bucket/prefix "
                             f"(a bucket name of 3-63 lower-case letters, digits, dots, "
                             f"hyphens; a prefix of plain path parts), not {parts.geturl()!r}")
        config = app.config
        endpoint = config.get("MEDIA_S3_ENDPOINT_URL") or None
        for name in ("MEDIA_S3_ENDPOINT_URL", "MEDIA_PUBLIC_URL"):
            if config.get(name) and not _is_http_url(config[name]):
                raise ValueError(f"{name} must be an http(s) address such as "
                                 f"https://s3.example.org, not {config[name]!r}")
        # Unset values fall through to boto3's own chain (AWS_* environment
        # variables, ~/.aws, an instance role).
        session = _session(config.get("AWS_ACCESS_KEY_ID"), config.get("AWS_SECRET_ACCESS_KEY"),
                           config.get("AWS_SESSION_TOKEN"),
                           config.get("AWS_REGION") or os.environ.get("AWS_REGION"))
        client = session.client("s3", endpoint_url=endpoint,
                                config=client_config(path_style=endpoint is not None))
        public = config.get("MEDIA_PUBLIC_URL") or bucket_url(client, bucket, endpoint)
        return cls(client, bucket, prefix, public)

    def name(self, key: str) -> str:
        """The object name of `key` (a key we made: nothing else reaches the bucket)."""
        if not is_key(key):
            raise ValueError(f"not a media key: {key!r}")
        return f"{self.prefix}/{key}" if self.prefix else key

    @contextmanager
    def _calling(self, what: str, key: str):
        try:
            yield
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in _NOT_FOUND:
                raise FileNotFoundError(f"no object for {key!r} in s3://{self.bucket}") from error
            log.warning("media store: %s %s failed: %s", what, key, error)
            raise StorageError(f"the media store refused to {what} {key!r} ({code})") from error
        except BotoCoreError as error:
            log.warning("media store: %s %s failed: %s", what, key, error)
            raise StorageError(f"the media store did not answer ({what} {key!r})") from error

    def save(self, key: str, data: bytes, mime: str) -> None:
        name = self.name(key)
        with self._calling("save", key):
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType=mime,
                                   CacheControl=CACHE_CONTROL)

    def open(self, key: str) -> BinaryIO:
        """The object's body, streamed from the store as it is read."""
        name = self.name(key)
        with self._calling("read", key):
            return self.client.get_object(Bucket=self.bucket, Key=name)["Body"]

    def delete(self, key: str) -> None:
        name = self.name(key)
        with self._calling("delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=name)

    def exists(self, key: str) -> bool:
        name = self.name(key)
        try:
            with self._calling("check", key):
                self.client.head_object(Bucket=self.bucket, Key=name)
        except FileNotFoundError:
            return False
        return True

    def url(self, key: str) -> str:
        return f"{self.public_base}/{self.name(key)}"

    def origin(self) -> str | None:
        parts = urlsplit(self.public_base)
        return f"{parts.scheme}://{parts.netloc}"

    def keys(self) -> Iterator[tuple[str, float]]:
        """Every object under the prefix (its name after it) with its time of
        writing; nothing outside the prefix."""
        start = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=start, PaginationConfig={"PageSize": self.page_size})
        with self._calling("list", start or "/"):
            for page in pages:
                for item in page.get("Contents", ()):
                    yield item["Key"][len(start):], item["LastModified"].timestamp()

    def remove(self, name: str) -> None:
        """Delete an object keys() listed, key or not (a sweep's leftovers)."""
        if not name:
            return
        full = f"{self.prefix}/{name}" if self.prefix else name
        with self._calling("delete", name):
            self.client.delete_object(Bucket=self.bucket, Key=full)


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not (
        parts.query or parts.fragment or parts.username)


@functools.cache
def _session(key_id, secret, token, region):
    """One boto3 session per set of credentials in a process: a new one reads
    the service models again (a quarter of a second)."""
    return boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret,
                                 aws_session_token=token, region_name=region)


def bucket_url(client, bucket: str, endpoint: str | None) -> str:
    """Where the bucket's objects are read without MEDIA_PUBLIC_URL: path-style
    at a store of our own, the bucket's own host on AWS (path-style there when
    a dot in the name would not match the certificate)."""
    if endpoint:
        return f"{endpoint.rstrip('/')}/{bucket}"
    region = client.meta.region_name or "us-east-1"
    if "." in bucket:
        return f"https://s3.{region}.amazonaws.com/{bucket}"
    return f"https://{bucket}.s3.{region}.amazonaws.com"
