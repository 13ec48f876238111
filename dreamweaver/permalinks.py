"""The permalink format, in one place: /<yyyy>/<mm>/<dd>/<slug>/ for posts, /<slug>/ for pages."""

from flask import url_for


def post_url(post, **values) -> str:
    if post.type == "page":
        return url_for("blog.page", slug=post.slug, **values)
    local = post.published_local
    return url_for(
        "blog.post",
        year=local.year,
        month=local.month,
        day=local.day,
        slug=post.slug,
        **values,
    )
