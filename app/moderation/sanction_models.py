"""Sanctions on a member (silence, suspension) and staff notes about a member."""

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, UTCDateTime, utcnow
from app.networks.models import Network


class SanctionKind(enum.StrEnum):
    SILENCE = "silence"  # may read, may not post
    SUSPEND = "suspend"  # treated as a non-member of the network (or, site-wide, cannot sign in)


class MemberSanction(Base):
    """A sanction in force from `created_at` until `ends_at`, unless lifted earlier.

    `network_id` is None for a site-wide suspension of the account (site admins only).
    Rows are kept after they end: the member's history stays readable by staff.
    """

    __tablename__ = "member_sanction"
    __table_args__ = (Index("ix_member_sanction_user_id_ends_at", "user_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[SanctionKind] = mapped_column(
        Enum(
            SanctionKind,
            native_enum=False,
            create_constraint=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    reason: Mapped[str] = mapped_column(Text)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    network: Mapped[Network | None] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and self.created_at <= now < self.ends_at


class MemberNote(Base):
    """A note by a network's staff about one person, for that network's staff only."""

    __tablename__ = "member_note"
    __table_args__ = (Index("ix_member_note_network_id_user_id", "network_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network: Mapped[Network] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
