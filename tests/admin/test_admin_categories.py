"""Categories in /admin: list with counts, create, edit, merge, delete, permissions."""

import re

import pytest
import sqlalchemy as sa

from dreamweaver.extensions import db
from dreamweaver.models import Category, post_categories
from tests.support.admin_forms import edit
from tests.support.auth import csrf_token
from tests.support.responses import text, titles

LIST = "/admin/categories/"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(client, auth):
    """Signed in as the admin; returns the session's CSRF token."""
    auth.login()
    return csrf_token(client, LIST)


def send(client, url, token, htmx=False, **fields):
    data = {"csrf_token": token, **fields} if token else fields
    return client.post(url, data=data, headers=HTMX if htmx else {})


def create(client, token, htmx=False, **fields):
    fields = {"name": "Art", "slug": "", "parent": "0", "description": "", **fields}
    return send(client, LIST, token, htmx, **fields)


def merge(client, token, category, into, htmx=False):
    return send(client, f"{LIST}{category.id}/merge/", token, htmx, into=str(into.id))


def delete(client, token, category, htmx=False):
    return send(client, f"{LIST}{category.id}/delete/", token, htmx)


def rows(app):
    """{slug: (name, parent slug, description)} of every category."""
    with app.app_context():
        found = db.session.scalars(sa.select(Category)).all()
        slugs = {c.id: c.slug for c in found}
        return {c.slug: (c.name, slugs.get(c.parent_id), c.description) for c in found}


def links(app):
    """Sorted (post title, category slug) pairs of every post-category link."""
    with app.app_context():
        from dreamweaver.models import Post

        query = (sa.select(Post.title, Category.slug)
                 .join(post_categories, post_categories.c.post_id == Post.id)
                 .join(Category, Category.id == post_categories.c.category_id))
        return sorted(tuple(row) for row in db.session.execute(query))


def refreshed(app, category):
    with app.app_context():
        row = db.session.get(Category, category.id)
        if row is not None:
            db.session.expunge(row)
        return row


def row_html(response, category) -> str:
    html = text(response)
    start = html.index(f'<tr id="category-{category.id}"')
    return html[start:html.index("</tr>", start)]


# Who may see the screen


@pytest.mark.parametrize("url", [LIST, f"{LIST}1/"])
def test_categories_anonymous_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login?next={url}"


def test_categories_anonymous_htmx_gets_hx_location(client):
    response = client.get(LIST, headers=HTMX)
    assert response.headers["HX-Location"].startswith("/admin/login?next=")


def test_categories_authors_get_403(app, client, auth, make):
    art = make.category("Art")
    other = make.category("Other")
    auth.login("writer", "author")
    token = csrf_token(client, "/admin/")
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{art.id}/").status_code == 403
    before = rows(app)
    for response in (create(client, token, name="Sneaky"),
                     edit(client, token, art, name="Renamed"),
                     merge(client, token, art, other),
                     delete(client, token, art)):
        assert response.status_code == 403
        assert "Only administrators and editors can manage categories." in text(response)
    assert rows(app) == before


def test_categories_author_htmx_refusal_shown_in_form_status(client, auth, make):
    art = make.category("Art")
    auth.login("writer", "author")
    response = delete(client, csrf_token(client, "/admin/"), art, htmx=True)
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "find .form-status"


@pytest.mark.parametrize("action", ["create", "edit", "merge", "delete"])
def test_category_write_without_csrf_token_is_400(app, client, admin, make, action):
    art, other = make.category("Art"), make.category("Other")
    before = rows(app)
    response = {
        "create": lambda: create(client, None, name="New"),
        "edit": lambda: edit(client, None, art, name="Renamed"),
        "merge": lambda: merge(client, None, art, other),
        "delete": lambda: delete(client, None, art),
    }[action]()
    assert response.status_code == 400
    assert rows(app) == before


def test_category_write_with_htmx_header_token(app, client, admin):
    response = client.post(LIST, data={"name": "Via Header", "parent": "0"},
                           headers={**HTMX, "X-CSRFToken": admin})
    assert response.status_code == 200
    assert "via-header" in rows(app)


# The list


def test_categories_list_shows_counts_slugs_parents_descriptions(client, admin, make):
    parent = make.category("Neuroscience", description="Brains & chemistry")
    child = make.category("zebra studies", parent_id=parent.id)
    empty = make.category("Ayahuasca")
    make.post("Published", categories=[parent, child])
    make.post("Draft", categories=[parent], status="draft")
    make.post("Scheduled", categories=[parent], status="scheduled")
    response = client.get(LIST)
    assert response.status_code == 200
    body = text(response)
    assert "<th scope=\"col\">Posts</th>" in body and "whatever its status" in body
    assert re.search(r'<td data-label="Posts">3</td>', row_html(response, parent))
    assert re.search(r'<td data-label="Posts">1</td>', row_html(response, child))
    assert re.search(r'<td data-label="Posts">0</td>', row_html(response, empty))
    assert "Brains &amp; chemistry" in row_html(response, parent)
    assert '<td data-label="Slug">neuroscience</td>' in row_html(response, parent)
    assert '<td data-label="Parent">Neuroscience</td>' in row_html(response, child)
    # Case-insensitive order, as the seed lists them.
    names = re.findall(r'<tr id="category-\d+">\s*<th scope="row">([^<]+)</th>', body)
    assert names == ["Ayahuasca", "Neuroscience", "zebra studies"]


def test_categories_list_queries_do_not_grow_with_categories(client, admin, make, count_queries):
    make.post("One", categories=[make.category("First")])
    with count_queries as few:
        client.get(LIST)
    for n in range(12):
        make.post(f"Post {n}", categories=[make.category(f"Category {n}")])
    with count_queries as many:
        client.get(LIST)
    assert many.count == few.count
    assert many.count <= 4  # the user, the pending count, the list with its counts


def test_categories_full_page(client, admin):
    response = client.get(LIST)
    body = text(response)
    assert body.startswith("<!doctype html>")
    assert 'id="categories"' in body and 'aria-current="page"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_categories_partial(client, admin):
    response = client.get(LIST, headers=HTMX)
    body = text(response)
    assert "<html" not in body and 'id="categories"' in body
    assert "<title>Categories" in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("header", ["HX-Boosted", "HX-History-Restore-Request"])
def test_categories_full_on_boosted_or_history_restore(client, admin, header):
    response = client.get(LIST, headers={**HTMX, header: "true"})
    assert text(response).startswith("<!doctype html>")


def test_categories_markup_is_labelled_and_csp_clean(client, admin, make):
    make.category("Art")
    body = text(client.get(LIST))
    for field in ("name", "slug", "parent", "description"):
        assert f'<label for="new-category-{field}">' in body
        assert f'id="new-category-{field}"' in body
    assert "<style" not in body and " style=" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert not re.search(r"\son[a-z]+=|hx-on", body)
    assert body.count('name="csrf_token"') >= 2


def test_category_names_are_escaped(client, admin, make):
    make.category("<b>Bold</b>", description="<script>x</script>")
    body = text(client.get(LIST))
    assert "<b>Bold</b>" not in body and "&lt;b&gt;Bold&lt;/b&gt;" in body
    assert "<script>x" not in body


# Create


def test_category_create_makes_slug_clash_gets_suffix_in_creation_order(app, client, admin):
    first = create(client, admin, name="Psychology & Spirituality")
    assert first.status_code == 303
    assert first.headers["Location"] == LIST
    second = create(client, admin, name="Psychology/Spirituality")
    assert second.status_code == 303
    found = rows(app)
    assert found["psychology-spirituality"][0] == "Psychology & Spirituality"
    assert found["psychology-spirituality-2"][0] == "Psychology/Spirituality"
    assert "Category \u201cPsychology/Spirituality\u201d added." in text(client.get(LIST))


def test_category_create_with_explicit_slug_parent_and_description(app, client, admin, make):
    parent = make.category("Science")
    response = create(client, admin, name="Brains", slug="  Grey Matter!  ",
                      parent=str(parent.id), description="Line one\r\nLine two")
    assert response.status_code == 303
    assert rows(app)["grey-matter"] == ("Brains", "science", "Line one\nLine two")


def test_category_create_explicit_duplicate_slug_is_422(app, client, admin, make):
    make.category("Art")
    response = create(client, admin, name="Artistry", slug="Art")
    assert response.status_code == 422
    assert "The slug \u201cart\u201d is already used by \u201cArt\u201d." in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert 'value="Artistry"' in text(response)  # what was typed is kept
    assert "artistry" not in rows(app)


@pytest.mark.parametrize("fields,message", [
    ({"name": ""}, "Enter a name."),
    ({"name": "   "}, "Enter a name."),
    ({"name": "x" * 201}, "Keep the name to 200 characters or fewer."),
    ({"name": "\u00df" * 150}, "Keep the name to 200 characters or fewer."),
    ({"slug": "!!!"}, "Use letters or digits in the slug."),
    ({"slug": "s" * 201}, "Keep the slug to 200 characters or fewer."),
    ({"parent": "999999"}, "Choose a parent from the list."),
    ({"parent": "nope"}, "Choose a parent from the list."),
])
def test_category_create_invalid_is_422(app, client, admin, fields, message):
    response = create(client, admin, **{"name": "Fine", **fields})
    assert response.status_code == 422
    assert message in text(response)
    assert rows(app) == {}


def test_category_create_same_name_under_same_parent_is_422(app, client, admin, make):
    science = make.category("Science")
    make.category("Research", parent_id=science.id)
    response = create(client, admin, name="research", parent=str(science.id))
    assert response.status_code == 422
    assert "already exists under that parent" in text(response)
    assert create(client, admin, name="Research").status_code == 303  # top level is free
    assert rows(app)["research-2"] == ("Research", None, "")


def test_category_create_long_name_keeps_slug_within_column(app, client, admin, make):
    make.category("a" * 200)
    assert create(client, admin, name="A" * 199 + "!").status_code == 303
    assert max(len(slug) for slug in rows(app)) <= 200


def test_category_create_htmx_returns_list_with_new_row(app, client, admin):
    response = create(client, admin, htmx=True, name="Microdosing")
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<div id="categories"')
    assert response.headers["HX-Retarget"] == "#categories"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert "<th scope=\"row\">Microdosing</th>" in body
    assert "Category \u201cMicrodosing\u201d added." in body
    assert 'id="new-category-name" maxlength="200" name="name" required type="text" value=""' \
        in body  # the add form is cleared for the next one
    assert "microdosing" in rows(app)


def test_category_create_htmx_invalid_is_422_fragment(client, admin):
    response = create(client, admin, htmx=True, name="")
    assert response.status_code == 422
    body = text(response)
    assert "<html" not in body and 'id="categories"' in body
    assert "Enter a name." in body
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*autofocus', body)


# Edit


def test_category_edit_full_page_and_row_fragment(client, admin, make):
    art = make.category("Art", description="Paintings")
    page = client.get(f"{LIST}{art.id}/")
    assert page.status_code == 200
    body = text(page)
    assert body.startswith("<!doctype html>") and "Edit Category" in body
    assert f'value="{art.slug}"' in body and "Paintings</textarea>" in body
    assert "hx-post" not in body.split('id="content"')[1]  # plain forms on the page
    fragment = client.get(f"{LIST}{art.id}/", headers=HTMX)
    assert "<html" not in text(fragment)
    row = f'<tr id="category-{art.id}" class="category-editing">'
    assert text(fragment).lstrip().startswith(row)
    assert f'hx-target="#category-{art.id}"' in text(fragment)
    assert "HX-Request" in fragment.headers["Vary"]
    history = client.get(f"{LIST}{art.id}/", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert text(history).startswith("<!doctype html>")


def test_category_rename_keeps_slug(app, client, admin, make):
    art = make.category("Art")
    response = edit(client, admin, art, name="Visual Art", description="Pictures")
    assert response.status_code == 303 and response.headers["Location"] == LIST
    assert rows(app)["art"] == ("Visual Art", None, "Pictures")
    assert "Category \u201cVisual Art\u201d updated." in text(client.get(LIST))


def test_category_edit_slug_changes_reader_url(app, client, admin, make):
    art = make.category("Art")
    make.post("Painted", categories=[art])
    assert edit(client, admin, art, slug="Fine Art").status_code == 303
    assert "Painted" in titles(client.get("/category/fine-art/"))
    # No redirect is kept for an old category slug (as WordPress does).
    assert client.get("/category/art/").status_code == 404


def test_category_edit_empty_slug_is_made_from_name(app, client, admin, make):
    art = make.category("Art")
    make.category("Visual Art!")  # holds the slug visual-art
    assert edit(client, admin, art, name="Visual Art", slug="").status_code == 303
    assert rows(app)["visual-art-2"][0] == "Visual Art"


def test_category_edit_own_slug_is_not_a_clash(app, client, admin, make):
    art = make.category("Art")
    assert edit(client, admin, art, slug="art", name="ART").status_code == 303
    assert rows(app)["art"][0] == "ART"


def test_category_edit_slug_taken_is_422(app, client, admin, make):
    art, music = make.category("Art"), make.category("Music")
    response = edit(client, admin, art, slug="music")
    assert response.status_code == 422
    assert "already used by \u201cMusic\u201d" in text(response)
    assert text(response).startswith("<!doctype html>")
    assert refreshed(app, art).slug == "art" and refreshed(app, music).slug == "music"


@pytest.mark.parametrize("new_parent", ["self", "child", "grandchild"])
def test_category_edit_parent_cycle_refused(app, client, admin, make, new_parent):
    top = make.category("Top")
    child = make.category("Child", parent_id=top.id)
    grandchild = make.category("Grandchild", parent_id=child.id)
    target = {"self": top, "child": child, "grandchild": grandchild}[new_parent]
    response = edit(client, admin, top, parent=str(target.id))
    assert response.status_code == 422
    assert "cannot sit under itself or one of its subcategories" in text(response)
    assert refreshed(app, top).parent_id is None


def test_category_edit_parent_choices_leave_out_itself_and_descendants(client, admin, make):
    top = make.category("Top")
    child = make.category("Child", parent_id=top.id)
    other = make.category("Other")
    body = text(client.get(f"{LIST}{top.id}/"))
    parent_select = body[body.index(f'id="category-{top.id}-parent"'):]
    parent_select = parent_select[:parent_select.index("</select>")]
    assert f'value="{other.id}"' in parent_select
    assert f'value="{child.id}"' not in parent_select and f'value="{top.id}"' not in parent_select


def test_category_edit_move_under_another_parent(app, client, admin, make):
    science, art = make.category("Science"), make.category("Art")
    assert edit(client, admin, art, parent=str(science.id)).status_code == 303
    assert rows(app)["art"][1] == "science"
    assert edit(client, admin, refreshed(app, art), parent="0").status_code == 303
    assert rows(app)["art"][1] is None


def test_category_edit_htmx_valid_returns_list(app, client, admin, make):
    art = make.category("Art")
    response = edit(client, admin, art, htmx=True, name="Artworks")
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#categories"
    assert "<th scope=\"row\">Artworks</th>" in text(response)


def test_category_edit_htmx_invalid_returns_row_with_errors(client, admin, make):
    art = make.category("Art")
    response = edit(client, admin, art, htmx=True, name="")
    assert response.status_code == 422
    body = text(response)
    assert body.lstrip().startswith(f'<tr id="category-{art.id}" class="category-editing">')
    assert "Enter a name." in body and "HX-Retarget" not in response.headers


def test_category_edit_unknown_is_404(client, admin):
    assert client.get(f"{LIST}999999/").status_code == 404
    assert client.get(f"{LIST}99999999999/").status_code == 404
    assert client.post(f"{LIST}999999/delete/", data={"csrf_token": admin}).status_code == 404


def test_uncategorized_keeps_its_slug_but_can_be_renamed(app, client, admin, make):
    default = make.category("Uncategorized")
    response = edit(client, admin, default, slug="misc")
    assert response.status_code == 422
    assert "keeps the slug \u201cuncategorized\u201d" in text(response)
    assert edit(client, admin, default, name="Miscellany").status_code == 303
    assert rows(app)["uncategorized"][0] == "Miscellany"


# Merge


def test_category_merge_moves_posts_without_duplicates(app, client, admin, make):
    a, b = make.category("Alpha"), make.category("Beta")
    kid = make.category("Kid", parent_id=a.id)
    make.post("Only A", categories=[a])
    make.post("Both", categories=[a, b])
    make.post("Only B", categories=[b])
    response = merge(client, admin, a, b)
    assert response.status_code == 303 and response.headers["Location"] == LIST
    assert links(app) == [("Both", "beta"), ("Only A", "beta"), ("Only B", "beta")]
    found = rows(app)
    assert "alpha" not in found and found["kid"][1] == "beta"
    assert client.get("/category/alpha/").status_code == 404
    assert sorted(titles(client.get("/category/beta/"))) == ["Both", "Only A", "Only B"]
    notice = "Merged \u201cAlpha\u201d into \u201cBeta\u201d (2 posts moved)."
    assert notice in text(client.get(LIST))
    assert refreshed(app, kid).parent_id == b.id


def test_category_merge_into_own_descendant_leaves_no_loop(app, client, admin, make):
    root = make.category("Root")
    a = make.category("Alpha", parent_id=root.id)
    middle = make.category("Middle", parent_id=a.id)
    b = make.category("Beta", parent_id=middle.id)
    assert merge(client, admin, a, b).status_code == 303
    found = rows(app)
    assert found["beta"][1] == "root"  # lifted to where Alpha was
    assert found["middle"][1] == "beta"


def test_category_merge_into_itself_or_unknown_is_422(app, client, admin, make):
    a = make.category("Alpha")
    for into in (str(a.id), "999999", "", "zero"):
        response = send(client, f"{LIST}{a.id}/merge/", admin, into=into)
        assert response.status_code == 422
        assert "Choose another category to merge into." in text(response)
    assert "alpha" in rows(app)


def test_category_merge_uncategorized_refused(app, client, admin, make):
    default, other = make.category("Uncategorized"), make.category("Other")
    response = merge(client, admin, default, other)
    assert response.status_code == 409
    assert "cannot be merged away" in text(response)
    assert "uncategorized" in rows(app)


def test_category_merge_into_uncategorized_allowed(app, client, admin, make):
    default, other = make.category("Uncategorized"), make.category("Other")
    make.post("Loose", categories=[other])
    assert merge(client, admin, other, default).status_code == 303
    assert links(app) == [("Loose", "uncategorized")]


def test_category_merge_htmx_returns_list(app, client, admin, make):
    a, b = make.category("Alpha"), make.category("Beta")
    response = merge(client, admin, a, b, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#categories"
    assert f'id="category-{a.id}"' not in text(response)
    assert "Merged \u201cAlpha\u201d into \u201cBeta\u201d (0 posts moved)." in text(response)


def test_category_merge_htmx_invalid_returns_row(client, admin, make):
    a = make.category("Alpha")
    response = send(client, f"{LIST}{a.id}/merge/", admin, htmx=True, into="0")
    assert response.status_code == 422
    assert text(response).lstrip().startswith(f'<tr id="category-{a.id}"')
    assert "Choose another category to merge into." in text(response)


# Delete


def test_category_delete_moves_orphans_to_uncategorized(app, client, admin, make):
    root = make.category("Root")
    doomed = make.category("Doomed", parent_id=root.id)
    keep = make.category("Keep")
    child = make.category("Child", parent_id=doomed.id)
    make.post("Orphan", categories=[doomed])
    make.post("Draft orphan", categories=[doomed], status="draft")
    make.post("Shared", categories=[doomed, keep])
    response = delete(client, admin, doomed)
    assert response.status_code == 303 and response.headers["Location"] == LIST
    assert links(app) == [("Draft orphan", "uncategorized"), ("Orphan", "uncategorized"),
                          ("Shared", "keep")]
    found = rows(app)
    assert "doomed" not in found
    assert found["uncategorized"] == ("Uncategorized", None, "")  # made when missing
    assert refreshed(app, child).parent_id == root.id
    assert client.get("/category/doomed/").status_code == 404
    assert "Orphan" in titles(client.get("/category/uncategorized/"))
    assert ("Category \u201cDoomed\u201d deleted. 2 posts moved to Uncategorized."
            in text(client.get(LIST)))


def test_category_delete_uses_existing_uncategorized(app, client, admin, make):
    default = make.category("Uncategorized")
    doomed = make.category("Doomed")
    make.post("Orphan", categories=[doomed])
    make.post("Already loose", categories=[default])
    assert delete(client, admin, doomed).status_code == 303
    assert links(app) == [("Already loose", "uncategorized"), ("Orphan", "uncategorized")]
    assert list(rows(app)) == ["uncategorized"]


def test_category_delete_without_posts_makes_no_uncategorized(app, client, admin, make):
    doomed = make.category("Doomed")
    assert delete(client, admin, doomed).status_code == 303
    assert rows(app) == {}


def test_uncategorized_cannot_be_deleted(app, client, admin, make):
    default = make.category("Uncategorized")
    make.post("Loose", categories=[default])
    response = delete(client, admin, default)
    assert response.status_code == 409
    assert "Uncategorized cannot be deleted" in text(response)
    assert links(app) == [("Loose", "uncategorized")]
    body = text(client.get(LIST))
    assert f'action="{LIST}{default.id}/delete/"' not in body
    assert "cannot be merged or deleted" in text(client.get(f"{LIST}{default.id}/"))


def test_uncategorized_delete_htmx_refusal_in_place(client, admin, make):
    default = make.category("Uncategorized")
    response = delete(client, admin, default, htmx=True)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "find .form-status"
    assert "<html" not in text(response)


def test_category_delete_htmx_returns_list_without_row(app, client, admin, make):
    doomed, keep = make.category("Doomed"), make.category("Keep")
    response = delete(client, admin, doomed, htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert response.headers["HX-Retarget"] == "#categories"
    assert f'id="category-{doomed.id}"' not in body and f'id="category-{keep.id}"' in body
    assert "Category \u201cDoomed\u201d deleted." in body
    assert 'autofocus' in body  # the notice takes focus, so it is read out


def test_category_delete_htmx_control_is_a_real_form(client, admin, make):
    doomed = make.category("Doomed")
    row = row_html(client.get(LIST), doomed)
    url = f"{LIST}{doomed.id}/delete/"
    assert f'action="{url}"' in row and f'hx-post="{url}"' in row and "hx-confirm" in row
    assert 'name="csrf_token"' in row
