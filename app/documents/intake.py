"""The web side of an upload, shared by the page and the API: stream, check, store, commit.

Permission is checked before a byte of the body is read; the CSRF token before a
byte of the file is written; the temporary file is deleted whatever happens.
"""

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app import policy
from app.documents import files, folders
from app.documents.files import UploadResult
from app.errors import Invalid
from app.i18n import _
from app.networks import service as networks_service
from app.networks.models import Network
from app.policy import Action, Principal
from app.storage import FileStorage, temporary_dir
from app.web.csrf import FORM_FIELD, HEADER, check_token
from app.web.uploads import receive_upload


def _optional_id(fields: dict[str, str], name: str) -> int | None:
    value = fields.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid(_("This value is not valid."), field=name)
    return int(value)


def lenient_id(fields: dict[str, str], name: str) -> int | None:
    """The id in `fields[name]`, or None when absent or malformed (for re-rendering a form)."""
    value = fields.get(name, "").strip()
    return int(value) if value.isdigit() else None


async def load_network_for_upload(db: Session, viewer: Principal, slug: str) -> Network:
    network = await run_in_threadpool(networks_service.get_network, db, slug)
    policy.require(viewer, Action.FILE_UPLOAD, network)
    return network


async def receive_and_store(
    request: Request,
    *,
    db: Session,
    viewer: Principal,
    network: Network,
    storage: FileStorage,
    fields: dict[str, str],
    into_id: int | None = None,
) -> UploadResult:
    """Receive the multipart body of `request` and store its file in `network`.

    `fields` is filled with the form's other fields (for re-rendering a refused form).
    Reads `folder_id` and, unless `into_id` is given, `into` (a file to add a version to).
    Raises the domain errors of `files.upload_file`, TooLarge, Invalid or Forbidden.
    """
    settings = request.app.state.settings

    def check_csrf(form_fields: dict[str, str]) -> None:
        check_token(request, request.headers.get(HEADER) or form_fields.get(FORM_FIELD))

    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        # Not an upload at all: a forged form must still meet the CSRF refusal first.
        form = await request.form() if "urlencoded" in request.headers.get("content-type", "") else {}
        check_csrf({key: value for key, value in form.items() if isinstance(value, str)})
    received = await receive_upload(
        request,
        max_file_bytes=settings.upload_max_bytes,
        temp_dir=temporary_dir(settings),
        before_file=check_csrf,
    )
    try:
        fields.update(received.fields)
        check_csrf(received.fields)
        folder_id = _optional_id(received.fields, "folder_id")
        into_id = into_id if into_id is not None else _optional_id(received.fields, "into")
        upload = received.file

        def store() -> UploadResult:
            folder = folders.get_folder(db, network, folder_id) if folder_id else None
            into = files.get_file(db, network, into_id) if into_id else None
            result = files.upload_file(
                db,
                storage=storage,
                actor=viewer.user,
                network=network,
                folder=into.folder if into else folder,
                source=upload.path if upload else None,
                filename=upload.filename if upload else "",
                size=upload.size if upload else 0,
                sha256=upload.sha256 if upload else "",
                into=into,
            )
            db.commit()
            return result

        # On failure the request's session is closed without a commit, which deletes the blob.
        return await run_in_threadpool(store)
    finally:
        received.discard()
