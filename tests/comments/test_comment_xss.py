"""No comment, name or website can put executable markup on a page.

The checker parses HTML as a browser would and judges every element and
attribute it finds against the comment policy (allowed tags and attributes,
http/https/mailto links, no event handlers, no style), so a vector passes only
because the output is inert, never because the vector is on a list.
"""

import base64
import itertools
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from dreamweaver import create_app
from dreamweaver.extensions import db
from dreamweaver.models import Comment
from dreamweaver.sanitize import NOTHING_LEFT, TooComplex, clean_comment, clean_comment_html
from tests.support.comment_client import HTMX, SAME_ORIGIN, issue_token, permalink, send
from tests.support.factories import Factory
from tests.support.paths import ROOT
from tests.support.responses import text
from tests.support.settings import TEST_SETTINGS
from tests.support.templates import COMPILED_TEMPLATES

# WordPress's comment allowlist (the issue's list), plus the paragraphs and
# line breaks that the policy adds itself.
COMMENT_TAGS = frozenset({"a", "abbr", "acronym", "b", "blockquote", "cite", "code", "del", "em",
                          "i", "q", "s", "strike", "strong", "p", "br"})
COMMENT_ATTRIBUTES = {"a": {"href", "title", "rel"}, "abbr": {"title"}, "acronym": {"title"},
                      "blockquote": {"cite"}, "del": {"datetime"}, "q": {"cite"}}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# The page's own favicon travels inline (dreamweaver/assets.py); no other data: URL may.
FAVICON = "data:image/svg+xml;base64," + base64.b64encode(
    (ROOT / "static/images/favicon.svg").read_bytes()).decode()
# Attributes whose value a browser fetches or navigates to.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "cite", "data", "poster",
                            "background", "xlink:href", "codebase", "lowsrc", "dynsrc", "ping"})
# Elements that run or load something whatever their attributes.
ACTIVE_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet",
                         "base", "svg", "math", "style", "form", "portal"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_URL_STRIP = re.compile(r"[\x00-\x20\x7f]")
# Control characters but tab and line breaks: the form refuses them (422) before
# anything is cleaned, and echoes the rest of the text back, which must be inert too.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would follow for an attribute value (already decoded
    by the parser, once, as a browser does), or None for a relative URL.

    Browsers drop leading and trailing control characters and spaces and every
    tab and newline inside a URL; all control characters and spaces are dropped
    here, which is stricter."""
    match = _SCHEME.match(_URL_STRIP.sub("", value).lower())
    return match.group(1) if match else None


def attribute_problems(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    """What makes this element's attributes executable, in words."""
    problems = []
    for name, value in attrs:
        if name.startswith(("on", "hx-on", "data-hx-on")) or name == "style":
            problems.append(f"<{tag} {name}>")
        elif name in URL_ATTRIBUTES and value is not None:
            scheme = url_scheme(value)
            if scheme is not None and scheme not in SAFE_SCHEMES:
                problems.append(f"<{tag} {name}={value!r}> ({scheme}:)")
    if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
        problems.append("<meta http-equiv>")
    return problems


class Parsed(HTMLParser):
    """A piece of HTML as a browser's parser sees it: every element as
    (tag, attrs, marks of its ancestors), where marks are "#id" and ".class";
    comments, declarations and processing instructions as tag "!"."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.nodes: list[tuple[str, list, tuple]] = []
        self.open: list[tuple[str, frozenset]] = []
        self.feed(html)
        self.close()

    def _add(self, tag, attrs):
        self.nodes.append((tag, attrs, tuple(marks for _, marks in self.open)))

    def handle_starttag(self, tag, attrs):
        self._add(tag, attrs)
        if tag not in VOID:
            marks = {f"#{v}" for n, v in attrs if n == "id" and v}
            marks |= {f".{c}" for n, v in attrs if n == "class" and v for c in v.split()}
            self.open.append((tag, frozenset(marks)))

    def handle_startendtag(self, tag, attrs):
        self._add(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_comment(self, data):
        self._add("!", [("text", f"<!--{data}-->")])

    def handle_decl(self, decl):
        self._add("!", [("text", f"<!{decl}>")])

    def unknown_decl(self, data):
        self._add("!", [("text", f"<![{data}]>")])

    def handle_pi(self, data):
        self._add("!", [("text", f"<?{data}>")])


def parse(html: str) -> list[tuple[str, list, tuple]]:
    return Parsed(html).nodes


def within(nodes, mark: str) -> list[tuple[str, list, tuple]]:
    """The nodes inside every element marked `mark` ("#id" or ".class")."""
    return [node for node in nodes if any(mark in marks for marks in node[2])]


def markup_problems(nodes, tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES) -> list[str]:
    """Everything outside the comment policy: tags and attributes not allowed,
    event handlers, styles, non-http(s)/mailto URLs, comments and declarations."""
    problems = []
    for tag, attrs, _ in nodes:
        if tag == "!":
            problems.append(attrs[0][1])
            continue
        if tag not in tags:
            problems.append(f"<{tag}> not allowed")
        problems += [f"<{tag} {name}> not allowed" for name, _ in attrs
                     if name not in attributes.get(tag, ())]
        problems += attribute_problems(tag, attrs)
    return problems


def executable_markup(html: str) -> list[str]:
    """What in a piece of comment HTML is outside the comment policy; [] means inert."""
    return markup_problems(parse(html))


def page_problems(html_or_nodes) -> list[str]:
    """Executable markup anywhere in a page or fragment: the page's own scripts
    come from /static/ and its forms post to this site; nothing else may run."""
    nodes = parse(html_or_nodes) if isinstance(html_or_nodes, str) else html_or_nodes
    problems = []
    for tag, attrs, _ in nodes:
        if tag == "!" or (tag == "link" and attrs == [("rel", "icon"), ("href", FAVICON),
                                                           ("type", "image/svg+xml")]):
            continue
        problems += attribute_problems(tag, attrs)
        values = dict(attrs)
        # A JSON-LD data block is never executed (browsers run only JavaScript types).
        data_block = values.get("type") == "application/ld+json" and "src" not in values
        if tag == "script" and not data_block and \
                not (values.get("src") or "").startswith("/static/"):
            problems.append(f"<script> not from /static/: {attrs!r}")
        elif tag == "form" and not (values.get("action") or "").startswith("/"):
            problems.append(f"<form action={values.get('action')!r}>")
        elif tag in ACTIVE_TAGS - {"script", "form"}:
            problems.append(f"<{tag}>")
    return problems


VECTORS = [
    # script elements, in many casings and encodings
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt src=//evil.example/x.js></sCrIpT>",
    "<script/xss src=x></script>",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "<script>alert(1)",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="javascript:alert(1);">',
    "<b onmouseover=\"alert(1)\">hover</b>",
    "<b/onclick=alert(1)>x</b>",
    "<i\tonclick=alert(1)>x</i>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<x onclick=alert(1)>custom</x>",
    "<body onload=alert(1)>",
    # links with dangerous schemes
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="javascript&#0000058alert(1)">x</a>',
    "<a href=javascript&#58;alert(1)>x</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="http://ok.example/" onclick="alert(1)" style="color:red" target="_blank">x</a>',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
    '<q cite="data:text/html,x">q</q>',
    # active elements
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    '<object data="javascript:alert(1)">',
    '<embed src="javascript:alert(1)">',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<link rel="stylesheet" href="http://evil.example/x.css">',
    # breaking out of attributes and elements
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a title="x" onmouseover="alert(1)" ">y</a>',
    "<a title='\"><script>alert(1)</script>'>x</a>",
    "<a title=`x` onmouseover=`alert(1)`>x</a>",
    '<abbr title="&quot;><script>alert(1)</script>">x</abbr>',
    '<a href="https://example.org/&quot; onmouseover=&quot;alert(1)">x</a>',
    "<b <script>alert(1)</script>>",
    "<b><i><script>alert(1)",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea><script>alert(1)</script></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    "</p></div></li></ol></section><script>alert(1)</script>",
    # comments, CDATA, declarations
    "<!--<script>alert(1)</script>-->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "--><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><script>alert(1)</script>',
    "<!DOCTYPE html><script>alert(1)</script>",
    # bare text that the linkifier sees
    "javascript:alert(1)",
    'http://example.org/"><script>alert(1)</script>',
    "www.example.org/<script>alert(1)</script>",
    "http://example.org/?q=<img src=x onerror=alert(1)>",
    "<code>http://example.org/ <script>alert(1)</script></code>",
    "data:a.com/x,alert(1)",
    "data:text/html,a.com/<script>alert(1)</script>",
    "ftp://example.org/x",
    "irc://irc.example.org/#x",
    "ssh://example.org",
    "feed:www.example.org/x",
    "xmpp:a@example.org",
    "<a href=\"https://ok.example/\">x</a> gopher://example.org",
]

def vector_id(vector: str) -> str:
    return vector.encode("unicode_escape").decode()[:40]


@pytest.fixture(scope="module")
def xapp(database_uri, _migrated):
    """One app for the whole module: each vector gets its own post, and the
    tables are emptied once at the end (many cases, a few milliseconds each)."""
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri})
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    yield app
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture(scope="module")
def xmake(xapp):
    factory = Factory(xapp)
    factory.clock = datetime(2023, 6, 1, tzinfo=UTC)
    return factory


@pytest.fixture
def xclient(xapp):
    return xapp.test_client()


_serial = itertools.count(1)


@pytest.fixture
def xpost(xapp, xmake):
    """A fresh post, its permalink and a form token for it."""
    post = xmake.post(f"Vector {next(_serial)}")
    return post, permalink(xapp, post), issue_token(xapp, post)


def last_comment(app, post_id: int) -> Comment:
    with app.app_context():
        return db.session.scalar(sa.select(Comment).where(Comment.post_id == post_id)
                                 .order_by(Comment.id.desc()).limit(1))


def comment_total(app, post_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Comment)
                                 .where(Comment.post_id == post_id))


# --- the checker itself ------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    ["<script>x</script>", "<p onclick=x>a</p>", '<a href=" JAVA\tSCRIPT:x">a</a>',
     '<a href="data:text/html,x">a</a>', '<b style="x">a</b>', "<img src=x>", "<!-- x -->",
     '<a href="https://x.example/" target="_blank">a</a>', '<q cite="vbscript:x">a</q>'],
)
def test_checker_flags_executable_markup(html):
    assert executable_markup(html)


@pytest.mark.parametrize(
    "html",
    ['<p><a href="https://x.example/" rel="nofollow ugc">a</a><br>b</p>',
     '<p><a href="mailto:a@x.example">a</a> <a href="/relative">r</a> &lt;script&gt;</p>',
     '<p><a href="javascript&amp;#58;x">not a scheme once decoded</a></p>'],
)
def test_checker_passes_inert_markup(html):
    assert executable_markup(html) == []


# --- vectors through the form ------------------------------------------------------


def stored_or_refused(app, client, xpost, refused, **fields):
    """Post a comment with `fields`: the stored comment, or None when it was
    refused as `refused` says it must be (422, a clean page, nothing stored)."""
    post, url, token = xpost
    response = send(client, url, token=token, **fields)
    if refused:
        assert response.status_code == 422
        assert page_problems(text(response)) == []
        assert comment_total(app, post.id) == 0
        return None
    assert response.status_code == 303, text(response)[:300]
    return last_comment(app, post.id)


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_create_comment_text_vector_inert(xapp, xclient, xpost, vector):
    # Control characters are refused; so is markup of which nothing is left.
    stored = stored_or_refused(xapp, xclient, xpost, _CONTROL.search(vector) or not clean_comment(
        vector), comment=vector, author="Vee")
    if stored is None:
        return
    post, url, _ = xpost
    assert executable_markup(stored.content_html) == [], stored.content_html
    assert stored.content_html == clean_comment(vector)
    page = text(xclient.get(url))
    assert f'<div class="comment-content">{stored.content_html}</div>' in page
    nodes = parse(page)
    assert markup_problems(within(nodes, ".comment-content")) == []
    assert page_problems(nodes) == []


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_preview_vector_inert(xclient, vector):
    response = xclient.post("/partials/comment-preview", data={"comment": vector},
                            headers={**SAME_ORIGIN, **HTMX})
    body = text(response)
    if _CONTROL.search(vector):
        assert response.status_code == 422
        assert page_problems(body) == []
        return
    assert response.status_code == 200
    cleaned = clean_comment(vector)
    if cleaned:
        assert f'<div class="comment-content">{cleaned}</div>' in body
    else:
        assert escape(NOTHING_LEFT) in body
    nodes = parse(body)
    assert markup_problems(within(nodes, ".comment-content")) == []
    assert markup_problems(within(nodes, ".comment-preview-notes"), tags={"li"}) == []
    assert page_problems(nodes) == []


def author_markup(nodes, comment_id: int) -> list[tuple[str, dict]]:
    return [(tag, dict(attrs)) for tag, attrs, _ in within(nodes, f"#comment-{comment_id}-author")]


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_create_author_vector_inert(xapp, xclient, xpost, vector):
    stored = stored_or_refused(xapp, xclient, xpost, _CONTROL.search(vector), author=vector,
                               comment="Name test.", url="https://ok.example/")
    if stored is None:
        return
    post, url, _ = xpost
    page = text(xclient.get(url))
    nodes = parse(page)
    # The name is text: the link and "says:" are the only elements beside it.
    assert [tag for tag, _ in author_markup(nodes, stored.id)] == ["a", "span"]
    assert f">{escape(stored.author_name)}</a>" in page
    assert page_problems(nodes) == []
    reply_form = text(xclient.get(f"/partials/comment-form/{post.id}/?replytocom={stored.id}",
                                  headers=HTMX))
    assert page_problems(reply_form) == []


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_create_website_vector_inert(xapp, xclient, xpost, vector):
    post, url, token = xpost
    response = send(xclient, url, token=token, url=vector, comment="Website test.")
    assert response.status_code in (303, 422), text(response)[:300]
    if response.status_code == 422:
        assert page_problems(text(response)) == []
        assert comment_total(xapp, post.id) == 0
        return
    stored = last_comment(xapp, post.id)
    assert url_scheme(stored.author_url) in ("http", "https")
    nodes = parse(text(xclient.get(url)))
    links = [attrs["href"] for tag, attrs in author_markup(nodes, stored.id) if tag == "a"]
    assert links == [stored.author_url]
    assert page_problems(nodes) == []


def test_create_htmx_response_vector_inert(xclient, xpost):
    _, url, token = xpost
    vectors = "\n\n".join(v for v in VECTORS if not _CONTROL.search(v))
    response = send(xclient, url, htmx=True, token=token, comment=vectors,
                    author='"><img src=x onerror=1>')
    assert response.status_code == 200
    nodes = parse(text(response))
    assert markup_problems(within(nodes, ".comment-content")) == []
    assert page_problems(nodes) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("status", [422, 409, 400])
def test_create_refused_form_echo_vector_inert(xapp, xclient, xpost, status, htmx):
    post, url, token = xpost
    vectors = "\n\n".join(VECTORS)
    fields = {"comment": vectors, "author": '"><img src=x onerror=1>',
              "url": '"><script>alert(1)</script>'}
    if status == 422:
        fields["comment"] += "\x01"
    elif status == 409:
        fields["comment"] = fields["comment"].replace("\x01", "")
        fields["url"] = ""
        assert send(xclient, url, token=token, **fields).status_code == 303
    else:
        token = "<script>alert(1)</script>"
    response = send(xclient, url, htmx=htmx, token=token, **fields)
    assert response.status_code == status
    assert page_problems(text(response)) == []
    assert comment_total(xapp, post.id) == (1 if status == 409 else 0)


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_clean_comment_vector_inert(vector):
    # Through clean_comment_html too: imports and admin edits keep control
    # characters out by stripping, not refusing.
    assert executable_markup(clean_comment(vector)) == []
    assert executable_markup(clean_comment_html(vector)) == []


def test_recent_comments_widget_name_inert(xmake, xclient):
    post = xmake.post("Widget vector")
    xmake.comment(post, author_name="<script>alert(1)</script>")
    page = text(xclient.get("/"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page_problems(page) == []


# --- properties of the sanitizer --------------------------------------------------------

FRAGMENTS = [
    "<", ">", "</", "/>", "<a", "<a href=", "<a href=\"", "\"", "'", "`", "=", " ", "\t", "\n",
    "\n\n", "\x00", "\x01", "&", "&#", "&#x09;", "&#58;", "&colon;", "&lt;", "&amp;", ";",
    "javascript:", "JaVaScRiPt:", "jav\tascript:", "data:text/html,", "vbscript:", "alert(1)",
    " onclick=", " onerror=", " style=", " title=", " cite=", " rel=", " href=",
    "<script>", "</script>", "<img src=x", "<svg", "<iframe", "<style>", "<b>", "</b>", "<i>",
    "<code>", "</code>", "<pre>", "<p>", "</p>", "<br>", "<blockquote>", "<q>", "<abbr",
    "<!--", "-->", "<![CDATA[", "]]>", "<?", "<!", "http://example.org/", "https://x.example",
    "www.example.org", "mailto:a@example.org", "a@example.org", "\u202e", "\ufeff", "\r\n",
    # Bare URLs in schemes the linkifier knows but the policy refuses, whole and in parts.
    "ftp://a.com/", "data:a.com/x,", "irc://a.com", "ssh://a.com", "feed:a.com", "xmpp:a@a.com",
    "news:a.com", "tel:a.com", "ftp://", "data:", "feed:", "a.com",
]
html_ish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)),
                    max_size=24).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.text())
@example("<a href=\"jav&#x09;ascript:alert(1)\">x</a>")
def test_clean_comment_text_never_executable(value):
    assert executable_markup(clean_comment(value)) == []


@settings(max_examples=150, deadline=None)
@given(html_ish)
@example("<code>http://example.org/ &amp; <b>x</b></code>")
@example("<a href=\"http://x.example\" title=\"a\n\nb\">x</a>")
@example("data:a.com/x,alert(1)")
@example("ftp://a.com/ irc://a.com feed:a.com xmpp:a@a.com")
@example("<ftp://a.com/ftp://a.com/ftp://a.com/ftp://a.com/")
def test_clean_comment_html_ish_never_executable(value):
    assert executable_markup(_cleaned_or_refused(value)) == []


def _cleaned_or_refused(value: str) -> str:
    """What is shown of `value`: its cleaned HTML, or nothing when the sanitizer
    refuses it as too complex (a tag of more than 8 attributes: "<ftp://a/ftp://a/..."
    reads as one), which the comment form tells the reader before anything is stored."""
    try:
        return clean_comment(value)
    except TooComplex:
        return ""


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_clean_comment_text_idempotent(value):
    cleaned = clean_comment(value)
    assert clean_comment_html(cleaned) == cleaned


@settings(max_examples=150, deadline=None)
@given(html_ish)
@example("<code>http://example.org/ &amp; <b>x</b></code>")
@example("www.example.org/<code>x</code>")
@example("data:a.com/x,alert(1)")
@example("ftp://a.com/ irc://a.com feed:a.com xmpp:a@a.com")
def test_clean_comment_html_ish_idempotent(value):
    cleaned = _cleaned_or_refused(value)
    assert clean_comment_html(cleaned) == cleaned
