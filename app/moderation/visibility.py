"""Keeping a topic and the search index in line with a post whose visibility changed."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.forum import posting
from app.forum import search as forum_search
from app.forum.models import Post, Topic
from app.notifications import service as notifications_service
from app.search import service as search_service


def visibility_changed(session: Session, post: Post) -> None:
    """A first post hides or shows its whole topic; either way search is queued again, and
    a hidden post (or topic) leaves the mails not yet sent."""
    topic = post.topic
    if not post.is_visible:
        notifications_service.withdraw_pending_mail(
            session, post_id=post.id, topic_id=topic.id if post.post_number == 1 else None
        )
    if post.post_number != 1:
        search_service.enqueue(session, kind=forum_search.POST.name, object_id=post.id)
        return
    topic.hidden_at = None if post.is_visible else (topic.hidden_at or utcnow())
    posting.queue_topics(session, select(Topic.id).where(Topic.id == topic.id))
