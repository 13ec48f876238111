"""Nothing public tells which logins exist: a login for a missing account takes
as long as a wrong password, author archives exist only for authors with
something published, and public pages show display names and slugs, never
logins."""

import statistics
import time

from dreamweaver.extensions import db
from dreamweaver.models import User
from tests.support.auth import csrf_token
from tests.support.responses import has_link, text

SECRET_LOGIN = "jd-sign-in-9317"

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old Site</title><link>https://old.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>7</wp:author_id><wp:author_login><![CDATA[jd_writer]]></wp:author_login>
<wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name></wp:author>
<item><title>Imported musings</title><dc:creator>jd_writer</dc:creator>
<content:encoded><![CDATA[<p>Hello from the old site.</p>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>41</wp:post_id><wp:post_date>2022-05-01 12:00:00</wp:post_date>
<wp:post_date_gmt>2022-05-01 10:00:00</wp:post_date_gmt>
<wp:post_name>imported-musings</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


# -- login timing ---------------------------------------------------------------

def login_seconds(client, token, username) -> float:
    """CPU seconds the login took in this thread (the test client answers in
    it): the work a reader's timing would reveal, without the noise other
    processes put on wall time on a loaded machine."""
    started = time.thread_time()
    response = client.post("/admin/login", data={
        "csrf_token": token, "username": username, "password": "not the password"})
    elapsed = time.thread_time() - started
    assert response.status_code == 422
    return elapsed


def test_login_for_missing_account_takes_as_long_as_wrong_password(app, client, make):
    make.account("owner", "administrator")
    make.user("imported")  # an account without a password, as import-wxr makes them
    token = csrf_token(client)
    login_seconds(client, token, "nobody")  # the stand-in hash is made on first use
    times = {"owner": [], "nobody": [], "imported": []}
    for _ in range(5):  # interleaved, so a burst of load hits every case alike
        for name, found in times.items():
            found.append(login_seconds(client, token, name))
    real = statistics.median(times["owner"])
    # Without the stand-in hash a missing account answered ~15 times faster;
    # half leaves room for the rest of the request's work.
    assert statistics.median(times["nobody"]) >= real / 2, times
    assert statistics.median(times["imported"]) >= real / 2, times


# -- author archives ------------------------------------------------------------

def test_author_without_posts_is_not_found(client, make):
    make.user("quiet", display_name="Quiet Person")
    assert client.get("/author/quiet/").status_code == 404


def test_author_with_only_unpublished_posts_is_not_found(client, make):
    from datetime import UTC, datetime, timedelta

    writer = make.user("drafter")
    make.post("Draft", author=writer, status="draft")
    make.post("Private", author=writer, status="private")
    make.post("Soon", author=writer, status="scheduled",
              published_at=datetime.now(UTC) + timedelta(days=3))
    make.post("Binned", author=writer, status="trash")
    make.post("A page", author=writer, kind="page")
    assert client.get("/author/drafter/").status_code == 404


def test_author_with_a_published_post_is_found(client, make):
    writer = make.user("writer", display_name="Wren Writer")
    make.post("Out now", author=writer)
    response = client.get("/author/writer/")
    assert response.status_code == 200
    assert "Author: Wren Writer" in text(response)


def test_login_is_not_on_public_pages(client, make):
    writer = make.user(SECRET_LOGIN, display_name="Jane Doe", slug="jane-doe")
    post = make.post("Visible words", author=writer)
    make.comment(post, author_name="Reader")
    permalink = f"/{post.published_local:%Y/%m/%d}/visible-words/"
    post_page = text(client.get(permalink))
    assert has_link(post_page, "/author/jane-doe/", "Jane Doe")
    assert '"author": {"@type": "Person", "name": "Jane Doe"}' in post_page  # JSON-LD
    feed = text(client.get("/feed/"))
    assert "<dc:creator>Jane Doe</dc:creator>" in feed
    for url in ("/", permalink, "/author/jane-doe/", "/feed/", "/comments/feed/",
                f"{permalink}feed/", "/sitemap.xml", "/category/uncategorized/", "/?s=visible"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert SECRET_LOGIN not in text(response), url
    assert client.get(f"/author/{SECRET_LOGIN}/").status_code == 404


def test_create_user_slug_comes_from_the_display_name(app, client, runner, make):
    result = runner.invoke(args=["create-user", SECRET_LOGIN, "--display-name", "Jane Doe",
                                 "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(User).filter_by(login=SECRET_LOGIN).one()
        db.session.expunge(user)
    assert user.slug == "jane-doe"
    make.post("By Jane", author=user)
    assert client.get("/author/jane-doe/").status_code == 200
    assert client.get(f"/author/{SECRET_LOGIN}/").status_code == 404


def test_imported_author_keeps_wordpress_slug(app, client, runner, tmp_path):
    path = tmp_path / "old.xml"
    path.write_text(WXR, encoding="utf-8")
    result = runner.invoke(args=["import-wxr", str(path)])
    assert result.exit_code == 0, result.output
    response = client.get("/author/jd_writer/")
    assert response.status_code == 200
    assert "Author: Jane Doe" in text(response)
    assert has_link(text(client.get("/")), "/author/jd_writer/", "Jane Doe")
