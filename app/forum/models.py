"""Forum tables: categories, topics, posts and their revisions, likes, tags, per-member state.

Every row that belongs to a network carries its `network_id`, indexed, so every
visibility filter is one indexed condition. Topics keep denormalised counters
updated in the same transaction as the post that changes them, so lists never
aggregate posts on read.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, UTCDateTime, utcnow
from app.networks.models import Network, _enum


class ReadAccess(enum.StrEnum):
    """Who may read a category, within those who may read its network."""

    EVERYONE = "everyone"  # whoever may read the network (anonymous visitors of a public one)
    MEMBERS = "members"
    STAFF = "staff"


class TopicAccess(enum.StrEnum):
    """Who may start topics in a category (replies follow reading and posting rights)."""

    MEMBERS = "members"
    STAFF = "staff"


class NotificationLevel(enum.StrEnum):
    WATCHING = "watching"  # every new post notifies
    TRACKING = "tracking"  # unread counts; replies and mentions notify
    NORMAL = "normal"  # replies and mentions notify, no unread count
    MUTED = "muted"  # nothing, and left out of the new and unread lists


class PinScope(enum.StrEnum):
    NONE = "none"
    CATEGORY = "category"
    NETWORK = "network"


class TopicView(enum.StrEnum):
    CHRONOLOGICAL = "chronological"
    THREADED = "threaded"


class Category(Base):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("network_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("category.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7), default="#1d4f6e")
    position: Mapped[int] = mapped_column(default=0)
    read_access: Mapped[ReadAccess] = mapped_column(_enum(ReadAccess), default=ReadAccess.EVERYONE)
    topic_access: Mapped[TopicAccess] = mapped_column(
        _enum(TopicAccess), default=TopicAccess.MEMBERS
    )
    topic_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network: Mapped[Network] = relationship()
    parent: Mapped["Category | None"] = relationship(remote_side=[id])


class Topic(Base):
    """A discussion in a category, or a private conversation (`is_private`, no category)."""

    __tablename__ = "topic"
    __table_args__ = (
        Index("ix_topic_network_id_last_posted_at", "network_id", "last_posted_at"),
        Index("ix_topic_category_id_last_posted_at", "category_id", "last_posted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80))
    is_private: Mapped[bool] = mapped_column(default=False)
    pin_scope: Mapped[PinScope] = mapped_column(_enum(PinScope), default=PinScope.NONE)
    is_announcement: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_post_number: Mapped[int | None]
    # Numbering counts every post ever made (deleted ones too), so numbers are never reused.
    highest_post_number: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    participant_count: Mapped[int] = mapped_column(default=0)
    like_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Moderation: an archived topic is read-only and left out of the default lists; a
    # hidden one (its first post hidden, deleted or waiting for approval) is for staff only;
    # a merged one points readers to the topic that took its posts.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"))
    # One post per member every N minutes (0: off); staff are exempt.
    slow_mode_minutes: Mapped[int] = mapped_column(default=0)

    network: Mapped[Network] = relationship()
    category: Mapped[Category | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    # Who may read a private conversation: loaded only when the policy asks.
    private_members: Mapped[list["TopicUser"]] = relationship(
        primaryjoin="and_(TopicUser.topic_id == Topic.id, TopicUser.is_private_participant)",
        viewonly=True,
    )

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class Post(Base):
    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("topic_id", "post_number"),
        Index("ix_post_topic_id_reply_to_post_number", "topic_id", "reply_to_post_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    post_number: Mapped[int]
    reply_to_post_number: Mapped[int | None]
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    like_count: Mapped[int] = mapped_column(default=0)
    # Direct replies, so a post can offer "3 replies" without counting on read.
    reply_count: Mapped[int] = mapped_column(default=0)
    revision_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation: who hid or deleted the post and why (hidden_by_id None with a hidden_at:
    # hidden by the system, enough flags or a watched word); `held` marks a post hidden
    # until staff approve it, which its author still sees; a staff edit shows its reason.
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    held: Mapped[bool] = mapped_column(default=False)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    deleted_reason: Mapped[str] = mapped_column(String(500), default="")
    staff_edit_reason: Mapped[str] = mapped_column(String(500), default="")

    topic: Mapped[Topic] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def is_visible(self) -> bool:
        return self.hidden_at is None and self.deleted_at is None


class PostRevision(Base):
    """Append-only: revision 1 is the text as first posted, the newest is the current text."""

    __tablename__ = "post_revision"
    __table_args__ = (UniqueConstraint("post_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    number: Mapped[int]
    # The topic title at this revision, kept for the first post only.
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()


class PostLike(Base):
    __tablename__ = "post_like"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Tag(Base):
    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("network_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(30))
    topic_count: Mapped[int] = mapped_column(default=0)


class TopicTag(Base):
    __tablename__ = "topic_tag"

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )


class TopicUser(Base):
    """One row per member and topic: read position, notification level, bookmark, posted."""

    __tablename__ = "topic_user"

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    last_read_post_number: Mapped[int] = mapped_column(default=0)
    # None: follow the category's level, else the default for topics one has opened.
    notification_level: Mapped[NotificationLevel | None] = mapped_column(_enum(NotificationLevel))
    bookmarked_post_number: Mapped[int | None]
    bookmarked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted: Mapped[bool] = mapped_column(default=False)
    # A participant of a private conversation: the only people who may read it.
    is_private_participant: Mapped[bool] = mapped_column(default=False)
    last_visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CategoryUser(Base):
    __tablename__ = "category_user"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("category.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    notification_level: Mapped[NotificationLevel] = mapped_column(_enum(NotificationLevel))


class Draft(Base):
    """What a member is writing, saved as they type; `key` names the form it belongs to."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    reply_to_post_id: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumPreference(Base):
    """A member's reading preferences, the same in every network (so no network_id)."""

    __tablename__ = "forum_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    topic_view: Mapped[TopicView] = mapped_column(_enum(TopicView), default=TopicView.CHRONOLOGICAL)
