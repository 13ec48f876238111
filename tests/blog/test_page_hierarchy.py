"""Pages under pages (WordPress's post_parent): the address /<parent>/<child>/ and
everything that links to it, flat and wrong addresses redirecting, the Parent
page select in /admin (no loops, at most MAX_PAGE_DEPTH levels), deleting a
parent, and the menu nesting children under their parents."""

import re

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Post
from dreamweaver.permalinks import MAX_PAGE_DEPTH
from tests.support.auth import csrf_token


@pytest.fixture
def tree(app, make):
    """Guides > First Trip > Set and Setting, and About at the top."""
    guides = make.post("Guides", kind="page")
    trip = make.post("First Trip", kind="page", parent_id=guides.id)
    setting = make.post("Set and Setting", kind="page", parent_id=trip.id)
    about = make.post("About", kind="page")
    return {"guides": guides, "trip": trip, "setting": setting, "about": about}


def html(response) -> str:
    return response.get_data(as_text=True)


def parent_of(app, page_id):
    with app.app_context():
        return db.session.get(Post, page_id).parent_id


# -- addresses ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/guides/", "/guides/first-trip/",
                                  "/guides/first-trip/set-and-setting/", "/about/"])
def test_page_answers_at_its_full_path(client, tree, path):
    response = client.get(path)
    assert response.status_code == 200
    assert f'<link rel="canonical" href="http://localhost{path}">' in html(response)


@pytest.mark.parametrize("old, new", [
    ("/set-and-setting/", "/guides/first-trip/set-and-setting/"),
    ("/first-trip/", "/guides/first-trip/"),
    ("/about/set-and-setting/", "/guides/first-trip/set-and-setting/"),
    ("/guides/about/", "/about/"),
    ("/first-trip/comment-page-1/", "/guides/first-trip/comment-page-1/"),
    ("/first-trip/feed/", "/guides/first-trip/feed/"),
])
def test_flat_and_wrong_paths_redirect_to_the_page(client, tree, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"] == new


@pytest.mark.parametrize("path", ["/guides/nothing/", "/nothing/first-trip/x/",
                                  "/a/b/c/d/e/first-trip/"])
def test_paths_to_no_page_are_404(client, tree, path):
    assert client.get(path).status_code == 404


def test_htmx_request_for_a_child_page_gets_the_fragment(client, tree):
    response = client.get("/guides/first-trip/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in html(response) and "First Trip" in html(response)


def test_renamed_parent_moves_its_children_and_old_paths_follow(app, client, auth, tree):
    auth.login()
    response = edit(client, tree["guides"], title="Guides", slug="handbooks")
    assert response.status_code == 303
    assert client.get("/handbooks/first-trip/").status_code == 200
    moved = client.get("/guides/first-trip/set-and-setting/")
    assert moved.headers["Location"] == "/handbooks/first-trip/set-and-setting/"
    assert client.get("/guides/").headers["Location"] == "/handbooks/"


def test_posts_keep_their_permalinks(client, make, tree):
    post = make.post("Dated post", slug="first-trip-notes")
    local = post.published_local
    url = f"/{local:%Y/%m/%d}/first-trip-notes/"
    assert client.get(url).status_code == 200
    assert client.get(url + "feed/").mimetype == "application/rss+xml"


def test_child_page_comments_post_and_feed_at_its_path(app, client, make, tree):
    with app.app_context():
        db.session.get(Post, tree["trip"].id).comments_open = True
        db.session.commit()
    page = html(client.get("/guides/first-trip/"))
    action = re.search(r'<form[^>]*id="commentform"[^>]*action="([^"]+)"', page) or re.search(
        r'action="([^"]*comments/)"', page)
    assert action.group(1).endswith("/guides/first-trip/comments/")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/guides/first-trip/comments/", data={
        "comment": "Under a parent.", "author": "Reader", "email": "r@example.org",
        "csrf_token": token}, headers={"Origin": "http://localhost"})
    assert response.status_code == 303, html(response)[:300]
    assert response.headers["Location"].startswith("/guides/first-trip/")
    feed = client.get("/guides/first-trip/feed/")
    assert feed.mimetype == "application/rss+xml"
    assert "Under a parent." in html(feed)


def test_everything_links_to_the_full_path(app, client, tree):
    child = "http://localhost/guides/first-trip/set-and-setting/"
    page = html(client.get("/guides/first-trip/set-and-setting/"))
    assert f'<meta property="og:url" content="{child}">' in page
    assert 'Comments Feed" href="/guides/first-trip/set-and-setting/feed/"' in page
    assert f"<loc>{child}</loc>" in html(client.get("/sitemap.xml"))
    assert 'href="/guides/first-trip/set-and-setting/"' in html(client.get("/"))  # the menu
    assert client.get(f"/?page_id={tree['setting'].id}").headers["Location"] == (
        "/guides/first-trip/set-and-setting/")


def test_a_child_page_may_not_take_a_comment_page_slug(app, client, auth, tree):
    auth.login()
    response = edit(client, tree["setting"], title="Set", slug="comment-page-2",
                    parent_id=str(tree["trip"].id))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Post, tree["setting"].id).slug == "comment-page-2-2"


# -- the editor -----------------------------------------------------------------


def edit(client, page, **fields):
    url = f"/admin/posts/{page.id}/edit"
    data = {"csrf_token": csrf_token(client, url), "title": page.title, "slug": page.slug,
            "source": "Text.", "format": "markdown", "status": "published",
            "parent_id": str(page.parent_id or "")}
    data.update(fields)
    headers = data.pop("headers", {})
    return client.post(url, data=data, headers=headers)


def test_editor_offers_parent_pages_but_not_the_page_or_its_subpages(client, auth, tree):
    auth.login()
    page = html(client.get(f"/admin/posts/{tree['trip'].id}/edit"))
    select = re.search(r'<select[^>]*name="parent_id".*?</select>', page, re.S).group(0)
    assert '<label for="parent_id">Parent page</label>' in page
    assert f'selected value="{tree["guides"].id}"' in select
    assert f'value="{tree["about"].id}"' in select
    assert f'value="{tree["trip"].id}"' not in select
    assert f'value="{tree["setting"].id}"' not in select


def test_post_editor_has_no_parent_select(client, auth, make):
    auth.login()
    post = make.post("Just a post")
    assert 'name="parent_id"' not in html(client.get(f"/admin/posts/{post.id}/edit"))
    assert 'name="parent_id"' not in html(client.get("/admin/posts/new"))
    assert 'name="parent_id"' in html(client.get("/admin/pages/new"))


def test_new_page_under_a_parent(app, client, auth, tree):
    auth.login()
    response = client.post("/admin/pages/new", data={
        "csrf_token": csrf_token(client, "/admin/pages/new"), "title": "Dosing",
        "source": "How much.", "format": "markdown", "status": "published",
        "parent_id": str(tree["trip"].id)})
    assert response.status_code == 303
    saved = html(client.get(response.headers["Location"]))
    assert 'href="/guides/first-trip/dosing/">View page</a>' in saved
    assert client.get("/guides/first-trip/dosing/").status_code == 200


def test_moving_a_page_to_the_top(app, client, auth, tree):
    auth.login()
    assert edit(client, tree["trip"], parent_id="").status_code == 303
    assert parent_of(app, tree["trip"].id) is None
    assert client.get("/first-trip/set-and-setting/").status_code == 200


LOOP = "A page cannot be its own parent, nor sit under one of its own subpages."


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("which, parent, message", [
    ("guides", "guides", LOOP),
    ("guides", "setting", LOOP),
    ("about", "999999", "That parent page does not exist."),
    ("about", "not-a-number", "That parent page does not exist."),
])
def test_editor_refuses_a_loop_or_a_missing_parent(app, client, auth, tree, which, parent,
                                                   message, htmx):
    auth.login()
    page = tree[which]
    parent_id = str(tree[parent].id) if parent in tree else parent
    response = edit(client, page, parent_id=parent_id,
                    headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 422
    assert message in html(response)
    assert 'aria-invalid="true"' in html(response)
    assert parent_of(app, page.id) == page.parent_id


def test_editor_refuses_a_page_too_deep(app, client, auth, make, tree):
    auth.login()
    parent = tree["setting"]  # level 3
    for n in range(4, MAX_PAGE_DEPTH + 1):
        parent = make.post(f"Level {n}", kind="page", parent_id=parent.id)
    deepest = parent
    response = edit(client, tree["about"], parent_id=str(deepest.id))
    assert response.status_code == 422
    assert f"Pages nest at most {MAX_PAGE_DEPTH} levels deep" in html(response)
    # A page with a subpage counts its subpages' levels too.
    child_of_about = make.post("Team", kind="page", parent_id=tree["about"].id)
    level_four = make.post("Level 4 again", kind="page", parent_id=tree["setting"].id)
    response = edit(client, tree["about"], parent_id=str(level_four.id))
    assert response.status_code == 422
    assert parent_of(app, child_of_about.id) == tree["about"].id
    assert edit(client, tree["about"], parent_id=str(tree["setting"].id)).status_code == 303


# -- deleting ---------------------------------------------------------------------


def status_action(client, page, action):
    token = csrf_token(client, "/admin/pages/")
    return client.post(f"/admin/posts/{page.id}/status",
                       data={"csrf_token": token, "action": action})


def test_deleting_a_parent_moves_its_children_up(app, client, auth, tree):
    auth.login()
    status_action(client, tree["trip"], "trash")
    # In the trash the page keeps its children, who keep their address.
    assert parent_of(app, tree["setting"].id) == tree["trip"].id
    assert client.get("/guides/first-trip/set-and-setting/").status_code == 200
    assert status_action(client, tree["trip"], "delete").status_code == 303
    assert parent_of(app, tree["setting"].id) == tree["guides"].id
    assert client.get("/guides/set-and-setting/").status_code == 200
    assert client.get("/guides/first-trip/set-and-setting/").headers["Location"] == (
        "/guides/set-and-setting/")


def test_deleting_a_top_level_parent_makes_its_children_top_level(app, client, auth, tree):
    auth.login()
    status_action(client, tree["guides"], "trash")
    status_action(client, tree["guides"], "delete")
    assert parent_of(app, tree["trip"].id) is None
    assert parent_of(app, tree["setting"].id) == tree["trip"].id
    assert client.get("/first-trip/set-and-setting/").status_code == 200


# -- the menu ---------------------------------------------------------------------


def menu(client, url="/") -> str:
    page = html(client.get(url))
    return re.search(r'<ul class="menu" id="primary-menu">.*?</ul>\s*</details>', page,
                     re.S).group(0)


def test_menu_nests_descendants_under_their_top_level_page(client, tree):
    found = menu(client)
    about = found.index(">About<")
    guides = found.index('<li class="menu-item-has-children"><a href="/guides/">Guides</a>')
    sub = found.index('<ul class="sub-menu">', guides)
    trip = found.index('href="/guides/first-trip/">First Trip<', sub)
    setting = found.index('href="/guides/first-trip/set-and-setting/">Set and Setting<', trip)
    assert about < guides < sub < trip < setting  # by title; the grandchild after its parent
    assert found.count('<ul class="sub-menu">') == 1
    assert found.index("</ul>", sub) > setting


def test_menu_marks_the_child_page_shown(client, tree):
    found = menu(client, "/guides/first-trip/")
    assert 'href="/guides/first-trip/" aria-current="page"' in found
    assert 'href="/guides/" aria-current' not in found


def test_menu_child_of_a_hidden_parent_takes_its_place(app, client, tree):
    with app.app_context():
        db.session.get(Post, tree["guides"].id).status = "draft"
        db.session.commit()
    found = menu(client)
    assert ">Guides<" not in found
    assert '<li class="menu-item-has-children"><a href="/guides/first-trip/">First Trip</a>' \
        in found
    assert client.get("/guides/first-trip/").status_code == 200


def test_menu_without_child_pages_has_no_submenu(client, make):
    make.post("About", kind="page")
    assert "sub-menu" not in menu(client)


def test_parent_column_refuses_a_missing_page(app, tree):
    """The database keeps parent_id pointing at a page row (a foreign key)."""
    with app.app_context(), pytest.raises(sa.exc.IntegrityError):
        db.session.get(Post, tree["about"].id).parent_id = 10**6
        db.session.commit()
