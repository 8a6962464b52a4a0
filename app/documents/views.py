"""HTML routes of the document space: the list, folders, uploads and downloads."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from app import policy
from app.documents import files, folders, intake, space
from app.documents.downloads import file_response
from app.documents.kinds import kind_labels
from app.documents.models import Folder
from app.documents.schemas import FolderCreate, FolderRename, SpaceQuery
from app.errors import DomainError, NotFound
from app.i18n import _
from app.networks import service as networks_service
from app.networks.models import Network
from app.policy import Action, Principal
from app.web.csrf import streams_own_body
from app.web.deps import AppStorage, DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, redirect, render
from app.web.uploads import human_size

router = APIRouter()


def readable_network(db, viewer: Principal, slug: str) -> Network:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_READ, network)
    return network


def space_url(request: Request, network: Network, folder: Folder | None = None) -> str:
    url = str(request.app.url_path_for("document_space", slug=network.slug))
    return f"{url}?folder={folder.id}" if folder else url


def file_url(request: Request, network: Network, file_id: int) -> str:
    return str(request.app.url_path_for("file", slug=network.slug, file_id=file_id))


def _space_query(request: Request) -> tuple[SpaceQuery, dict[str, str]]:
    values = {key: value for key, value in request.query_params.items() if key in SpaceQuery.model_fields}
    try:
        return SpaceQuery.model_validate(values), {}
    except ValidationError as error:
        errors = {str(item["loc"][0]): _("This value is not valid.") for item in error.errors()}
        return SpaceQuery(), errors


def _space_context(request: Request, db, viewer: Principal, network: Network, folder_form: FormResult | None = None) -> dict:
    query, errors = _space_query(request)
    folder = folders.get_folder(db, network, query.folder) if query.folder else None
    all_folders = folders.list_folders(db, network)
    filters = space.SpaceFilter(
        kind=query.kind,
        folder_id=query.folder,
        author_id=query.author,
        since=query.since,
        until=query.until,
        sort=query.sort,
        page=query.page,
    )
    page = space.list_space(db, network, filters, timezone=request.app.state.settings.timezone)
    return {
        "network": network,
        "query": query,
        "filter_errors": errors,
        "folder": folder,
        "breadcrumb": folders.folder_path(db, folder),
        "subfolders": [f for f in all_folders if f.parent_id == (folder.id if folder else None)],
        "folder_choices": folders.folder_tree(all_folders),
        "authors": space.list_space_authors(db, network),
        "page": page,
        "kind_labels": kind_labels(),
        "folder_form": folder_form or FormResult(values={}),
        "human_size": human_size,
        "filtered": bool(query.kind or query.author or query.since or query.until),
    }


@router.get("/n/{slug}/documents", name="document_space")
def document_space(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = readable_network(db, viewer, slug)
    context = _space_context(request, db, viewer, network)
    return render(request, "documents/space.html", context, block="items")


@router.post("/n/{slug}/documents/folders", name="folder_create")
def folder_create(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[FolderCreate], Depends(form_parser(FolderCreate))],
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.FOLDER_CREATE, network)
    if form.ok:
        try:
            parent = folders.get_folder(db, network, form.data.parent_id) if form.data.parent_id else None
            folder = folders.create_folder(db, actor=viewer.user, network=network, name=form.data.name, parent=parent)
        except DomainError as error:
            db.rollback()
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("The folder %(name)s has been created.", name=folder.name))
            return redirect(request, space_url(request, network, folder))
    context = _space_context(request, db, viewer, network, folder_form=form)
    return render(request, "documents/space.html", context, status_code=422)


@router.get("/n/{slug}/documents/folders/{folder_id}/rename", name="folder_rename")
def folder_rename_page(request: Request, slug: str, folder_id: int, db: DbSession, viewer: Viewer) -> Response:
    network = networks_service.get_network(db, slug)
    folder = folders.get_folder(db, network, folder_id)
    policy.require(viewer, Action.FOLDER_RENAME, folder)
    form = FormResult(values={"name": folder.name})
    return render(request, "documents/folder_rename.html", {"network": network, "folder": folder, "form": form})


@router.post("/n/{slug}/documents/folders/{folder_id}/rename")
def folder_rename(
    request: Request,
    slug: str,
    folder_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[FolderRename], Depends(form_parser(FolderRename))],
) -> Response:
    network = networks_service.get_network(db, slug)
    folder = folders.get_folder(db, network, folder_id)
    policy.require(viewer, Action.FOLDER_RENAME, folder)
    if form.ok:
        try:
            folders.rename_folder(db, folder=folder, name=form.data.name)
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("The folder is now called %(name)s.", name=folder.name))
            return redirect(request, space_url(request, network, folder))
    db.rollback()
    return render(
        request, "documents/folder_rename.html", {"network": network, "folder": folder, "form": form}, status_code=422
    )


def _upload_context(db, network: Network, folder_id: int | None, into_id: int | None, request: Request) -> dict:
    folder = folders.get_folder(db, network, folder_id) if folder_id else None
    into = files.get_file(db, network, into_id) if into_id else None
    return {
        "network": network,
        "folder": folder,
        "into": into,
        "folder_choices": folders.folder_tree(folders.list_folders(db, network)),
        "max_bytes": request.app.state.settings.upload_max_bytes,
        "max_size": human_size(request.app.state.settings.upload_max_bytes),
    }


def _refused_upload_context(db, viewer: Principal, network: Network, fields: dict[str, str], request: Request) -> dict:
    # A failed flush leaves the session unusable until rolled back; the rollback expires
    # the signed-in person, reloaded here in the worker thread rather than while rendering.
    db.rollback()
    db.refresh(viewer.user)
    return _upload_context(db, network, intake.lenient_id(fields, "folder_id"), intake.lenient_id(fields, "into"), request)


@router.get("/n/{slug}/documents/upload", name="file_upload")
def file_upload_page(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    folder: Annotated[int | None, Query()] = None,
    into: Annotated[int | None, Query()] = None,
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.FILE_UPLOAD, network)
    context = _upload_context(db, network, folder, into, request)
    context["form"] = FormResult(values={"folder_id": str(folder or "")})
    return render(request, "documents/upload.html", context)


@router.post("/n/{slug}/documents/upload")
@streams_own_body
async def file_upload(request: Request, slug: str, db: DbSession, viewer: Viewer, storage: AppStorage) -> Response:
    network = await intake.load_network_for_upload(db, viewer, slug)
    fields: dict[str, str] = {}
    try:
        result = await intake.receive_and_store(
            request, db=db, viewer=viewer, network=network, storage=storage, fields=fields
        )
    except DomainError as error:
        if error.status_code in (401, 403, 404) and error.field is None:
            raise
        form = FormResult(values=fields)
        form.add_error(error)
        context = await run_in_threadpool(_refused_upload_context, db, viewer, network, fields, request)
        context["form"] = form
        return render(request, "documents/upload.html", context, block="upload_form", status_code=error.status_code)
    version = result.version
    if result.is_new_file:
        flash(request, _("%(name)s has been uploaded.", name=version.filename))
    else:
        flash(request, _("Version %(n)s of %(name)s has been uploaded.", n=version.number, name=version.file.name))
    return redirect(request, file_url(request, network, version.file_id))


@router.get("/n/{slug}/documents/files/{file_id}", name="file")
def file_page(request: Request, slug: str, file_id: int, db: DbSession, viewer: Viewer) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_READ, network)
    stored = files.get_file(db, network, file_id)
    policy.require(viewer, Action.FILE_DOWNLOAD, stored)
    versions = files.list_versions(db, stored)
    return render(
        request,
        "documents/file.html",
        {
            "network": network,
            "file": stored,
            "versions": versions,
            "latest": versions[0],
            "breadcrumb": folders.folder_path(db, stored.folder),
            "human_size": human_size,
        },
    )


def _download(request: Request, db, viewer: Principal, storage, slug: str, file_id: int, number: int | None, inline: bool):
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_READ, network)
    stored = files.get_file(db, network, file_id)
    policy.require(viewer, Action.FILE_DOWNLOAD, stored)
    return file_response(request, storage, files.get_version(db, stored, number), inline=inline)


@router.get("/n/{slug}/documents/files/{file_id}/download", name="file_download")
def file_download(
    request: Request, slug: str, file_id: int, db: DbSession, viewer: Viewer, storage: AppStorage, inline: bool = False
) -> Response:
    return _download(request, db, viewer, storage, slug, file_id, None, inline)


@router.get("/n/{slug}/documents/files/{file_id}/v/{number}", name="file_version_download")
def file_version_download(
    request: Request,
    slug: str,
    file_id: int,
    number: int,
    db: DbSession,
    viewer: Viewer,
    storage: AppStorage,
    inline: bool = False,
) -> Response:
    if number < 1:
        raise NotFound()
    return _download(request, db, viewer, storage, slug, file_id, number, inline)
