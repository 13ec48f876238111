"""Slugs by WordPress's rules: slugify() and unique_slug() (DESIGN.md, "Slugs")."""

import pytest

from dreamweaver.extensions import db
from dreamweaver.models import Category, Post
from dreamweaver.slugs import RESERVED, slugify, unique_slug


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Psychology & Spirituality", "psychology-spirituality"),
        ("Psychology/Spirituality", "psychology-spirituality"),
        ("Tomás Okafor", "tomas-okafor"),
        ("Déjà vu: Ça va?", "deja-vu-ca-va"),
        ("Hello, World!", "hello-world"),
        ("Don't Stop (Believin')", "dont-stop-believin"),
        ("MDMA-Assisted   Therapy", "mdma-assisted-therapy"),
        ("a -- b", "a-b"),
        ("a / b", "a-b"),
        ("  --Leading and trailing--  ", "leading-and-trailing"),
        ("!Shout!", "shout"),
        ("Rock &amp; Roll", "rock-roll"),
        ("Ayahuasca \u2014 Retreats", "ayahuasca-retreats"),
        ("LSD", "lsd"),
        ("2024 in Review", "2024-in-review"),
    ],
)
def test_slugify_wordpress_rules(text, slug):
    assert slugify(text) == slug


def test_slugify_nul_stripped():
    assert slugify("Psy\x00chology") == "psychology"
    assert "\x00" not in slugify("\x00\x00a\x00")


@pytest.mark.parametrize("text", ["", "   ", "!!!", "&", "---", "\x00"])
def test_slugify_empty(text):
    assert slugify(text) == ""


def test_slugify_max_length_no_trailing_dash():
    slug = slugify("word " * 100, max_length=12)
    assert len(slug) <= 12
    assert not slug.endswith("-")
    assert slug == "word-word-wo"


def test_slugify_only_slug_characters():
    slug = slugify("Ünïcödé — «quotes» & ‘smart’ “marks” ½ ©2024 \t\nnew line")
    assert slug
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "--" not in slug
    assert not slug.startswith("-") and not slug.endswith("-")


# --- unique_slug ---------------------------------------------------------------------


def add_category(name, slug=None):
    category = Category(name=name, slug=slug or unique_slug(Category.slug, slugify(name)))
    db.session.add(category)
    db.session.flush()
    return category


def test_unique_slug_clash_gets_numbered_in_creation_order(ctx):
    first = add_category("Psychology & Spirituality")
    second = add_category("Psychology/Spirituality")
    third = add_category("Psychology: Spirituality")
    db.session.commit()
    assert first.slug == "psychology-spirituality"
    assert second.slug == "psychology-spirituality-2"
    assert third.slug == "psychology-spirituality-3"


def test_unique_slug_free_base_kept(ctx):
    add_category("Microdosing")
    assert unique_slug(Category.slug, "microdosing-guide") == "microdosing-guide"


def test_unique_slug_fills_first_gap(ctx):
    add_category("Set", slug="set")
    add_category("Set 3", slug="set-3")
    assert unique_slug(Category.slug, "set") == "set-2"


def test_unique_slug_longer_slug_not_counted_as_clash(ctx):
    add_category("Psychology & Spirituality Today")
    assert unique_slug(Category.slug, "psychology-spirituality") == "psychology-spirituality"


def test_unique_slug_empty_base_untitled(ctx):
    assert unique_slug(Category.slug, "") == "untitled"
    add_category("!!!")
    assert unique_slug(Category.slug, "") == "untitled-2"


def test_unique_slug_underscore_not_a_wildcard(ctx):
    add_category("a_b", slug="a_b")
    add_category("axb-2", slug="axb-2")
    assert unique_slug(Category.slug, "axb") == "axb"
    assert unique_slug(Category.slug, "a_b") == "a_b-2"


def test_unique_slug_underscore_base_counts_its_own_suffixes(ctx):
    add_category("a_b", slug="a_b")
    add_category("a_b-2", slug="a_b-2")
    add_category("axb-3", slug="axb-3")
    assert unique_slug(Category.slug, "a_b") == "a_b-3"


def test_unique_slug_percent_not_a_wildcard(ctx):
    add_category("50x", slug="50x")
    add_category("50xoff", slug="50xoff")
    add_category("50xoff-2", slug="50xoff-2")
    assert unique_slug(Category.slug, "50") == "50"
    assert unique_slug(Category.slug, "50%off") == "50%off"


def test_unique_slug_percent_encoded_base_counts_its_suffixes(ctx):
    # WordPress keeps non-Latin slugs percent-encoded ("caf%c3%a9"), and imported
    # slugs are kept as WordPress made them, so such a base must get a free suffix.
    add_category("Café", slug="caf%c3%a9")
    add_category("Café 2", slug="caf%c3%a9-2")
    assert unique_slug(Category.slug, "caf%c3%a9") == "caf%c3%a9-3"


def test_unique_slug_where_scopes_the_clash(ctx):
    page = Post(type="page", status="published", title="About", slug="about")
    db.session.add(page)
    db.session.flush()
    assert unique_slug(Post.slug, "about", Post.type == "post") == "about"
    assert unique_slug(Post.slug, "about", Post.type == "page") == "about-2"


def test_unique_slug_reserved_never_given(ctx):
    assert "admin" in RESERVED
    assert unique_slug(Post.slug, "admin", reserved=RESERVED) == "admin-2"
