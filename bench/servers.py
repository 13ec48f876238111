"""gunicorn servers and the clients that load them: wrk, and a sequential probe."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BROWSER_ENCODING = {"Accept-Encoding": "gzip, deflate, br, zstd"}
# The project's gunicorn.conf.py as it stands (max_requests included), with 2
# workers and no access log; the floor is served under the same settings.
GUNICORN_ENV = {"WEB_CONCURRENCY": "2", "GUNICORN_ACCESSLOG": "", "GUNICORN_LOGLEVEL": "warning"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py on a free port of 127.0.0.1."""

    def __init__(self, module: str, env: dict, ready_path: str = "/"):
        self.port = free_port()
        env = {**os.environ, **env, **GUNICORN_ENV, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), module],
            cwd=ROOT, env=env, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + ready_path, timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn ({module}) did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.stop()


def get(url: str, headers: dict, timeout: float = 60):
    """One GET as a browser sends it: (status, headers, body)."""
    request = urllib.request.Request(url, headers={**BROWSER_ENCODING, **headers})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.headers, response.read()


def wrk(url: str, seconds: float, connections: int, headers: dict,
        script: Path | None = None) -> dict:
    """req/s, p50 and p99 (ms), and what went wrong (non-2xx/3xx, socket errors)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    done = int(re.search(r"(\d+) requests in", out).group(1))
    problems = [] if done else ["no response at all"]  # wrk then reports 0 ms latencies
    problems += [f"{bad.group(1)} non-2xx/3xx"] if bad else []
    problems += [f"socket errors: {errors.group(1)}"] if errors else []
    return {"rps": rps, "p50": _ms(latency.get("50", "0us")), "p99": _ms(latency.get("99", "0us")),
            "problems": problems}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def warm_up(url: str, headers: dict, connections: int, seconds: float) -> None:
    """Steady state before measuring: single requests fill what a cold worker
    needs (at 100k posts a first sidebar takes a while), then load."""
    for _ in range(4):  # most likely reaches both workers
        get(url, headers)
    if seconds:
        wrk(url, seconds, connections, {**BROWSER_ENCODING, **headers})


def probe(base: str, pages: list[tuple[str, dict]], seconds: float) -> list[tuple]:
    """One client, one request at a time, cycling over `pages` for `seconds`:
    (second since start, ms, path) per request. http.client keeps the
    connection when the server does (gunicorn's sync workers close it after
    each response; the next request then reconnects, and that is timed too)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    timings, start, n = [], time.perf_counter(), 0
    while (now := time.perf_counter()) - start < seconds:
        path, headers = pages[n % len(pages)]
        n += 1
        ok = _get_on(connection, path, {**BROWSER_ENCODING, **headers})
        timings.append((now - start, (time.perf_counter() - now) * 1000, path, not ok))
    connection.close()
    return timings


def _get_on(connection: http.client.HTTPConnection, path: str, headers: dict) -> bool:
    for _attempt in range(2):  # once more on a kept-alive connection the server had closed
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status == 200
        except (OSError, http.client.HTTPException):
            connection.close()
    return False
