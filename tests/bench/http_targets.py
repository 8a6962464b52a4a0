"""What the HTTP benchmark reads in the seeded database before the server starts: which
topics, category and documents to ask for, so every scenario hits real content."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import case, func, select

from app.db import Database
from app.documents.models import Document, DocumentRevision
from app.forum.models import Category, ReadAccess, Topic
from app.networks.models import Network

MEMBERS_NETWORK = "rssi-public"  # members-only content: read signed in
PUBLIC_NETWORK = "rssi-occitanie"  # public content: read anonymously
CATEGORY = "questions"
TOPIC_POSTS = 20
REPLY_TOPICS = 8


@dataclass(frozen=True)
class TopicRef:
    id: int
    slug: str
    post_count: int

    @property
    def path(self) -> str:
        return f"/t/{self.slug}/{self.id}"


@dataclass
class DocumentRef:
    network_slug: str
    id: int
    title: str
    body: str
    head_number: int


@dataclass(frozen=True)
class Targets:
    members_network: str
    public_network: str
    category: str
    signed_in_topic: TopicRef
    anonymous_topic: TopicRef
    reply_topics: list[TopicRef]
    documents: list[DocumentRef]


def _topics(session, network_slug: str, *, limit: int, exclude: tuple[int, ...] = (), by_size=True):
    """Open topics of readable categories, the closest to TOPIC_POSTS posts first (or the
    most recently active first)."""
    order = (
        (func.abs(Topic.post_count - TOPIC_POSTS), Topic.id.desc())
        if by_size
        else (Topic.last_posted_at.desc(),)
    )
    rows = session.execute(
        select(Topic.id, Topic.slug, Topic.post_count)
        .join(Network, Network.id == Topic.network_id)
        .join(Category, Category.id == Topic.category_id)
        .where(
            Network.slug == network_slug,
            Category.read_access == ReadAccess.EVERYONE,
            Topic.closed_at.is_(None),
            Topic.id.not_in(exclude),
        )
        .order_by(*order)
        .limit(limit)
    )
    return [TopicRef(*row) for row in rows]


def read_targets(data_dir: Path, *, documents: int) -> Targets:
    db = Database(f"sqlite:///{data_dir / 'maillage.db'}")
    try:
        with db.session() as session:
            signed_in = _topics(session, MEMBERS_NETWORK, limit=1)[0]
            anonymous = _topics(session, PUBLIC_NETWORK, limit=1)[0]
            replies = _topics(
                session, MEMBERS_NETWORK, limit=REPLY_TOPICS, exclude=(signed_in.id,), by_size=False
            )
            rows = session.execute(
                select(
                    Network.slug,
                    Document.id,
                    Document.title,
                    DocumentRevision.body,
                    Document.head_number,
                )
                .join(Network, Network.id == Document.network_id)
                .join(
                    DocumentRevision,
                    (DocumentRevision.document_id == Document.id)
                    & (DocumentRevision.number == Document.head_number),
                )
                .order_by(
                    case((func.length(DocumentRevision.body) > 4000, 0), else_=1), Document.id
                )
                .limit(documents)
            )
            docs = [DocumentRef(*row) for row in rows]
    finally:
        db.engine.dispose()
    return Targets(MEMBERS_NETWORK, PUBLIC_NETWORK, CATEGORY, signed_in, anonymous, replies, docs)
