"""What stands for a post where it is not shown whole: WordPress's excerpt
(feeds, meta descriptions) and the summary a listing shows."""

from typing import NamedTuple

from ..markup import auto_excerpt, text_of


def excerpt_of(post) -> str:
    """WordPress's get_the_excerpt: the excerpt the author wrote, else the first
    55 words of the teaser (the text before <!--more-->) or of the whole text."""
    if post.excerpt:
        return post.excerpt
    return auto_excerpt(text_of(post.teaser_html) if post.teaser_html else post.content_text)


class Summary(NamedTuple):
    teaser_html: str  # cleaned by the post policy when saved; "" for none
    text: str  # the excerpt, when there is no teaser
    more: bool  # the post holds more than this: "Continue reading"


def summary_of(post) -> Summary:
    """A post in a listing, as WordPress's theme lists it: its teaser as HTML
    when it has a <!--more-->; else its excerpt, the author's or the automatic
    55 words. "Continue reading" only when there is more to read: always after
    a teaser (render_teaser keeps none with nothing after it) and after an
    author's excerpt of a post with text, after an automatic one when it was cut.
    """
    if post.teaser_html:
        return Summary(post.teaser_html, "", True)
    if post.excerpt:
        return Summary("", post.excerpt, bool(post.content_html.strip()))
    text = auto_excerpt(post.content_text)
    return Summary("", text, text != post.content_text)
