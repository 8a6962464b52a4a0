"""Notification tables: in-app notifications, per-member settings and the mail outbox."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, text
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


class NotificationKind(enum.StrEnum):
    REPLY = "reply"
    MENTION = "mention"
    QUOTE = "quote"
    LIKE = "like"
    WATCHING = "watching"
    PRIVATE_MESSAGE = "private_message"
    MODERATION = "moderation"


class EmailMode(enum.StrEnum):
    OFF = "off"
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


DIGEST_MODES = frozenset({EmailMode.DAILY, EmailMode.WEEKLY})
# Quiet defaults: one mail a week, and likes never leave the site unless asked for.
DEFAULT_EMAIL_MODE = EmailMode.WEEKLY
DEFAULT_EMAIL_KINDS = tuple(
    kind.value for kind in NotificationKind if kind != NotificationKind.LIKE
)


class Notification(Base):
    """Something that happened for one member; `url` is a path on this site."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_id_read_at", "user_id", "read_at"),
        Index("ix_notification_user_id_id", "user_id", "id"),
        Index("ix_notification_user_id_topic_id", "user_id", "topic_id"),
        Index("ix_notification_user_id_post_id", "user_id", "post_id"),
        # Only the few rows still waiting for a mail, so the mail job's scan stays small.
        Index(
            "ix_notification_mail_pending",
            "created_at",
            sqlite_where=text("mail_pending"),
            postgresql_where=text("mail_pending"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    # Plain ids: topics and posts are soft-deleted, never removed, and the forum owns them.
    topic_id: Mapped[int | None]
    post_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200))
    excerpt: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # True while a mail (immediate or digest) should still tell the member about it.
    mail_pending: Mapped[bool] = mapped_column(default=False)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class NotificationSetting(Base):
    """A member's email choices; no row means the quiet defaults."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    email_mode: Mapped[EmailMode] = mapped_column(_enum(EmailMode), default=DEFAULT_EMAIL_MODE)
    email_kinds: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_EMAIL_KINDS))
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MailOutbox(Base):
    """A message waiting to be sent, written in the same transaction as its cause.

    The delivery task sends it after commit and deletes the row, so a crash
    between the two sends it again rather than losing it.
    """

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    # Extra headers such as List-Unsubscribe, as {name: value}.
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
