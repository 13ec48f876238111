"""A small website on 127.0.0.1 for the Webmention tests: pages a test sets
(status, headers, HTML) and changes, and every POST it is sent kept."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args):
        pass

    def _send(self, status: int, body: bytes, headers: dict):
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers,
                            "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        status, html, headers = self.server.site.pages.get(self.path, (404, "", {}))
        self._send(status, html.encode(), headers)

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.server.site.posted.append((self.path, {k: v[0] for k, v in parse_qs(body).items()}))
        self._send(202, b"", {})


class WebPages:
    def __init__(self):
        self.pages: dict[str, tuple[int, str, dict]] = {}
        self.posted: list[tuple[str, dict]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path: str, html: str, status: int = 200, **headers) -> str:
        """Serve `html` at `path`; its address."""
        self.pages[path] = (status, html, headers)
        return self.base + path

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
