"""What browser tests share: a page's console watched for errors and CSP
violations, and the owner signing in."""

import contextlib
import re
import threading

PASSWORD = "correct horse battery"
# The WCAG rule sets axe checks pages against.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def watch_console(page):
    """Collect console errors and page errors; CSP violations are recorded from the start."""
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def log_in(page, live_server, owner):
    page.goto(live_server + "/admin/")
    page.wait_for_url(re.compile(r"/admin/login\?next="))
    page.fill("#username", owner)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


@contextlib.contextmanager
def serving(app):
    """`app` on a free port of 127.0.0.1, in a thread of this process; its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
