"""The network's document space: co-authored documents and uploaded files in one list.

One UNION ALL query of the needed columns, filtered and sorted in the database and
paged, so the list costs the same whatever the size of the space.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, literal, null, select, union_all
from sqlalchemy.orm import Session, aliased

from app.accounts.models import User
from app.documents.models import (
    Document,
    DocumentKind,
    DocumentRevision,
    FileVersion,
    Folder,
    StoredFile,
)
from app.networks.models import Network

PAGE_SIZE = 50
FILE_KIND = "file"
SORTS = ("recent", "oldest", "title")


@dataclass(frozen=True)
class SpaceFilter:
    kind: str = ""
    folder_id: int | None = None
    author_id: int | None = None
    since: date | None = None
    until: date | None = None
    sort: str = "recent"
    page: int = 1


@dataclass(frozen=True)
class SpaceItem:
    type: str  # "document" or "file"
    id: int
    title: str
    kind: str  # a DocumentKind value, or "file"
    folder_id: int | None
    folder_name: str | None
    updated_at: datetime
    updated_by: str | None
    size: int | None
    content_type: str | None


@dataclass(frozen=True)
class SpacePage:
    items: list[SpaceItem]
    page: int
    has_more: bool


def _day_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))


def list_space(session: Session, network: Network, filters: SpaceFilter, *, timezone: str = "Europe/Paris") -> SpacePage:
    """One page of the documents and files of `network` matching `filters`."""
    editor = aliased(User)
    documents = (
        select(
            literal("document").label("type"),
            Document.id,
            Document.title,
            Document.kind.label("kind"),
            Document.folder_id,
            Folder.name.label("folder_name"),
            Document.updated_at,
            editor.display_name.label("updated_by"),
            null().label("size"),
            null().label("content_type"),
        )
        .outerjoin(Folder, Folder.id == Document.folder_id)
        .outerjoin(editor, editor.id == Document.updated_by_id)
        .where(Document.network_id == network.id)
    )
    uploader = aliased(User)
    files = (
        select(
            literal("file").label("type"),
            StoredFile.id,
            StoredFile.name.label("title"),
            literal(FILE_KIND).label("kind"),
            StoredFile.folder_id,
            Folder.name.label("folder_name"),
            StoredFile.updated_at,
            uploader.display_name.label("updated_by"),
            FileVersion.size,
            FileVersion.content_type,
        )
        .join(FileVersion, (FileVersion.file_id == StoredFile.id) & (FileVersion.number == StoredFile.version_count))
        .outerjoin(Folder, Folder.id == StoredFile.folder_id)
        .outerjoin(uploader, uploader.id == FileVersion.uploaded_by_id)
        .where(StoredFile.network_id == network.id)
    )
    if filters.folder_id is not None:
        documents = documents.where(Document.folder_id == filters.folder_id)
        files = files.where(StoredFile.folder_id == filters.folder_id)
    if filters.author_id is not None:
        documents = documents.where(
            exists().where(
                DocumentRevision.document_id == Document.id, DocumentRevision.author_id == filters.author_id
            )
        )
        any_version = aliased(FileVersion)
        files = files.where(
            exists().where(any_version.file_id == StoredFile.id, any_version.uploaded_by_id == filters.author_id)
        )
    if filters.since is not None:
        start = _day_start(filters.since, timezone)
        documents = documents.where(Document.updated_at >= start)
        files = files.where(StoredFile.updated_at >= start)
    if filters.until is not None:
        end = _day_start(filters.until + timedelta(days=1), timezone)
        documents = documents.where(Document.updated_at < end)
        files = files.where(StoredFile.updated_at < end)
    parts = []
    if filters.kind in ("", FILE_KIND):
        parts.append(files)
    if filters.kind != FILE_KIND:
        parts.append(documents.where(Document.kind == DocumentKind(filters.kind)) if filters.kind else documents)
    combined = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    order = {
        "recent": [combined.c.updated_at.desc(), combined.c.id.desc()],
        "oldest": [combined.c.updated_at, combined.c.id],
        "title": [func.lower(combined.c.title), combined.c.id],
    }[filters.sort if filters.sort in SORTS else "recent"]
    page = max(filters.page, 1)
    rows = session.execute(
        select(combined).order_by(*order).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    items = [SpaceItem(**row._mapping) for row in rows[:PAGE_SIZE]]
    return SpacePage(items=items, page=page, has_more=len(rows) > PAGE_SIZE)


def list_space_authors(session: Session, network: Network) -> list[User]:
    """Everyone who wrote a revision or uploaded a version in `network`, for the author filter."""
    writers = select(DocumentRevision.author_id).where(DocumentRevision.network_id == network.id)
    uploaders = select(FileVersion.uploaded_by_id).where(FileVersion.network_id == network.id)
    return list(
        session.scalars(select(User).where(User.id.in_(writers.union(uploaders))).order_by(User.display_name))
    )
