"""JSON API of the document space under /api/v1: folders, files, documents, revisions, diffs.

Same services and policy as the pages. Signed-in requests use the session cookie
and send the CSRF token in the X-CSRF-Token header for writes.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from app import policy
from app.documents import files, folders, intake, revisions, space
from app.documents.diff import TextDiff
from app.documents.document_views import merge_note
from app.documents.downloads import file_response
from app.documents.models import Document, DocumentRevision, FileVersion, Folder, StoredFile
from app.documents.revisions import EditConflict
from app.documents.schemas import (
    ConflictOut,
    DiffOut,
    DocumentCreate,
    DocumentDetailOut,
    DocumentOut,
    FileDetailOut,
    FileOut,
    FileVersionOut,
    FolderCreate,
    FolderOut,
    FolderRename,
    RevertRequest,
    RevisionDetailOut,
    RevisionOut,
    RevisionSubmit,
    SaveOut,
    SpacePageOut,
    SpaceQuery,
)
from app.i18n import _
from app.networks import service as networks_service
from app.networks.models import Network
from app.policy import Action, Principal
from app.web.csrf import streams_own_body
from app.web.deps import AppStorage, DbSession, Viewer

router = APIRouter(prefix="/api/v1/networks/{slug}", tags=["documents"])

ERRORS = {401: {"description": "Not signed in"}, 403: {"description": "Not allowed"}, 404: {"description": "Not found"}}


def _readable(db, viewer: Principal, slug: str) -> Network:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_READ, network)
    return network


def _document(db, viewer: Principal, slug: str, document_id: int, action: Action) -> Document:
    document = revisions.get_document(db, _readable(db, viewer, slug), document_id)
    policy.require(viewer, action, document)
    return document


def _stored_file(db, viewer: Principal, slug: str, file_id: int) -> StoredFile:
    stored = files.get_file(db, _readable(db, viewer, slug), file_id)
    policy.require(viewer, Action.FILE_DOWNLOAD, stored)
    return stored


# --- serialisers -------------------------------------------------------------------


def folder_out(folder: Folder) -> FolderOut:
    return FolderOut(id=folder.id, name=folder.name, parent_id=folder.parent_id, created_at=folder.created_at)


def version_out(request: Request, network: Network, version: FileVersion) -> FileVersionOut:
    url = request.app.url_path_for(
        "api_file_version_download", slug=network.slug, file_id=version.file_id, number=version.number
    )
    return FileVersionOut(
        number=version.number,
        filename=version.filename,
        content_type=version.content_type,
        size=version.size,
        sha256=version.sha256,
        uploaded_by=version.uploaded_by.display_name if version.uploaded_by else None,
        created_at=version.created_at,
        download_url=str(url),
    )


def file_out(request: Request, stored: StoredFile, latest: FileVersion) -> dict:
    return {
        "id": stored.id,
        "name": stored.name,
        "folder_id": stored.folder_id,
        "version_count": stored.version_count,
        "updated_at": stored.updated_at,
        "latest": version_out(request, stored.network, latest),
    }


def revision_out(revision: DocumentRevision, *, detail: bool = True) -> RevisionDetailOut | RevisionOut:
    fields = {
        "number": revision.number,
        "title": revision.title,
        "comment": revision.comment,
        "author": revision.author.display_name if revision.author else None,
        "created_at": revision.created_at,
        "base_number": revision.base_number,
        "reverted_from_number": revision.reverted_from_number,
    }
    if detail:
        return RevisionDetailOut(**fields, body=revision.body, body_html=revision.body_html)
    return RevisionOut(**fields)


def document_out(document: Document) -> dict:
    return {
        "id": document.id,
        "title": document.title,
        "kind": document.kind,
        "folder_id": document.folder_id,
        "head_number": document.head_number,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
        "updated_by": document.updated_by.display_name if document.updated_by else None,
        "topic_id": document.topic_id,
    }


def diff_out(diff: TextDiff, old: int, new: int) -> DiffOut:
    return DiffOut.model_validate(
        {
            "old_number": old,
            "new_number": new,
            "added": diff.added,
            "removed": diff.removed,
            "skipped_after": diff.skipped_after,
            "hunks": [
                {
                    "skipped_before": hunk.skipped_before,
                    "lines": [
                        {
                            "kind": line.kind,
                            "old_number": line.old_number,
                            "new_number": line.new_number,
                            "old": [{"op": op, "text": text} for op, text in line.old],
                            "new": [{"op": op, "text": text} for op, text in line.new],
                        }
                        for line in hunk.lines
                    ],
                }
                for hunk in diff.hunks
            ],
        }
    )


# --- the space and folders ---------------------------------------------------------


@router.get("/space", response_model=SpacePageOut, responses=ERRORS, summary="Documents and files, filtered")
def api_space(request: Request, slug: str, db: DbSession, viewer: Viewer, query: Annotated[SpaceQuery, Query()]):
    network = _readable(db, viewer, slug)
    filters = space.SpaceFilter(
        kind=query.kind, folder_id=query.folder, author_id=query.author, since=query.since,
        until=query.until, sort=query.sort, page=query.page,
    )
    page = space.list_space(db, network, filters, timezone=request.app.state.settings.timezone)
    return {"items": [item.__dict__ for item in page.items], "page": page.page, "has_more": page.has_more}


@router.get("/folders", response_model=list[FolderOut], responses=ERRORS, summary="All folders of the network")
def api_folders(slug: str, db: DbSession, viewer: Viewer):
    return [folder_out(folder) for folder in folders.list_folders(db, _readable(db, viewer, slug))]


@router.post("/folders", response_model=FolderOut, status_code=201, responses={**ERRORS, 409: {}, 422: {}})
def api_folder_create(slug: str, body: FolderCreate, db: DbSession, viewer: Viewer):
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.FOLDER_CREATE, network)
    parent = folders.get_folder(db, network, body.parent_id) if body.parent_id else None
    folder = folders.create_folder(db, actor=viewer.user, network=network, name=body.name, parent=parent)
    db.commit()
    return folder_out(folder)


@router.patch("/folders/{folder_id}", response_model=FolderOut, responses={**ERRORS, 409: {}, 422: {}})
def api_folder_rename(slug: str, folder_id: int, body: FolderRename, db: DbSession, viewer: Viewer):
    folder = folders.get_folder(db, _readable(db, viewer, slug), folder_id)
    policy.require(viewer, Action.FOLDER_RENAME, folder)
    folders.rename_folder(db, folder=folder, name=body.name)
    db.commit()
    return folder_out(folder)


# --- files -------------------------------------------------------------------------


@router.get("/files", response_model=list[FileOut], responses=ERRORS, summary="Files of a folder (top level by default)")
def api_files(request: Request, slug: str, db: DbSession, viewer: Viewer, folder_id: int | None = None):
    network = _readable(db, viewer, slug)
    folder = folders.get_folder(db, network, folder_id) if folder_id else None
    return [file_out(request, stored, latest) for stored, latest in files.list_files(db, network, folder)]


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "folder_id": {"type": "integer"},
                        "into": {"type": "integer", "description": "add the upload as a version of this file"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/files",
    response_model=FileVersionOut,
    status_code=201,
    responses={**ERRORS, 409: {}, 413: {"description": "File too large"}, 422: {}},
    openapi_extra=_UPLOAD_BODY,
    summary="Upload a file (a new version when the folder has one of the same name)",
)
@streams_own_body
async def api_file_upload(request: Request, slug: str, db: DbSession, viewer: Viewer, storage: AppStorage):
    network = await intake.load_network_for_upload(db, viewer, slug)
    result = await intake.receive_and_store(request, db=db, viewer=viewer, network=network, storage=storage, fields={})
    version = result.version
    return JSONResponse(
        version_out(request, network, version).model_dump(mode="json"),
        status_code=201,
        headers={"Location": str(request.app.url_path_for("api_file", slug=slug, file_id=version.file_id))},
    )


@router.get("/files/{file_id}", name="api_file", response_model=FileDetailOut, responses=ERRORS)
def api_file(request: Request, slug: str, file_id: int, db: DbSession, viewer: Viewer):
    stored = _stored_file(db, viewer, slug, file_id)
    versions = files.list_versions(db, stored)
    return {**file_out(request, stored, versions[0]), "versions": [version_out(request, stored.network, v) for v in versions]}


@router.get("/files/{file_id}/download", responses=ERRORS, response_class=Response, summary="The newest version's bytes")
def api_file_download(request: Request, slug: str, file_id: int, db: DbSession, viewer: Viewer, storage: AppStorage, inline: bool = False):
    stored = _stored_file(db, viewer, slug, file_id)
    return file_response(request, storage, files.get_version(db, stored), inline=inline)


@router.get(
    "/files/{file_id}/versions/{number}/download",
    name="api_file_version_download",
    responses=ERRORS,
    response_class=Response,
)
def api_file_version_download(
    request: Request, slug: str, file_id: int, number: int, db: DbSession, viewer: Viewer, storage: AppStorage, inline: bool = False
):
    stored = _stored_file(db, viewer, slug, file_id)
    return file_response(request, storage, files.get_version(db, stored, number), inline=inline)


# --- documents and revisions -------------------------------------------------------


@router.get("/documents", response_model=list[DocumentOut], responses=ERRORS, summary="Documents, last changed first")
def api_documents(slug: str, db: DbSession, viewer: Viewer):
    return [document_out(document) for document in revisions.list_documents(db, _readable(db, viewer, slug))]


@router.post("/documents", response_model=DocumentDetailOut, status_code=201, responses={**ERRORS, 422: {}})
def api_document_create(slug: str, body: DocumentCreate, db: DbSession, viewer: Viewer):
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.DOCUMENT_CREATE, network)
    folder = folders.get_folder(db, network, body.folder_id) if body.folder_id else None
    document = revisions.create_document(
        db, actor=viewer.user, network=network, folder=folder, kind=body.kind,
        title=body.title, body=body.body, comment=body.comment,
    )
    db.commit()
    return _document_detail(db, document)


def _document_detail(db, document: Document) -> dict:
    return {
        **document_out(document),
        "current": revision_out(revisions.get_revision(db, document)),
        "contributors": [
            {"username": c.user.username, "display_name": c.user.display_name, "revisions": c.revisions, "last_at": c.last_at}
            for c in revisions.list_contributors(db, document)
        ],
    }


@router.get("/documents/{document_id}", response_model=DocumentDetailOut, responses=ERRORS)
def api_document(slug: str, document_id: int, db: DbSession, viewer: Viewer):
    return _document_detail(db, _document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW))


@router.get("/documents/{document_id}/revisions", response_model=list[RevisionOut], responses=ERRORS)
def api_revisions(slug: str, document_id: int, db: DbSession, viewer: Viewer):
    document = _document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    return [
        RevisionOut(
            number=r.number, title=r.title, comment=r.comment, author=r.author_name, created_at=r.created_at,
            base_number=r.base_number, reverted_from_number=r.reverted_from_number,
        )
        for r in revisions.list_revisions(db, document)
    ]


@router.get("/documents/{document_id}/revisions/{number}", response_model=RevisionDetailOut, responses=ERRORS)
def api_revision(slug: str, document_id: int, number: int, db: DbSession, viewer: Viewer):
    document = _document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    return revision_out(revisions.get_revision(db, document, number))


@router.post(
    "/documents/{document_id}/revisions",
    response_model=SaveOut,
    status_code=201,
    responses={**ERRORS, 409: {"model": ConflictOut, "description": "Overlapping changes: nothing saved"}, 422: {}},
    summary="Save a new revision written from `base_number` (merged when others saved since)",
)
def api_save(slug: str, document_id: int, body: RevisionSubmit, db: DbSession, viewer: Viewer):
    document = _document(db, viewer, slug, document_id, Action.DOCUMENT_EDIT)
    try:
        result = revisions.save_revision(
            db, actor=viewer.user, document=document, base_number=body.base_number,
            title=body.title, body=body.body, comment=body.comment,
        )
    except EditConflict as conflict:
        db.rollback()
        content = ConflictOut.model_validate(
            {
                "error": {"code": conflict.code, "message": conflict.message},
                "merge": {
                    "head_number": conflict.head.number,
                    "head_title": conflict.head.title,
                    "head_body": conflict.head.body,
                    "your_title": conflict.mine_title,
                    "your_body": conflict.mine_text,
                    "merged_title": conflict.title,
                    "merged_body": conflict.merged_text,
                    "conflicts": conflict.conflicts,
                },
            }
        )
        return JSONResponse(content.model_dump(mode="json"), status_code=409)
    db.commit()
    return {
        "revision": revision_out(result.revision),
        "merged_revisions": [r.number for r in result.merged],
        "note": merge_note(result) if result.merged else _("Saved as revision %(n)s.", n=result.revision.number),
    }


@router.post(
    "/documents/{document_id}/revert",
    response_model=RevisionDetailOut,
    status_code=201,
    responses={**ERRORS, 422: {}},
    summary="Make an earlier revision current again (as a new revision)",
)
def api_revert(slug: str, document_id: int, body: RevertRequest, db: DbSession, viewer: Viewer):
    document = _document(db, viewer, slug, document_id, Action.DOCUMENT_EDIT)
    revision = revisions.revert_document(db, actor=viewer.user, document=document, number=body.number, comment=body.comment)
    db.commit()
    return revision_out(revision)


@router.get("/documents/{document_id}/diff", response_model=DiffOut, responses={**ERRORS, 422: {}})
def api_diff(
    slug: str,
    document_id: int,
    db: DbSession,
    viewer: Viewer,
    old: Annotated[int, Query(alias="from", ge=1)],
    new: Annotated[int, Query(alias="to", ge=1)],
):
    document = _document(db, viewer, slug, document_id, Action.DOCUMENT_VIEW)
    return diff_out(revisions.diff_revisions(db, document, old, new), old, new)
