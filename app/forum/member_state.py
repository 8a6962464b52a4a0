"""Per member and topic one row (read position, notification level, bookmark, posted),
per member and category a notification level; and how the two combine."""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Invalid
from app.forum.models import Category, CategoryUser, NotificationLevel, Post, Topic, TopicUser
from app.i18n import _

# A topic one opened or wrote in, with no level chosen for it or its category, is tracked.
DEFAULT_LEVEL = NotificationLevel.TRACKING


def get_topic_user(session: Session, *, user: User, topic: Topic) -> TopicUser | None:
    return session.get(TopicUser, (topic.id, user.id))


def ensure_topic_user(session: Session, *, user_id: int, topic: Topic) -> TopicUser:
    """The member's row for `topic`, inserted if they had none.

    Two requests of one member (two tabs opening a topic) may both find no row: the
    insert leaves a row that appeared meanwhile as it is, rather than failing.
    """
    row = session.get(TopicUser, (topic.id, user_id))
    if row is None:
        dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
        session.execute(
            dialect.insert(TopicUser)
            .values(
                topic_id=topic.id,
                user_id=user_id,
                network_id=topic.network_id,
                last_read_post_number=0,
                posted=False,
                is_private_participant=False,
            )
            .on_conflict_do_nothing()
        )
        row = session.get(TopicUser, (topic.id, user_id))
    return row


def get_category_level(
    session: Session, *, user: User, category: Category
) -> NotificationLevel | None:
    return session.scalar(
        select(CategoryUser.notification_level).where(
            CategoryUser.category_id == category.id, CategoryUser.user_id == user.id
        )
    )


def effective_level(
    topic_level: NotificationLevel | None, category_level: NotificationLevel | None
) -> NotificationLevel:
    """The topic's own level wins, then the category's, then the default."""
    return topic_level or category_level or DEFAULT_LEVEL


def set_topic_level(
    session: Session, *, actor: User, topic: Topic, level: NotificationLevel
) -> TopicUser:
    row = ensure_topic_user(session, user_id=actor.id, topic=topic)
    row.notification_level = level
    return row


def set_category_level(
    session: Session, *, actor: User, category: Category, level: NotificationLevel
) -> CategoryUser:
    """Choose how `category`'s topics notify the member; NORMAL removes the choice."""
    row = session.get(CategoryUser, (category.id, actor.id))
    if row is None:
        row = CategoryUser(
            category_id=category.id,
            user_id=actor.id,
            network_id=category.network_id,
            notification_level=level,
        )
        session.add(row)
    row.notification_level = level
    return row


def mark_read(session: Session, *, user: User, topic: Topic, up_to_post_number: int) -> TopicUser:
    """Move the member's read position forward to `up_to_post_number` (never backwards)."""
    row = ensure_topic_user(session, user_id=user.id, topic=topic)
    row.last_read_post_number = max(
        row.last_read_post_number or 0, min(up_to_post_number, topic.highest_post_number)
    )
    row.last_visited_at = utcnow()
    return row


def bookmark(session: Session, *, actor: User, post: Post) -> TopicUser:
    """Bookmark `post`: one bookmark per topic, so it replaces an earlier one in the same topic."""
    if not post.is_visible:
        raise Invalid(_("This post cannot be bookmarked."))
    row = ensure_topic_user(session, user_id=actor.id, topic=post.topic)
    row.bookmarked_post_number = post.post_number
    row.bookmarked_at = utcnow()
    return row


def remove_bookmark(session: Session, *, actor: User, topic: Topic) -> None:
    row = get_topic_user(session, user=actor, topic=topic)
    if row is not None:
        row.bookmarked_post_number = None
        row.bookmarked_at = None
