"""The search outbox: what changed since the index last caught up."""

import enum
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class OutboxOp(enum.StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


class SearchOutbox(Base):
    """One change to searchable content, written in the same transaction as the change.

    The drainer applies rows in id order and deletes them once the index holds
    them, so a crash between commit and indexing only delays the change. Rows
    carry ids, never content: the drainer reads the current state from the
    database, which makes applying a row twice harmless.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int]
    op: Mapped[str] = mapped_column(String(10), default=OutboxOp.UPSERT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
