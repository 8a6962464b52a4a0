"""What the document space puts in the search index: co-authored documents (title and
current text) and uploaded files (name and the text extracted from their current version).

Both are read like their network (`content:read`), so their audience is the
network's readers.
"""

from collections.abc import Sequence
from urllib.parse import quote

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from app.documents.models import Document, DocumentRevision, FileVersion, StoredFile
from app.i18n import _
from app.networks.models import Network
from app.policy import Audience
from app.search.document import SearchDocument, SearchKind


def document_path(network_slug: str, document_id: int) -> str:
    return f"/n/{quote(network_slug)}/documents/{document_id}"


def file_path(network_slug: str, file_id: int) -> str:
    return f"/n/{quote(network_slug)}/documents/files/{file_id}"


def _document_documents(session: Session, ids: Sequence[int]) -> list[SearchDocument]:
    rows = session.execute(
        select(
            Document.id,
            Document.network_id,
            Document.title,
            Document.created_at,
            Document.updated_at,
            Document.created_by_id,
            Network.slug,
            DocumentRevision.body,
        )
        .join(Network, Network.id == Document.network_id)
        .join(
            DocumentRevision,
            and_(
                DocumentRevision.document_id == Document.id,
                DocumentRevision.number == Document.head_number,
            ),
        )
        .where(Document.id.in_(ids))
    )
    return [
        SearchDocument(
            kind=DOCUMENT.name,
            object_id=row.id,
            title=row.title,
            body=row.body,
            url=document_path(row.slug, row.id),
            created_at=row.created_at,
            updated_at=row.updated_at,
            audience=Audience.READERS,
            network_id=row.network_id,
            author_id=row.created_by_id,
        )
        for row in rows
    ]


def _file_documents(session: Session, ids: Sequence[int]) -> list[SearchDocument]:
    rows = session.execute(
        select(
            StoredFile.id,
            StoredFile.network_id,
            StoredFile.name,
            StoredFile.created_at,
            StoredFile.updated_at,
            StoredFile.created_by_id,
            Network.slug,
            FileVersion.extracted_text,
        )
        .join(Network, Network.id == StoredFile.network_id)
        .join(
            FileVersion,
            and_(
                FileVersion.file_id == StoredFile.id,
                FileVersion.number == StoredFile.version_count,
            ),
        )
        .where(StoredFile.id.in_(ids))
    )
    return [
        SearchDocument(
            kind=FILE.name,
            object_id=row.id,
            title=row.name,
            body=row.extracted_text,
            url=file_path(row.slug, row.id),
            created_at=row.created_at,
            updated_at=row.updated_at,
            audience=Audience.READERS,
            network_id=row.network_id,
            author_id=row.created_by_id,
        )
        for row in rows
    ]


def _document_ids() -> Select:
    return select(Document.id)


def _file_ids() -> Select:
    return select(StoredFile.id)


DOCUMENT = SearchKind(
    name="document",
    scope="documents",
    label=lambda: _("Documents"),
    load=_document_documents,
    ids=_document_ids,
)
FILE = SearchKind(
    name="file",
    scope="files",
    label=lambda: _("Files"),
    load=_file_documents,
    ids=_file_ids,
)
