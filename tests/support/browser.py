"""What browser tests share: a page's console watched for errors and CSP
violations, and the owner signing in."""

import re

PASSWORD = "correct horse battery"


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
