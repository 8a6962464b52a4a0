"""Rate limits kept in the database, so every server process counts the same hits."""

from datetime import datetime, timedelta

from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import Base, UTCDateTime, utcnow
from app.errors import RateLimited


class RateLimitHit(Base):
    __tablename__ = "rate_limit_hit"
    __table_args__ = (Index("ix_rate_limit_hit_scope_key_at", "scope", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def count_hits(session: Session, *, scope: str, key: str, window: timedelta) -> int:
    since = utcnow() - window
    return session.scalar(
        select(func.count())
        .select_from(RateLimitHit)
        .where(RateLimitHit.scope == scope, RateLimitHit.key == key, RateLimitHit.created_at > since)
    )


def check_limit(session: Session, *, scope: str, key: str, limit: int, window: timedelta) -> None:
    """Raise RateLimited when `key` already used its `limit` hits in `window`."""
    if count_hits(session, scope=scope, key=key, window=window) >= limit:
        raise RateLimited()


def record_hit(session: Session, *, scope: str, key: str) -> None:
    session.add(RateLimitHit(scope=scope, key=key))


def clear_hits(session: Session, *, scope: str, key: str) -> None:
    session.execute(delete(RateLimitHit).where(RateLimitHit.scope == scope, RateLimitHit.key == key))


def purge_old_hits(session: Session, *, older_than: timedelta = timedelta(days=1)) -> None:
    session.execute(delete(RateLimitHit).where(RateLimitHit.created_at < utcnow() - older_than))
