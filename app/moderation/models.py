"""The moderation log: one row per staff action, written in the action's transaction."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, UTCDateTime, utcnow
from app.networks.models import Network


class ModerationLogEntry(Base):
    """Who did what, on what, when and why. Rows are only ever added (see below)."""

    __tablename__ = "moderation_log"
    __table_args__ = (Index("ix_moderation_log_network_created", "network_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    # Kept when the actor's account goes: the log outlives people.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None]
    # What the target was called when the action happened (a title, a name), for reading
    # the log after the target changed or went.
    target_label: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network: Mapped[Network] = relationship()
    actor: Mapped[User | None] = relationship()


@event.listens_for(ModerationLogEntry, "before_update")
@event.listens_for(ModerationLogEntry, "before_delete")
def _log_is_never_edited(_mapper, _connection, entry: ModerationLogEntry) -> None:
    raise RuntimeError(f"moderation log entry {entry.id} cannot be changed or removed")
