"""The README tells people moving in what to run (issue 16, item 17)."""

from tests.support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SITE = ROOT / "tests" / "fixtures" / "wxr" / "site-1.2.xml"


def section(title: str) -> str:
    assert f"\n## {title}\n" in README, f"README has no section {title!r}"
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_readme_moving_from_wordpress():
    moving = section("Moving from WordPress")
    for words in ("Tools → Export → All content", "flask --app app import-wxr",
                  "flask --app app export-wxr", "idempotent", "/?p=<id>", "media",
                  "plugins", "themes", "widgets", "menus", "sticky", "post password",
                  "threads", "new id"):
        assert words in moving, words


def test_readme_report_lines_are_the_real_ones(runner):
    """The report lines the README explains are the ones an import prints."""
    moving = section("Moving from WordPress")
    result = runner.invoke(args=["import-wxr", str(SITE)])
    assert result.exit_code == 0, result.output
    for line in ("authors: 2 imported, 0 updated, 0 skipped (unchanged)",
                 "items not imported: 1 (attachment: 1)",
                 "Redirects set up: /?p=<id> for every post and page that kept its WordPress id;",
                 "/2023/04/02/hello-world-old/ -> /2023/04/02/hello-dreams/",
                 "Media URLs on the old site to move (2);"):
        assert line in moving and line in result.output, line
    for name in ("unsafe links dropped", "given new ids", "Note:"):
        assert name in moving, name


def test_readme_says_make_test_needs_root_and_how_to_do_without():
    tests = section("Tests")
    assert "installs Debian packages as root" in tests
    assert "125 packages" in tests
    assert "make install-dev" in tests
    assert '.venv/bin/python -m pytest -m "not browser"' in tests
    assert "sudo apt-get install chromium" in tests


def test_readme_mail_section_names_the_real_settings_and_commands(runner):
    from dreamweaver.config import DEFAULTS

    mail = section("Mail")
    for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME",
                "MAIL_PASSWORD", "MAIL_FROM", "SITE_URL"):
        assert f"`{key}`" in mail and key in DEFAULTS, key
    for words in ("Without `MAIL_SERVER`", "/admin/mail/", "flask --app app mail-outbox",
                  "flask --app app worker", "Send again", "Send a test email",
                  "smtp.fastmail.com", "FLASK_MAIL_PORT=465", "587", "SSL_CERT_FILE"):
        assert words in mail, words
    assert runner.invoke(args=["mail-outbox", "--status", "queued"]).exit_code == 0
