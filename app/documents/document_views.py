"""HTML routes of co-authored documents: create, read, edit with merge, history, diff, revert."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app import policy
from app.documents import discussion, folders, revisions
from app.documents.kinds import kind_labels, starting_text
from app.documents.models import Document, DocumentKind
from app.documents.revisions import EditConflict, SaveResult
from app.documents.schemas import DocumentCreate, Preview, RevertRequest, RevisionSubmit
from app.errors import DomainError, Invalid
from app.i18n import _
from app.markup import render_markdown
from app.networks import service as networks_service
from app.networks.models import Network
from app.policy import Action
from app.web.deps import DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, redirect, render

router = APIRouter()


def document_url(request: Request, network: Network, document: Document) -> str:
    return str(request.app.url_path_for("document", slug=network.slug, document_id=document.id))


def load_document(db, viewer, slug: str, document_id: int, action: Action) -> tuple[Network, Document]:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_READ, network)
    document = revisions.get_document(db, network, document_id)
    policy.require(viewer, action, document)
    return network, document


def merge_note(result: SaveResult) -> str:
    """What the author is told when their save was merged with others' revisions."""
    names = sorted({r.author.display_name for r in result.merged if r.author})
    return _(
        "Saved as revision %(n)s. Changes saved meanwhile by %(names)s were kept and merged with yours.",
        n=result.revision.number,
        names=", ".join(names) or _("someone"),
    )


# --- creating ----------------------------------------------------------------------


def _new_context(db, network: Network, form: FormResult, preview_html: str = "") -> dict:
    return {
        "network": network,
        "form": form,
        "kind_options": [(kind.value, label) for kind, label in kind_labels().items()],
        "folder_options": [("", _("Top level"))]
        + [(str(c.id), c.path) for c in folders.folder_tree(folders.list_folders(db, network))],
        "preview_html": preview_html,
    }


@router.get("/n/{slug}/documents/new", name="document_new")
def document_new_page(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    kind: Annotated[DocumentKind, Query()] = DocumentKind.FREE,
    folder: Annotated[int | None, Query()] = None,
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.DOCUMENT_CREATE, network)
    if folder:
        folders.get_folder(db, network, folder)
    title = kind_labels()[kind] if kind != DocumentKind.FREE else ""
    form = FormResult(values={"kind": kind.value, "folder_id": str(folder or ""), "title": title, "body": starting_text(kind)})
    return render(request, "documents/document_new.html", _new_context(db, network, form))


@router.post("/n/{slug}/documents/new")
def document_create(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[DocumentCreate], Depends(form_parser(DocumentCreate))],
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.DOCUMENT_CREATE, network)
    if form.ok and form.values.get("action") == "preview":
        return render(request, "documents/document_new.html", _new_context(db, network, form, render_markdown(form.data.body)))
    if form.ok:
        data = form.data
        try:
            folder = folders.get_folder(db, network, data.folder_id) if data.folder_id else None
            document = revisions.create_document(
                db, actor=viewer.user, network=network, folder=folder, kind=data.kind,
                title=data.title, body=data.body, comment=data.comment,
            )
        except DomainError as error:
            db.rollback()
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("The document has been created."))
            return redirect(request, document_url(request, network, document))
    return render(request, "documents/document_new.html", _new_context(db, network, form), status_code=422)


@router.post("/n/{slug}/documents/preview", name="document_preview")
def document_preview(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[Preview], Depends(form_parser(Preview))],
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_READ, network)
    html = render_markdown(form.data.body) if form.ok else ""
    return render(request, "documents/_preview.html", {"preview_html": html})


# --- reading -----------------------------------------------------------------------


def _readable_discussion(db, viewer, document: Document):
    # The topic may sit in a staff-only category: its link shows only to those who may read it.
    topic = discussion.get_discussion(db, document)
    return topic if topic is not None and policy.can(viewer, Action.TOPIC_READ, topic) else None


@router.get("/n/{slug}/documents/{document_id}", name="document")
def document_page(request: Request, slug: str, document_id: int, db: DbSession, viewer: Viewer) -> Response:
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    return render(
        request,
        "documents/document.html",
        {
            "network": network,
            "document": document,
            "revision": revisions.get_revision(db, document),
            "contributors": revisions.list_contributors(db, document),
            "breadcrumb": folders.folder_path(db, document.folder),
            "kind_labels": kind_labels(),
            "discussion": _readable_discussion(db, viewer, document),
        },
    )


@router.get("/n/{slug}/documents/{document_id}/history", name="document_history")
def document_history(request: Request, slug: str, document_id: int, db: DbSession, viewer: Viewer) -> Response:
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    return render(
        request,
        "documents/history.html",
        {"network": network, "document": document, "revisions": revisions.list_revisions(db, document)},
    )


@router.get("/n/{slug}/documents/{document_id}/diff", name="document_diff")
def document_diff(
    request: Request,
    slug: str,
    document_id: int,
    db: DbSession,
    viewer: Viewer,
    old: Annotated[int, Query(alias="from", ge=1)],
    new: Annotated[int, Query(alias="to", ge=1)],
    view: Annotated[str, Query()] = "inline",
) -> Response:
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    diff = revisions.diff_revisions(db, document, old, new)
    return render(
        request,
        "documents/diff.html",
        {
            "network": network,
            "document": document,
            "diff": diff,
            "old": revisions.get_revision(db, document, old),
            "new": revisions.get_revision(db, document, new),
            "view": "side" if view == "side" else "inline",
        },
        block="diff",
    )


@router.get("/n/{slug}/documents/{document_id}/r/{number}", name="document_revision")
def document_revision(request: Request, slug: str, document_id: int, number: int, db: DbSession, viewer: Viewer) -> Response:
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    return render(
        request,
        "documents/revision.html",
        {"network": network, "document": document, "revision": revisions.get_revision(db, document, number)},
    )


# --- editing -----------------------------------------------------------------------


def _edit_context(network: Network, document: Document, form: FormResult, **extra) -> dict:
    return {"network": network, "document": document, "form": form, "conflict": None, "preview_html": "", **extra}


@router.get("/n/{slug}/documents/{document_id}/edit", name="document_edit")
def document_edit_page(request: Request, slug: str, document_id: int, db: DbSession, viewer: Viewer) -> Response:
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_EDIT)
    head = revisions.get_revision(db, document)
    form = FormResult(values={"title": head.title, "body": head.body, "base_number": str(head.number)})
    return render(request, "documents/edit.html", _edit_context(network, document, form))


@router.post("/n/{slug}/documents/{document_id}/edit")
def document_save(
    request: Request,
    slug: str,
    document_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[RevisionSubmit], Depends(form_parser(RevisionSubmit))],
) -> Response:
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_EDIT)
    if form.ok and form.values.get("action") == "preview":
        context = _edit_context(network, document, form, preview_html=render_markdown(form.data.body))
        return render(request, "documents/edit.html", context)
    if form.ok:
        data = form.data
        try:
            result = revisions.save_revision(
                db, actor=viewer.user, document=document, base_number=data.base_number,
                title=data.title, body=data.body, comment=data.comment,
            )
        except EditConflict as conflict:
            db.rollback()
            form.values.update(
                title=conflict.title, body=conflict.merged_text, base_number=str(conflict.head.number)
            )
            form.errors["__all__"] = conflict.message
            return render(request, "documents/edit.html", _edit_context(network, document, form, conflict=conflict), status_code=409)
        except DomainError as error:
            db.rollback()
            form.add_error(error)
        else:
            db.commit()
            flash(request, merge_note(result) if result.merged else _("Saved as revision %(n)s.", n=result.revision.number))
            return redirect(request, document_url(request, network, document))
    return render(request, "documents/edit.html", _edit_context(network, document, form), status_code=422)


@router.post("/n/{slug}/documents/{document_id}/revert", name="document_revert")
def document_revert(
    request: Request,
    slug: str,
    document_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[RevertRequest], Depends(form_parser(RevertRequest))],
) -> Response:
    network, document = load_document(db, viewer, slug, document_id, Action.DOCUMENT_EDIT)
    if not form.ok:
        raise Invalid(next(iter(form.errors.values())))
    revision = revisions.revert_document(
        db, actor=viewer.user, document=document, number=form.data.number, comment=form.data.comment
    )
    db.commit()
    flash(request, _("Revision %(old)s is the current text again, as revision %(n)s.", old=form.data.number, n=revision.number))
    return redirect(request, document_url(request, network, document))
