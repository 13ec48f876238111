"""The markup a WordPress [gallery] becomes: a figure of figures, one per
image, each its original under /media/ (the post renderer offers the sizes),
styled by class only (static/css/site.css: .gallery, .gallery-columns-N), as
the CSP allows no inline style.

Attributes read, as WordPress reads them: ids (or include), exclude, id (the
post whose attached images to show), columns (1-9, default 3), size
(thumbnail, medium, large, full: a class), link ("none" for no link; any other
value links to the file, as there are no attachment pages here).
"""

from __future__ import annotations

from markupsafe import escape

COLUMNS_DEFAULT = 3
SIZES = ("thumbnail", "medium", "medium_large", "large", "full")


def _text(value: str) -> str:
    # Brackets would read as shortcodes in the steps that follow.
    return str(escape(value)).replace("[", "&#91;").replace("]", "&#93;")


def columns(value: str | None) -> int:
    try:
        number = int((value or "").strip())
    except ValueError:
        return COLUMNS_DEFAULT
    return number if 1 <= number <= 9 else COLUMNS_DEFAULT


def render(images, attrs: dict[str, str]) -> str:
    """`images` (each with url, alt, caption, width, height) as one gallery."""
    size = (attrs.get("size") or "thumbnail").strip().lower()
    size_class = f' class="size-{size}"' if size in SIZES else ""
    linked = (attrs.get("link") or "").strip().lower() != "none"
    items = []
    for image in images:
        img = (f'<img src="{_text(image.url)}" alt="{_text(image.alt)}" '
               f'width="{image.width}" height="{image.height}"{size_class}>')
        if linked:
            img = f'<a href="{_text(image.url)}">{img}</a>'
        caption = (f'<figcaption class="gallery-caption">{_text(image.caption)}</figcaption>'
                   if image.caption else "")
        items.append(f'<figure class="gallery-item">{img}{caption}</figure>')
    count = columns(attrs.get("columns"))
    return f'<figure class="gallery gallery-columns-{count}">{"".join(items)}</figure>'
