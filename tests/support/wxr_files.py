"""WXR files for the import and export tests: the fixture site's export, small
and large ones written on the fly, and `import-wxr` run on one."""

from pathlib import Path

from tests.support.paths import FIXTURES

SITE = FIXTURES / "wxr" / "site-1.2.xml"

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Big Old Site</title><link>https://big.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login><![CDATA[writer]]></wp:author_login></wp:author>
<wp:category><wp:category_nicename>dreams</wp:category_nicename>
<wp:cat_name>Dreams</wp:cat_name></wp:category>
"""
COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author>Reader {id}</wp:comment_author>
<wp:comment_date_gmt>2022-05-01 10:00:00</wp:comment_date_gmt>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>
<wp:comment_content><![CDATA[Comment number {id}.]]></wp:comment_content></wp:comment>
"""


def write_big_wxr(path: Path, items: int, body_bytes: int, comments: int = 2) -> Path:
    """`items` published posts, each with about `body_bytes` of content and
    `comments` comments (every second one a reply), written as a stream."""
    paragraph = "<p>" + "Lucid dreams unfold in quiet rooms of the mind. " * 20 + "</p>\n"
    body = paragraph * max(1, body_bytes // len(paragraph))
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(1, items + 1):
            thread = "".join(
                COMMENT.format(id=n * 100 + c, parent=n * 100 + c - 1 if c % 2 else 0)
                for c in range(comments))
            out.write(f"""<item><title>Big post {n}</title><dc:creator>writer</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>2022-05-01 12:00:00</wp:post_date>
<wp:post_date_gmt>2022-05-01 10:00:00</wp:post_date_gmt><wp:post_name>big-post-{n}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="dreams"><![CDATA[Dreams]]></category>
{thread}</item>
""")
        out.write("</channel></rss>\n")
    return path


def comment_xml(comment_id: int, *, parent: int = 0, author: str = "Reader", url: str = "",
                content: str = "A comment.") -> str:
    return f"""<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>
<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
<wp:comment_author_email>reader{comment_id}@example.org</wp:comment_author_email>
<wp:comment_author_url><![CDATA[{url}]]></wp:comment_author_url>
<wp:comment_date_gmt>2022-05-01 10:00:00</wp:comment_date_gmt>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>
<wp:comment_content><![CDATA[{content}]]></wp:comment_content></wp:comment>
"""


def item_xml(post_id: int, title: str, *, slug: str = "", content: str = "Imported body.",
             creator: str = "writer", comments: str = "", kind: str = "post",
             parent: int = 0) -> str:
    return f"""<item><title>{title}</title><dc:creator>{creator}</dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date>2022-05-01 12:00:00</wp:post_date>
<wp:post_date_gmt>2022-05-01 10:00:00</wp:post_date_gmt>
<wp:post_name>{slug or f"imported-{post_id}"}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>{kind}</wp:post_type>
<wp:post_parent>{parent}</wp:post_parent>
{comments}</item>
"""


def write_wxr(path: Path, items: str, *, site: str = "https://big.example.org") -> Path:
    """A small export of `site` holding `items` (item_xml's)."""
    head = HEAD.replace("https://big.example.org", site)
    path.write_text(f"{head}{items}</channel></rss>\n", encoding="utf-8")
    return path


def import_file(runner, path):
    return runner.invoke(args=["import-wxr", str(path)])


def attachment_xml(wp_id: int, path: str, *, parent: int = 0, alt: str = "", caption: str = "",
                   site: str = "https://big.example.org", attached: str | None = None,
                   url: str | None = None, order: int = 0) -> str:
    """An attachment item as WordPress exports one: its file at
    wp-content/uploads/`path` (`attached` overrides _wp_attached_file; None
    writes the path, "" none at all)."""
    attached = path if attached is None else attached
    meta = (f"<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
            f"<wp:meta_value><![CDATA[{attached}]]></wp:meta_value></wp:postmeta>"
            if attached else "")
    if alt:
        meta += (f"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                 f"<wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta>")
    return f"""<item><title>Image {wp_id}</title><dc:creator>writer</dc:creator>
<content:encoded><![CDATA[]]></content:encoded>
<excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
<wp:post_id>{wp_id}</wp:post_id><wp:post_date>2020-05-01 12:00:00</wp:post_date>
<wp:post_date_gmt>2020-05-01 10:00:00</wp:post_date_gmt><wp:post_name>image-{wp_id}</wp:post_name>
<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<wp:post_parent>{parent}</wp:post_parent><wp:menu_order>{order}</wp:menu_order>
<wp:attachment_url>{url or f"{site}/wp-content/uploads/{path}"}</wp:attachment_url>
{meta}</item>
"""


def thumbnail_xml(wp_id: int) -> str:
    return (f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
            f"<wp:meta_value><![CDATA[{wp_id}]]></wp:meta_value></wp:postmeta>")


def import_with_uploads(runner, path, uploads):
    return runner.invoke(args=["import-wxr", str(path), "--uploads", str(uploads)])
