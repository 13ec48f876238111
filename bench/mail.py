"""What mail costs: writing a message to the outbox inside a request's
transaction, and handing queued messages to a mail server.

`python bench/mail.py [--messages 1000]` makes a SQLite site in a temporary
folder, queues that many messages (render both parts, insert, commit: what a
comment that causes mail adds to its request), then delivers them all to an
SMTP server on loopback (aiosmtpd) the way the worker does, one connection
per message. Figures are in bench/README.md.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()

    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade

    from dreamweaver import create_app
    from dreamweaver.extensions import db
    from dreamweaver.mail import outbox

    folder = Path(tempfile.mkdtemp(prefix="dreamweaver-mail-bench-"))
    port = free_port()
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{folder / 'site.sqlite'}", "TASKS_INLINE": False,
                      "TASKS_SQLITE_PATH": str(folder / "tasks.sqlite3"),
                      "SITE_URL": "https://dreams.example", "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": port})
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with app.app_context():
            upgrade()
            timings = []
            for n in range(args.messages):
                started = time.perf_counter()
                outbox.queue(f"reader{n}@example.org", f"A reply to your comment {n}",
                             "test_message", kind="bench", sender_name="Bench")
                db.session.commit()
                timings.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            while counter.count < args.messages:
                if not outbox.send_due():
                    break
            elapsed = time.perf_counter() - started
    finally:
        controller.stop()
    timings.sort()
    print(f"queue (render + insert + commit), {args.messages} messages: "
          f"median {statistics.median(timings):.2f} ms, "
          f"p99 {timings[int(len(timings) * 0.99) - 1]:.2f} ms")
    print(f"delivery: {counter.count} messages in {elapsed:.1f} s = "
          f"{counter.count / elapsed:.0f} messages/s (over one SMTP connection per batch of 100)")


if __name__ == "__main__":
    main()
