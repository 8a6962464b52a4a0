"""Tags: free labels on topics, one set per network, with a page each."""

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.forum.models import Tag, Topic, TopicTag
from app.networks.models import Network


def get_tag(session: Session, network: Network, name: str) -> Tag:
    tag = session.scalar(select(Tag).where(Tag.network_id == network.id, Tag.name == name.lower()))
    if tag is None:
        raise NotFound()
    return tag


def list_topic_tags(session: Session, topic: Topic) -> list[str]:
    return list(
        session.scalars(
            select(Tag.name)
            .join(TopicTag, TopicTag.tag_id == Tag.id)
            .where(TopicTag.topic_id == topic.id)
            .order_by(Tag.name)
        )
    )


def set_topic_tags(session: Session, *, topic: Topic, names: list[str]) -> bool:
    """Make `names` (already normalised by text.parse_tags) the topic's tags; keeps each
    tag's topic count. Returns whether anything changed."""
    current = dict(
        session.execute(
            select(Tag.name, Tag.id)
            .join(TopicTag, TopicTag.tag_id == Tag.id)
            .where(TopicTag.topic_id == topic.id)
        ).all()
    )
    wanted = list(dict.fromkeys(names))
    removed = [tag_id for name, tag_id in current.items() if name not in wanted]
    added = [name for name in wanted if name not in current]
    if removed:
        session.execute(
            delete(TopicTag).where(TopicTag.topic_id == topic.id, TopicTag.tag_id.in_(removed))
        )
        session.execute(
            update(Tag)
            .where(Tag.id.in_(removed))
            .values(topic_count=Tag.topic_count - 1)
            .execution_options(synchronize_session=False)
        )
    if added:
        existing = dict(
            session.execute(
                select(Tag.name, Tag.id).where(
                    Tag.network_id == topic.network_id, Tag.name.in_(added)
                )
            ).all()
        )
        for name in added:
            if name not in existing:
                tag = Tag(network_id=topic.network_id, name=name, topic_count=0)
                session.add(tag)
                session.flush()  # the new tag's id links it to the topic
                existing[name] = tag.id
            session.add(
                TopicTag(topic_id=topic.id, tag_id=existing[name], network_id=topic.network_id)
            )
        session.execute(
            update(Tag)
            .where(Tag.id.in_(existing.values()))
            .values(topic_count=Tag.topic_count + 1)
            .execution_options(synchronize_session=False)
        )
    return bool(removed or added)


@dataclass(frozen=True)
class TagCount:
    name: str
    topic_count: int


def list_tags(session: Session, network: Network) -> list[TagCount]:
    """The network's tags in use, most used first."""
    rows = session.execute(
        select(Tag.name, Tag.topic_count)
        .where(Tag.network_id == network.id, Tag.topic_count > 0)
        .order_by(Tag.topic_count.desc(), Tag.name)
    )
    return [TagCount(*row) for row in rows]
