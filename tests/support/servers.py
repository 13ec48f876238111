"""Real servers for the tests that need one: gunicorn serving a checkout on a
free port of 127.0.0.1, and what they ask of the machine (PostgreSQL, Redis)."""

import http.client
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.support.paths import ROOT

BIN = Path(sys.executable).parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin",
               "Content-Type": "application/x-www-form-urlencoded"}


def reachable(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the checkout at `cwd` (this one by default) on a free port,
    with one worker unless `env` sets WEB_CONCURRENCY."""

    def __init__(self, env, cwd=ROOT):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(Path(cwd) / "gunicorn.conf.py"), "app:app"],
            cwd=cwd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={"WEB_CONCURRENCY": "1", **env, "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                 "GUNICORN_ACCESSLOG": ""})
        deadline = time.time() + 30
        while not reachable(self.port):
            if time.time() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(self.process.stderr.read().decode())
            time.sleep(0.1)

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def first_post(server) -> str:
    _, _, home = server.request("GET", "/")
    link = r'<h2 class="entry-title"><a href="(?:https?://[^/]+)?(/\d{4}/[^"]+)"'
    return re.search(link, home)[1]
