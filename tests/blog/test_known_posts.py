"""The single post page's cached look-up (dreamweaver/blog/lookup.py)."""


from dreamweaver.blog.lookup import KnownPost, visible_post
from dreamweaver.extensions import cache, db
from dreamweaver.models import Post


def look_up(app, slug):
    with app.test_request_context():
        found = visible_post(slug)
        if isinstance(found, KnownPost):  # what the page would go on to use
            return found, found.author.display_name, [c.name for c in found.categories]
        return found, None, None


def test_second_look_up_is_the_cached_fields_and_loads_the_rest_on_use(cached_app, make):
    post = make.post("Known", categories=[make.category("Kept")],
                     author=make.account("keeper", "author"))
    first, _, _ = look_up(cached_app, post.slug)
    assert isinstance(first, Post)
    second, author, categories = look_up(cached_app, post.slug)
    assert isinstance(second, KnownPost)
    assert (second.id, second.title, second.password) == (post.id, "Known", "")
    assert author and categories == ["Kept"]


def test_protected_and_unknown_posts_are_never_kept(cached_app, make):
    guarded = make.post("Guarded", password="pw")
    for _ in range(2):
        found, _, _ = look_up(cached_app, guarded.slug)
        assert isinstance(found, Post) and found.password == "pw"
        assert look_up(cached_app, "no-such-post")[0] is None
    with cached_app.app_context():
        assert not [key for key in cache.cache._cache if ":post:" in key]


def test_without_a_cache_every_look_up_reads_the_database(app, make):
    post = make.post("Uncached")
    for _ in range(2):
        with app.test_request_context():
            assert isinstance(visible_post(post.slug), Post)
    with app.app_context():
        assert db.session.get(Post, post.id).title == "Uncached"
