"""Requests sent to a network's staff, and the messages of each request's thread."""

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, UTCDateTime, utcnow
from app.networks.models import JoinRequest, Network


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as the value strings, checked in Python, so adding a member needs no ALTER TYPE.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class RequestKind(enum.StrEnum):
    QUESTION = "question"
    JOIN = "join"
    REPORT = "report"
    OTHER = "other"


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class InboxRequest(Base):
    """One request from a person to a network's staff; a join request links its JoinRequest."""

    __tablename__ = "inbox_request"
    __table_args__ = (Index("ix_inbox_request_network_id_status", "network_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), default=RequestStatus.OPEN)
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    join_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("join_request.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    network: Mapped[Network] = relationship()
    sender: Mapped[User] = relationship(foreign_keys=[sender_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    join_request: Mapped[JoinRequest | None] = relationship()
    messages: Mapped[list["InboxMessage"]] = relationship(
        back_populates="request", order_by="InboxMessage.id"
    )


class InboxMessage(Base):
    """One message of a request's thread, by the sender or by a member of staff."""

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_request.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Written by the network's staff (shown as such to the sender), not by the sender.
    from_staff: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[InboxRequest] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
