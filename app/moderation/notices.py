"""What the moderation tells people: a notification to the author of a moderated post,
and the log entry every action writes."""

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.forum import urls
from app.forum.models import Post, Topic
from app.moderation import log
from app.notifications import service as notifications_service
from app.notifications.models import NotificationKind


def post_label(post: Post) -> str:
    return f"{post.topic.title} #{post.post_number}"


def log_post(
    session: Session, *, actor: User | None, post: Post, action: str, reason: str = "", **details
) -> None:
    log.record(
        session,
        network=post.topic.network,
        actor=actor,
        action=action,
        target_kind="post",
        target_id=post.id,
        target_label=post_label(post),
        reason=reason,
        details=details,
    )


def log_topic(
    session: Session, *, actor: User, topic: Topic, action: str, reason: str = "", **details
) -> None:
    log.record(
        session,
        network=topic.network,
        actor=actor,
        action=action,
        target_kind="topic",
        target_id=topic.id,
        target_label=topic.title,
        reason=reason,
        details=details,
    )


def tell_author(session: Session, *, actor: User | None, post: Post, title: str, reason: str):
    """Notify the post's author (never the actor themself) with the reason as excerpt.

    No post id is passed, so a second action on the same post notifies again."""
    if post.user_id is None:
        return
    topic = post.topic
    notifications_service.notify(
        session,
        recipient_id=post.user_id,
        kind=NotificationKind.MODERATION,
        actor_id=actor.id if actor else None,
        network_id=topic.network_id,
        title=title,
        url=urls.post_path(topic.slug, topic.id, post.post_number),
        excerpt=reason,
        topic_id=topic.id,
    )
