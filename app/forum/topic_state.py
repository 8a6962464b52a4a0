"""A topic's state set by its author or the staff: the answer, pinning, announcements."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.forum.models import PinScope, Post, Topic
from app.forum.posting import queue_topics
from app.i18n import _


def mark_answered(session: Session, *, topic: Topic, post: Post) -> Topic:
    """Make `post` the topic's answer. Assumes the policy allowed TOPIC_ANSWER.

    Raises Invalid when the post belongs to another topic, is the question itself, or is hidden.
    """
    if post.topic_id != topic.id:
        raise Invalid(_("The answer must be a reply in this topic."))
    if post.post_number == 1:
        raise Invalid(_("The question cannot be its own answer."))
    if not post.is_visible:
        raise Invalid(_("This post is not visible."))
    topic.answer_post_number = post.post_number
    queue_topics(session, select(Topic.id).where(Topic.id == topic.id))  # status:answered
    return topic


def unmark_answered(session: Session, *, topic: Topic) -> Topic:
    topic.answer_post_number = None
    queue_topics(session, select(Topic.id).where(Topic.id == topic.id))
    return topic


def set_pin(session: Session, *, topic: Topic, scope: PinScope, is_announcement: bool) -> Topic:
    """Pin the topic in its category or the whole network, and make it an announcement or not.
    Assumes the policy allowed TOPIC_PIN."""
    topic.pin_scope = scope
    topic.is_announcement = is_announcement
    return topic
