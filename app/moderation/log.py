"""Writing and reading the moderation log."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.moderation.models import ModerationLogEntry
from app.networks.models import Network


def record(
    session: Session,
    *,
    network: Network,
    actor: User | None,
    action: str,
    target_kind: str,
    target_id: int | None,
    target_label: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> ModerationLogEntry:
    """Adds one entry; the caller's transaction commits it with the action itself."""
    entry = ModerationLogEntry(
        network_id=network.id,
        actor_id=actor.id if actor else None,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        target_label=target_label[:300],
        reason=reason,
        details=details or {},
    )
    session.add(entry)
    return entry


def entries_query(
    network: Network,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    target_kind: str | None = None,
) -> Select[tuple[ModerationLogEntry]]:
    """The network's log, newest first, narrowed by the filters given."""
    query = select(ModerationLogEntry).where(ModerationLogEntry.network_id == network.id)
    if action:
        query = query.where(ModerationLogEntry.action == action)
    if actor_id:
        query = query.where(ModerationLogEntry.actor_id == actor_id)
    if target_kind:
        query = query.where(ModerationLogEntry.target_kind == target_kind)
    return query.order_by(ModerationLogEntry.created_at.desc(), ModerationLogEntry.id.desc())
