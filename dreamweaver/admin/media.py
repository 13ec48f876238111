"""The media library in /admin: the grid (search, pages), uploads of one or
several files, an image's details (alt text, title, caption, where it is
used) and deleting it.

Authors see and manage their own uploads; administrators all of them. Each
uploaded file is judged on its own: the ones we take are stored, each refusal
comes back next to its file name (422, 413 for a file too big, 503 when
the media store fails), and a refused file leaves nothing behind.
"""

import json
from typing import NamedTuple

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user

from ..extensions import db
from ..htmx import is_partial, render
from ..media import library
from ..media.images import Refused
from ..media.snippets import FORMATS, snippet
from ..models import Media
from ..params import whole_number
from .blueprint import bp
from .forms import DeleteForm, MediaAltForm, MediaEditForm, MediaUploadForm

PER_PAGE = 40
PICKER_PER_PAGE = 24
SEARCH_MAX = 200
# The most images one "just uploaded" list names (?uploaded=1,2,3).
UPLOADED_MAX = 50
PICKER_MODES = ("insert", "featured")


class Outcome(NamedTuple):
    """What became of one uploaded file: its media, or the message and status
    of its refusal."""

    name: str
    media: Media | None = None
    message: str = ""
    status: int = 201


def _visible():
    """The media the signed-in user may see and manage."""
    return library.visible_to(current_user)


def _media_or_404(media_id: int) -> Media:
    media = db.session.get(Media, media_id)
    if media is None or not library.may_use(current_user, media):
        abort(404)
    return media


def _search(per_page: int):
    """One page of the user's media matching ?s=, newest first: (items, has more,
    page number, words)."""
    number = whole_number(request.args.get("page", "1")) or 1
    words = request.args.get("s", "").replace("\x00", "").strip()[:SEARCH_MAX]
    query = sa.select(Media).where(_visible())
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(sa.or_(Media.title.ilike(pattern, escape="\\"),
                                   Media.original_name.ilike(pattern, escape="\\"),
                                   Media.alt.ilike(pattern, escape="\\")))
    rows = list(db.session.scalars(
        query.order_by(Media.created_at.desc(), Media.id.desc())
        .limit(per_page + 1).offset((number - 1) * per_page)))
    return rows[:per_page], len(rows) > per_page, number, words


def _just_uploaded() -> list[Outcome]:
    """The images named by ?uploaded= (after a plain upload), to ask for their alt text."""
    parts = request.args.get("uploaded", "").split(",")[:UPLOADED_MAX]
    ids = [i for i in map(whole_number, parts) if i is not None]
    if not ids:
        return []
    found = db.session.scalars(sa.select(Media).where(Media.id.in_(ids), _visible())
                               .order_by(Media.id))
    return [Outcome(media.original_name or media.key, media) for media in found]


def _library(status: int = 200, results=(), alt_form=None):
    items, has_more, number, words = _search(PER_PAGE)
    if not results and request.method == "GET":
        results = _just_uploaded()
    body = render("admin/media/library.html", "admin/media/_grid.html",
                  items=items, has_more=has_more, number=number, words=words,
                  form=MediaUploadForm(formdata=None), results=results,
                  alt_form=alt_form or MediaAltForm(formdata=None))
    return body, status


@bp.get("/media/")
def media_library():
    return _library()


@bp.post("/media/")
def media_upload():
    form = MediaUploadForm()
    files = [f for f in request.files.getlist("files") if f.filename or f.content_length]
    if not form.validate():
        return _library(422, [Outcome("", message=message, status=422)
                              for messages in form.errors.values() for message in messages])
    if not files:
        return _library(422, [Outcome("", message="Choose one or more images to upload.",
                                      status=422)])
    results = []
    alt = form.alt.data if len(files) == 1 else ""
    for file in files:
        name = library.display_name(file.filename or "")
        try:
            results.append(Outcome(name, library.upload(file, owner=current_user, alt=alt)))
            db.session.commit()
        except Refused as refused:
            db.session.rollback()
            results.append(Outcome(name, message=refused.message, status=refused.status))
    refusals = {outcome.status for outcome in results if outcome.media is None}
    # 413 when every refusal is a size, 503 when the store failed, else 422.
    status = max(refusals, default=201)
    if is_partial():
        return render("admin/media/library.html", "admin/media/_upload_results.html",
                      results=results, alt_form=MediaAltForm(formdata=None)), status
    if status == 201:
        flash(f"Uploaded {len(results)} image{'s' if len(results) != 1 else ''}. "
              "Add alt text to any that lacks it.")
        # The library then lists them again, each with its alt text field.
        uploaded = ",".join(str(outcome.media.id) for outcome in results)
        return redirect(url_for("admin.media_library", uploaded=uploaded), 303)
    return _library(status, results)


@bp.post("/media/<int:media_id>/alt")
def media_alt(media_id: int):
    """Only the alt text, as asked for next to a file just uploaded."""
    media = _media_or_404(media_id)
    form = MediaAltForm()
    status = 200
    if form.validate():
        media.alt = form.alt.data or ""
        db.session.commit()
        if not is_partial():
            flash(f"Saved the alt text of \u201c{media.title or media.original_name}\u201d.")
            back = request.form.get("uploaded", "")
            return redirect(url_for("admin.media_library", uploaded=back or None), 303)
    else:
        status = 422
        if not is_partial():
            return _library(status, [Outcome(media.original_name, media)], form)
    return render("admin/media/library.html", "admin/media/_uploaded_item.html",
                  outcome=Outcome(media.original_name, media), alt_form=form,
                  saved=status == 200), status


@bp.get("/media/picker")
def media_picker():
    """The library as a chooser for the editor: in its dialog (htmx) an image is
    inserted at the cursor or made the featured image; as a page of its own
    (opened in a new tab without JavaScript) each image shows the snippet to
    copy into the post."""
    mode = request.args.get("mode", "insert")
    fmt = request.args.get("format", "markdown")
    if mode not in PICKER_MODES or fmt not in FORMATS:
        abort(400, "Unknown picker mode or post format.")
    items, has_more, number, words = _search(PICKER_PER_PAGE)
    snippets = {media.id: {f: snippet(media, f) for f in FORMATS} for media in items}
    return render("admin/media/picker.html", "admin/media/_picker.html",
                  items=items, has_more=has_more, number=number, words=words, mode=mode,
                  format=fmt, snippets=snippets)


@bp.route("/media/<int:media_id>/", methods=["GET", "POST"])
def media_edit(media_id: int):
    media = _media_or_404(media_id)
    form = MediaEditForm(obj=media) if request.method == "GET" else MediaEditForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            form.populate_obj(media)
            db.session.commit()
            if not is_partial():
                flash("Saved.")
                return redirect(url_for("admin.media_edit", media_id=media.id), 303)
        else:
            status = 422
    return render("admin/media/edit.html", "admin/media/_details.html", media=media, form=form,
                  used_in=library.used_in(media.id), delete_form=DeleteForm()), status


@bp.post("/media/<int:media_id>/delete")
def media_delete(media_id: int):
    media = _media_or_404(media_id)
    form = DeleteForm()
    if not form.validate():
        abort(400, "The form expired; reload the page and try again.")
    used_in = library.used_in(media.id)
    if used_in and request.form.get("confirm") != "yes":
        # Ask first, saying where it is used (409: not done until confirmed).
        return render("admin/media/delete.html", "admin/media/_confirm_delete.html",
                      media=media, used_in=used_in, delete_form=form), 409
    library.delete(media)
    db.session.commit()
    flash("Image deleted.")
    if is_partial():
        # The image's page is gone: htmx fetches the library as a boosted link
        # would (the full page, swapped into <body>), not its grid fragment.
        response = make_response("", 200)
        response.headers["HX-Location"] = json.dumps({
            "path": url_for("admin.media_library"), "target": "body",
            "headers": {"HX-Boosted": "true"}})
        return response
    return redirect(url_for("admin.media_library"), 303)
