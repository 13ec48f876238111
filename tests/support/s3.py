"""A real S3-compatible server for the storage tests: moto's standalone server
on a free port of 127.0.0.1, started once per run, and a bucket of its own
for each test. The app talks to it over HTTP with boto3, as to any store."""

import functools
import json
import socket
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import boto3
from moto.server import ThreadedMotoServer

from dreamweaver.media.s3 import client_config
from tests.support.servers import free_port

# moto takes any credentials; these make sure none of the machine's are used.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "dreamweaver-test", "AWS_SECRET_ACCESS_KEY": "not-a-secret",
               "AWS_REGION": "us-east-1"}
PREFIX = "site/media"


def start() -> tuple[ThreadedMotoServer, str]:
    """The server, started, and its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint,
                        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                        region_name=CREDENTIALS["AWS_REGION"], config=client_config(True))


@dataclass
class Bucket:
    """One test's bucket on the server, with the settings that point an app at it."""

    endpoint: str
    name: str
    prefix: str = PREFIX

    @classmethod
    def new(cls, endpoint: str) -> "Bucket":
        bucket = cls(endpoint, f"dw-{uuid.uuid4().hex[:16]}")
        bucket.client.create_bucket(Bucket=bucket.name)
        # Anyone may read its objects, as readers fetch them (README: Media storage).
        bucket.client.put_bucket_policy(Bucket=bucket.name, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::{bucket.name}/*"}]}))
        return bucket

    @functools.cached_property
    def client(self):
        return client(self.endpoint)

    def settings(self, **more) -> dict:
        return {"MEDIA_STORAGE_URL": f"s3://{self.name}/{self.prefix}",
                "MEDIA_S3_ENDPOINT_URL": self.endpoint, **CREDENTIALS, **more}

    def env(self) -> dict:
        """The same settings for a process of its own (FLASK_* and boto3's AWS_*)."""
        return {**{f"FLASK_{key}": value for key, value in self.settings().items()},
                **CREDENTIALS}

    def names(self) -> list[str]:
        """Every object name in the bucket, prefix and all."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def url(self, key: str) -> str:
        """The object's path-style address, as readers fetch it."""
        return f"{self.endpoint}/{self.name}/{self.prefix}/{key}"


def closed_endpoint() -> str:
    """An address where no store answers (a port just found free)."""
    return f"http://127.0.0.1:{free_port()}"


class HeldAnswers:
    """A TCP proxy in front of the store that passes every request on at once
    and holds every answer until release(): a store that has done the work
    and not said so yet (the moment a crash leaves an object without a row)."""

    def __init__(self, endpoint: str):
        self.upstream = urlsplit(endpoint)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.released = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection((self.upstream.hostname, self.upstream.port))
            threading.Thread(target=self._pump, args=(client, upstream, None),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, self.released),
                             daemon=True).start()

    @staticmethod
    def _pump(source, target, gate):
        try:
            while data := source.recv(65536):
                if gate is not None:
                    gate.wait()
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                end.close()

    def release(self):
        self.released.set()
        self.listener.close()
