"""Home, single posts and pages: what a reader sees."""

from datetime import UTC, datetime

from tests.support.responses import count, has_link, section, text, titles


def test_index_lists_newest_first_with_excerpts(client, make):
    make.post("Older", published_at=datetime(2024, 1, 1, tzinfo=UTC), source="Old words.")
    make.post("Newer", published_at=datetime(2024, 2, 1, tzinfo=UTC), source="New words.")
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == ["Newer", "Older"]
    assert "New words." in text(response)
    # Two words are the whole post: nothing more to read (tests/blog/test_excerpts.py).
    assert "Continue reading" not in text(response)


def test_index_excerpt_is_55_words_or_the_written_excerpt(client, make):
    make.post("Long", source=" ".join(f"w{i}" for i in range(100)))
    make.post("Summarised", excerpt="A hand-written summary.", source="Hidden body text.")
    body = text(client.get("/"))
    assert "w54 [\u2026]" in body and "w55" not in body
    assert "A hand-written summary." in body and "Hidden body text." not in body


def test_index_paging_edges(app, client, make):
    app.config["POSTS_PER_PAGE"] = 2
    for n in range(5):
        make.post(f"Post {n}", published_at=datetime(2024, 1, 10 - n, tzinfo=UTC))
    first, second, third = client.get("/"), client.get("/page/2/"), client.get("/page/3/")
    assert titles(first) == ["Post 0", "Post 1"]
    assert titles(second) == ["Post 2", "Post 3"]
    assert titles(third) == ["Post 4"]
    assert 'href="/page/2/"' in text(first) and "Newer posts" not in text(first)
    assert 'href="/page/3/"' in text(second) and 'href="/"' in section(second, "post-list")
    assert "Older posts" not in text(third) and 'href="/page/2/"' in text(third)
    assert client.get("/page/4/").status_code == 404


def test_index_paging_is_stable_when_posts_share_a_time(app, client, make):
    app.config["POSTS_PER_PAGE"] = 2
    moment = datetime(2024, 3, 1, tzinfo=UTC)
    for n in range(5):
        make.post(f"Same {n}", published_at=moment)
    seen = titles(client.get("/")) + titles(client.get("/page/2/")) + titles(client.get("/page/3/"))
    assert sorted(seen) == [f"Same {n}" for n in range(5)]


def test_index_sticky_posts_head_page_one_in_addition(app, client, make):
    app.config["POSTS_PER_PAGE"] = 2
    make.post("Pinned", published_at=datetime(2023, 1, 1, tzinfo=UTC), sticky=True)
    for n in range(3):
        make.post(f"Post {n}", published_at=datetime(2024, 1, 10 - n, tzinfo=UTC))
    first = client.get("/")
    assert titles(first) == ["Pinned", "Post 0", "Post 1"]
    assert 'class="entry entry-summary h-entry sticky"' in text(first)
    assert titles(client.get("/page/2/")) == ["Post 2"]


def test_post_shows_meta_content_terms_and_neighbours(client, make):
    author = make.user("maya", "Maya Lindqvist")
    science = make.category("Neuroscience")
    tag = make.tag("research")
    make.post("Before", published_at=datetime(2023, 8, 1, 9, tzinfo=UTC))
    post = make.post("The Middle", published_at=datetime(2023, 8, 2, 9, tzinfo=UTC),
                     source="## A heading\n\nSome *body*.", author=author,
                     categories=[science], tags=[tag])
    make.post("After", published_at=datetime(2023, 8, 3, 9, tzinfo=UTC))
    response = client.get("/2023/08/02/the-middle/")
    body = text(response)
    assert response.status_code == 200
    assert '<h1 class="entry-title p-name">The Middle</h1>' in body
    assert "Posted on" in body and ">August 2, 2023</time></a>" in body
    assert 'href="/2023/08/02/the-middle/" rel="bookmark"' in body
    assert has_link(body, "/author/maya/", "Maya Lindqvist")
    assert "<h2>A heading</h2>" in body and "<em>body</em>" in body
    assert 'href="/category/neuroscience/"' in body and 'href="/tag/research/"' in body
    assert 'rel="prev" href="/2023/08/01/before/"' in body
    assert 'rel="next" href="/2023/08/03/after/"' in body
    assert post.id and "Leave a Reply" in body


def test_post_permalink_uses_the_site_timezone(app, client, make):
    app.config["SITE_TIMEZONE"] = "America/New_York"
    # 02:30 UTC on Aug 3 is still Aug 2 in New York.
    make.post("Late Night", published_at=datetime(2023, 8, 3, 2, 30, tzinfo=UTC))
    assert client.get("/2023/08/02/late-night/").status_code == 200
    assert ">August 2, 2023<" in text(client.get("/2023/08/02/late-night/"))


def test_post_wrong_date_redirects_to_permalink(client, make):
    make.post("Moved", published_at=datetime(2023, 8, 2, 9, tzinfo=UTC))
    response = client.get("/2021/01/01/moved/")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/2023/08/02/moved/")


def test_post_bad_dates_are_404(client, make):
    make.post("Real", published_at=datetime(2023, 8, 2, 9, tzinfo=UTC))
    for url in ("/2023/13/02/real/", "/2023/00/02/real/", "/2023/02/30/real/",
                "/2023/08/32/real/", "/0000/08/02/real/", "/2023/08/02/unknown/"):
        assert client.get(url).status_code == 404, url


def test_post_comments_are_threaded(client, make):
    post = make.post("Talk", published_at=datetime(2023, 8, 2, tzinfo=UTC))
    top = make.comment(post, "Ann", "<p>First!</p>")
    reply = make.comment(post, "Bob", "<p>Reply to Ann.</p>", parent=top)
    deepest = make.comment(post, "Cy", "<p>Deeper.</p>", parent=reply)
    make.comment(post, "Held", "<p>Not yet.</p>", status="pending")
    body = text(client.get("/2023/08/02/talk/"))
    assert "3 thoughts on &ldquo;Talk&rdquo;" in body
    ann, bob, cy = (body.index(f'id="comment-{c.id}"') for c in (top, reply, deepest))
    assert ann < bob < cy
    assert body.count('<ol class="children">') == 2
    assert "Not yet." not in body


def test_post_closed_comments_say_so(client, make):
    make.post("Quiet", published_at=datetime(2023, 8, 2, tzinfo=UTC), comments_open=False)
    body = text(client.get("/2023/08/02/quiet/"))
    assert "Comments are closed." in body and "Leave a Reply" not in body


def test_page_at_its_slug_and_in_the_menu(client, make):
    make.post("About", kind="page", source="Who we are.")
    response = client.get("/about/")
    assert response.status_code == 200
    assert "Who we are." in text(response)
    assert 'href="/about/" aria-current="page">About</a>' in text(response)
    assert 'href="/about/">About</a>' in text(client.get("/"))


def test_page_without_trailing_slash_redirects_permanently(client, make):
    make.post("About", kind="page")
    response = client.get("/about")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/about/")


def test_titles_and_names_are_escaped(client, make):
    author = make.user("eve", "<b>Eve</b>")
    post = make.post("<script>alert(1)</script> & co", author=author,
                     published_at=datetime(2023, 8, 2, tzinfo=UTC))
    make.comment(post, author_name="<img src=x onerror=alert(1)>")
    home = text(client.get("/"))
    assert "<script>alert(1)</script>" not in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in home
    assert "&lt;b&gt;Eve&lt;/b&gt;" in home
    assert "<img src=x" not in home and "&lt;img src=x onerror=alert(1)&gt;" in home
    single = text(client.get(f"/2023/08/02/{post.slug}/"))
    assert "<script>alert(1)</script>" not in single


def test_layout_landmarks_skip_link_one_h1_and_footer(client, make):
    post = make.post("Solo", published_at=datetime(2023, 8, 2, tzinfo=UTC))
    make.post("About", kind="page")
    year = datetime.now(UTC).year
    # Search and missing pages share the home page's endpoint, not its heading.
    for url in ("/", f"/2023/08/02/{post.slug}/", "/about/", "/2023/08/", "/nothing-here/",
                "/page/2/", "/?s=solo", "/?s=", "/?s=nothing", "/page/9/?s=solo", "/?p=999"):
        response = client.get(url)
        body = text(response)
        assert body.startswith("<!doctype html>"), url
        assert '<a class="skip-link" href="#content">Skip to content</a>' in body
        for landmark in ("<header", "<nav", "<main", "<aside", "<footer"):
            assert landmark in body, (url, landmark)
        assert count(response, r"<h1[ >]") == 1, url
        assert f"&copy; {year} Psychedelic Dreamweaver | Design: Dreamweaver Broadsheet" in body
        assert "<summary>Menu</summary>" in body
