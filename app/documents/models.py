"""The shared document space: folders, uploaded files and their versions, co-authored documents.

Uploaded files and documents are append-only in their content: an upload under a
name already in the folder adds a `FileVersion`, a save adds a `DocumentRevision`
with the full text. The parent rows carry the number of their newest child; bumping
that number is also how concurrent writers are put in line (see `revisions.py`).
"""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, UTCDateTime, utcnow
from app.networks.models import Network, _enum


class DocumentKind(enum.StrEnum):
    FREE = "free"
    AGENDA = "agenda"
    MINUTES = "minutes"
    CHARTER_DRAFT = "charter_draft"


class Folder(Base):
    __tablename__ = "folder"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("folder.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Case-folded name: "Comptes rendus" and "comptes rendus" are the same folder.
    name_key: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network: Mapped[Network] = relationship()
    parent: Mapped["Folder | None"] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship()


# NULL never equals NULL in a unique index: top-level entries compare as folder 0.
Index(
    "uq_folder_sibling_name",
    Folder.network_id,
    func.coalesce(Folder.parent_id, 0),
    Folder.name_key,
    unique=True,
)


class StoredFile(Base):
    """An uploaded file as people see it: a name in a folder, with one or more versions."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("folder.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    # The number of the newest version.
    version_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    network: Mapped[Network] = relationship()
    folder: Mapped[Folder | None] = relationship()
    created_by: Mapped[User | None] = relationship()


Index(
    "uq_stored_file_name",
    StoredFile.network_id,
    func.coalesce(StoredFile.folder_id, 0),
    StoredFile.name_key,
    unique=True,
)


class FileVersion(Base):
    __tablename__ = "file_version"
    __table_args__ = (UniqueConstraint("file_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="CASCADE"))
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    # The generated name in the file storage; the name people gave it is `filename`.
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Plain text for search (PDF, text formats, ODT, DOCX); empty when none could be read.
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    file: Mapped[StoredFile] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Document(Base):
    """A co-authored Markdown document; its text is the newest of its revisions."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("folder.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind), default=DocumentKind.FREE)
    # The title of the newest revision, kept here for lists.
    title: Mapped[str] = mapped_column(String(200))
    # The number of the newest revision; every save moves it up by one.
    head_number: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The forum topic where the document is discussed; at most one, started from the document.
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"), index=True)

    network: Mapped[Network] = relationship()
    folder: Mapped[Folder | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])


class DocumentRevision(Base):
    """Append-only: one row per save, with the full text and its HTML made at save time."""

    __tablename__ = "document_revision"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        Index("ix_document_revision_author", "document_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The revision the author started from; below `number - 1` when a merge happened.
    base_number: Mapped[int | None]
    # Set when this revision restores an earlier one.
    reverted_from_number: Mapped[int | None]

    document: Mapped[Document] = relationship()
    author: Mapped[User | None] = relationship()
