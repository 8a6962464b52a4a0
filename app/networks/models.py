"""Networks, their members and roles, join requests, invitations and the charter."""

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, UTCDateTime, utcnow


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as the value strings, checked in Python, so adding a member needs no ALTER TYPE.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class MembershipMode(enum.StrEnum):
    OPEN = "open"
    REQUEST = "request"
    INVITATION = "invitation"


class ContentVisibility(enum.StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"


class Role(enum.StrEnum):
    PILOT = "pilot"
    COPILOT = "copilot"
    ANIMATOR = "animator"
    MEMBER = "member"


STAFF_ROLES = frozenset({Role.PILOT, Role.COPILOT, Role.ANIMATOR})
STEERING_ROLES = frozenset({Role.PILOT, Role.COPILOT})


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Network(Base):
    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(Text, default="")
    purpose_html: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="SET NULL"), index=True
    )
    membership_mode: Mapped[MembershipMode] = mapped_column(
        _enum(MembershipMode), default=MembershipMode.REQUEST
    )
    content_visibility: Mapped[ContentVisibility] = mapped_column(
        _enum(ContentVisibility), default=ContentVisibility.MEMBERS
    )
    # The number of the current charter version (0: no charter yet); members compare theirs.
    charter_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Network | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Network"]] = relationship(
        back_populates="parent", order_by="Network.name"
    )


class NetworkLink(Base):
    """A sister-network link, stored once per pair with the smaller id first."""

    __tablename__ = "network_link"

    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), primary_key=True
    )
    linked_network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("network_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The charter version number this member accepted last; posting needs the current one.
    charter_accepted_number: Mapped[int | None]
    charter_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    network: Mapped[Network] = relationship()
    user: Mapped[User] = relationship()


class JoinRequest(Base):
    __tablename__ = "join_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus), default=RequestStatus.PENDING
    )
    response_message: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network: Mapped[Network] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Invitation(Base):
    """An emailed invitation; only the SHA-256 of its token is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class CharterVersion(Base):
    """Append-only: the current charter is the version with the highest number."""

    __tablename__ = "charter_version"
    __table_args__ = (UniqueConstraint("network_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
