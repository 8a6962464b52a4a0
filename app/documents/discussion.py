"""The forum topic where a document is discussed: at most one, started from the document.

The topic is an ordinary forum topic made by the forum's own service; the document
keeps its id, and the topic page asks here which document it discusses.
"""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.documents.models import Document
from app.errors import Conflict, NotFound
from app.forum import posting as forum_posting
from app.forum.models import Category, Topic
from app.i18n import _


def opening_text(document_title: str, document_url: str) -> str:
    """The first post offered in the form: it links back to the document."""
    return _(
        "This topic discusses the document [%(title)s](%(url)s).",
        title=document_title,
        url=document_url,
    )


def get_discussion(session: Session, document: Document) -> Topic | None:
    """The topic attached to `document`, or None when no discussion was started."""
    if document.topic_id is None:
        return None
    return forum_posting.get_topic(session, document.topic_id)


def get_discussed_document(session: Session, topic: Topic) -> Document | None:
    """The document `topic` is attached to, if any (a topic discusses at most one)."""
    return session.scalar(select(Document).where(Document.topic_id == topic.id).limit(1))


def start_discussion(
    session: Session,
    *,
    actor: User,
    document: Document,
    category: Category,
    title: str,
    body: str,
    posts_per_window: int,
) -> Topic:
    """Create a topic in `category` through the forum's service and attach it to `document`.

    Assumes the policy allowed DOCUMENT_VIEW on the document and TOPIC_CREATE in the
    category. Raises NotFound for a category of another network, Conflict when the
    document already has a discussion (also when another member attached one at the
    same moment: the conditional update below finds no row), and the forum's errors
    for a bad title or body or a posting limit reached.
    """
    if category.network_id != document.network_id:
        raise NotFound()
    if document.topic_id is not None:
        raise _already_discussed()
    topic = forum_posting.create_topic(
        session,
        actor=actor,
        category=category,
        title=title,
        body=body,
        posts_per_window=posts_per_window,
    )
    attached = session.execute(
        update(Document)
        .where(Document.id == document.id, Document.topic_id.is_(None))
        .values(topic_id=topic.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not attached:
        raise _already_discussed()
    document.topic_id = topic.id
    return topic


def _already_discussed() -> Conflict:
    return Conflict(
        _("This document already has a discussion: reply there."), code="discussion_exists"
    )
