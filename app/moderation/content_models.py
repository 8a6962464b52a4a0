"""Tables of content moderation: flags on posts, watched words, and each network's settings."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, UTCDateTime, utcnow
from app.forum.models import Post
from app.networks.models import _enum

DEFAULT_FLAGS_TO_HIDE = 3


class FlagReason(enum.StrEnum):
    OFF_TOPIC = "off_topic"
    INAPPROPRIATE = "inappropriate"
    SPAM = "spam"
    BREAKS_CHARTER = "breaks_charter"
    OTHER = "other"  # needs a text
    WATCHED_WORD = "watched_word"  # raised by the system, never by a member


class WatchedAction(enum.StrEnum):
    BLOCK = "block"  # the post is refused, naming the word
    HOLD = "hold"  # the post waits for approval in the queue
    FLAG = "flag"  # the post is published and flagged for review


class Flag(Base):
    """One member's report on one post (user_id None: raised by a watched word).

    Open while `resolved_at` is None; a member has at most one open flag per post.
    """

    __tablename__ = "moderation_flag"
    __table_args__ = (Index("ix_moderation_flag_network_open", "network_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[FlagReason] = mapped_column(_enum(FlagReason))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class WatchedWord(Base):
    """A word or simple pattern (`*` any letters) staff watch for, stored folded."""

    __tablename__ = "watched_word"
    __table_args__ = (UniqueConstraint("network_id", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    word: Mapped[str] = mapped_column(String(100))
    action: Mapped[WatchedAction] = mapped_column(_enum(WatchedAction))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModerationSetting(Base):
    """A network's moderation settings; a network without a row uses the defaults."""

    __tablename__ = "moderation_setting"

    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), primary_key=True
    )
    # Open flags from distinct members that hide a post until reviewed (0: never).
    flags_to_hide: Mapped[int] = mapped_column(default=DEFAULT_FLAGS_TO_HIDE)
    # A new member's first N posts wait for approval (0: off).
    new_member_hold: Mapped[int] = mapped_column(default=0)
