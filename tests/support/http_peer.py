"""A plain HTTP server on 127.0.0.1 for the outbound-request tests: each path
answers in one of the ways a hostile or broken server might."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG = 2 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args):  # quiet in the test output
        pass

    def _send(self, status: int, body: bytes = b"", **headers):
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        path = self.path.split("?")[0]
        self.server.seen.append((self.command, path, dict(self.headers)))
        if path == "/ok":
            self._send(200, b"hello", Content_Type="text/plain")
        elif path == "/echo":
            lines = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
            self._send(200, lines.encode())
        elif path == "/big":
            self._send(200, b"x" * BIG)
        elif path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Length", str(50 * BIG))
            self.end_headers()
        elif path == "/gzip":
            self._send(200, b"\x1f\x8b", Content_Encoding="gzip")
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self._trickle(b"x" * 100)
        elif path == "/trickle-headers":
            self._trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 100 + b"\r\n\r\n")
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            self._send(302, Location="/ok" if left == 0 else f"/redirect/{left - 1}")
        elif path == "/to":
            self._send(302, Location=self.path.split("?url=", 1)[1])
        else:
            self._send(404)

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.server.seen.append(("POST", self.path, dict(self.headers), self.rfile.read(length)))
        if self.path == "/see-other":
            self._send(303, Location="/ok")
        else:
            self._send(202, b"accepted")

    def _trickle(self, data: bytes):
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should


class HttpPeer:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.seen = []
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def seen(self) -> list:
        return self.server.seen

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
