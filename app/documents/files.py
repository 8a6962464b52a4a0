"""Uploaded files and their versions.

The bytes go to the file storage under generated names; the rows say who uploaded
what, when, its type (checked by content), size, SHA-256 and extracted text. An
upload whose name is already in the folder becomes that file's next version.
"""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.db import utcnow
from app.documents import search as documents_search
from app.documents.extract import extract_text
from app.documents.filetypes import clean_filename, identify, name_key
from app.documents.models import FileVersion, Folder, StoredFile
from app.errors import Conflict, Invalid, NotFound
from app.i18n import _
from app.networks.models import Network
from app.search import service as search_service
from app.storage import FileStorage, track_new_blob


@dataclass(frozen=True)
class UploadResult:
    version: FileVersion
    is_new_file: bool


def get_file(session: Session, network: Network, file_id: int) -> StoredFile:
    stored = session.scalar(
        select(StoredFile)
        .where(StoredFile.id == file_id)
        .options(joinedload(StoredFile.network), joinedload(StoredFile.folder))
    )
    if stored is None or stored.network_id != network.id:
        raise NotFound()
    return stored


def get_version(session: Session, stored: StoredFile, number: int | None = None) -> FileVersion:
    """Version `number` of `stored`, or its newest one."""
    version = session.scalar(
        select(FileVersion)
        .where(
            FileVersion.file_id == stored.id,
            FileVersion.number == (stored.version_count if number is None else number),
        )
        .options(joinedload(FileVersion.uploaded_by))
    )
    if version is None:
        raise NotFound()
    return version


def list_versions(session: Session, stored: StoredFile) -> list[FileVersion]:
    return list(
        session.scalars(
            select(FileVersion)
            .where(FileVersion.file_id == stored.id)
            .options(joinedload(FileVersion.uploaded_by))
            .order_by(FileVersion.number.desc())
        )
    )


def list_files(session: Session, network: Network, folder: Folder | None) -> list[tuple[StoredFile, FileVersion]]:
    """The files directly in `folder` (the top level for None), each with its newest version."""
    query = (
        select(StoredFile, FileVersion)
        .join(
            FileVersion,
            (FileVersion.file_id == StoredFile.id) & (FileVersion.number == StoredFile.version_count),
        )
        .where(StoredFile.network_id == network.id)
        .options(joinedload(FileVersion.uploaded_by))
        .order_by(StoredFile.name_key)
    )
    query = query.where(StoredFile.folder_id == folder.id if folder else StoredFile.folder_id.is_(None))
    return [(stored, version) for stored, version in session.execute(query)]


def _find_by_name(session: Session, network: Network, folder: Folder | None, key: str) -> StoredFile | None:
    return session.scalar(
        select(StoredFile).where(
            StoredFile.network_id == network.id,
            func.coalesce(StoredFile.folder_id, 0) == (folder.id if folder else 0),
            StoredFile.name_key == key,
        )
    )


def _next_version_number(session: Session, stored: StoredFile) -> int:
    # One UPDATE both counts and locks: two uploads of the same name at once get 2 and 3.
    number = session.execute(
        update(StoredFile)
        .where(StoredFile.id == stored.id)
        .values(version_count=StoredFile.version_count + 1, updated_at=utcnow())
        .returning(StoredFile.version_count),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    session.expire(stored, ["version_count", "updated_at"])
    return number


def _new_file(
    session: Session, *, actor: User, network: Network, folder: Folder | None, filename: str
) -> StoredFile:
    stored = StoredFile(
        network_id=network.id,
        folder_id=folder.id if folder else None,
        name=filename,
        name_key=name_key(filename),
        version_count=1,
        created_by_id=actor.id,
    )
    session.add(stored)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            _("Someone uploaded a file of the same name at the same moment: please send yours again."),
            code="upload_race",
            field="file",
        ) from None
    return stored


def upload_file(
    session: Session,
    *,
    storage: FileStorage,
    actor: User,
    network: Network,
    folder: Folder | None,
    source: Path,
    filename: str,
    size: int,
    sha256: str,
    into: StoredFile | None = None,
) -> UploadResult:
    """Store the received file at `source` as a new file, or as the next version of the
    file of the same name in `folder` (or of `into`, whatever its name).

    Checks the name (path parts dropped), emptiness and the type by content, extracts
    the text, copies the bytes to `storage` and adds the rows; the copy is deleted again
    if the transaction does not commit. `source` stays the caller's to delete. Raises
    Invalid for a bad name, an empty file or a refused type; NotFound for a folder of
    another network. Flushes for the ids.
    """
    if not filename:
        raise Invalid(_("Choose a file to upload."), code="no_file", field="file")
    filename = clean_filename(filename)
    if size == 0:
        raise Invalid(_("The file is empty."), code="empty_file", field="file")
    if folder is not None and folder.network_id != network.id:
        raise NotFound()
    content_type = identify(source, filename)
    text = extract_text(source, content_type)
    stored = into or _find_by_name(session, network, folder, name_key(filename))
    if stored is None:
        stored = _new_file(session, actor=actor, network=network, folder=folder, filename=filename)
        number, is_new = 1, True
    else:
        number, is_new = _next_version_number(session, stored), False
    with source.open("rb") as stream:
        storage_key = storage.save(stream)
    track_new_blob(session, storage, storage_key)
    version = FileVersion(
        file_id=stored.id,
        file=stored,
        network_id=network.id,
        number=number,
        storage_key=storage_key,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=sha256,
        extracted_text=text,
        uploaded_by_id=actor.id,
        uploaded_by=actor,
    )
    session.add(version)
    session.flush()
    search_service.enqueue(session, kind=documents_search.FILE.name, object_id=stored.id)
    return UploadResult(version=version, is_new_file=is_new)
