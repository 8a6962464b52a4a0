"""What the forum puts in the search index: topics (title and tags) and posts (plain text).

Every post of a topic is grouped with the topic (`group="topic:<id>"`), so a topic
with many matching posts is one result showing its best match, which links to the
exact post. Each document carries the audience the policy needs to filter it:
a private conversation's participants, the category's readers, or the network's
staff for hidden and deleted posts (see `policy.Audience`).

Posts repeat their topic's category, tags and status, so filters such as `tag:` or
`status:answered` select them too: a change to the topic re-queues its posts
(`queue_topics` in posting.py).
"""

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.forum import urls
from app.forum.models import Category, Post, ReadAccess, Tag, Topic, TopicTag, TopicUser
from app.i18n import _
from app.markup import html_to_text
from app.policy import Audience
from app.search.document import SearchDocument, SearchKind

CATEGORY_AUDIENCE = {
    ReadAccess.EVERYONE: Audience.READERS,
    ReadAccess.MEMBERS: Audience.MEMBERS,
    ReadAccess.STAFF: Audience.STAFF,
}


def topic_group(topic_id: int) -> str:
    return f"topic:{topic_id}"


def topic_status(closed: bool, answered: bool) -> tuple[str, ...]:
    return ("closed" if closed else "open", "answered" if answered else "unanswered")


def _topic_columns():
    return (
        Topic.id.label("topic_id"),
        Topic.network_id,
        Topic.title,
        Topic.slug,
        Topic.is_private,
        Topic.closed_at,
        Topic.answer_post_number,
        Topic.hidden_at.label("topic_hidden_at"),
        Topic.merged_into_id,
        Category.slug.label("category_slug"),
        Category.name.label("category_name"),
        Category.read_access,
    )


def _topic_extras(session: Session, topic_ids: set[int], private_ids: set[int]):
    """Tags of the topics, and participants of the private ones, in two queries."""
    tags: dict[int, list[str]] = {}
    for topic_id, name in session.execute(
        select(TopicTag.topic_id, Tag.name)
        .join(Tag, Tag.id == TopicTag.tag_id)
        .where(TopicTag.topic_id.in_(topic_ids))
        .order_by(Tag.name)
    ):
        tags.setdefault(topic_id, []).append(name)
    participants: dict[int, list[int]] = {}
    if private_ids:
        for topic_id, user_id in session.execute(
            select(TopicUser.topic_id, TopicUser.user_id).where(
                TopicUser.topic_id.in_(private_ids), TopicUser.is_private_participant
            )
        ):
            participants.setdefault(topic_id, []).append(user_id)
    return tags, participants


def _shared(row, tags, participants, *, visible: bool = True) -> dict | None:
    """What a topic and its posts share: audience, category, tags, status; None to leave out."""
    if row.is_private:
        if not visible:
            return None  # nobody reads a hidden private message: staff do not see them
        return {
            "audience": Audience.PARTICIPANTS,
            "participant_ids": tuple(participants.get(row.topic_id, ())),
        }
    audience = CATEGORY_AUDIENCE[row.read_access] if visible else Audience.STAFF
    return {
        "audience": audience,
        "category": row.category_slug,
        "category_label": row.category_name,
        "tags": tuple(tags.get(row.topic_id, ())),
        "status": topic_status(row.closed_at is not None, row.answer_post_number is not None),
    }


def _topic_documents(session: Session, ids: Sequence[int]) -> list[SearchDocument]:
    rows = session.execute(
        select(*_topic_columns(), Topic.user_id, Topic.created_at, Topic.last_posted_at)
        .outerjoin(Category, Category.id == Topic.category_id)
        .where(Topic.id.in_(ids))
    ).all()
    tags, participants = _topic_extras(
        session, {row.topic_id for row in rows}, {row.topic_id for row in rows if row.is_private}
    )
    documents = []
    for row in rows:
        visible = row.topic_hidden_at is None and row.merged_into_id is None
        shared = _shared(row, tags, participants, visible=visible)
        if shared is None:
            continue
        documents.append(
            SearchDocument(
                kind=TOPIC.name,
                object_id=row.topic_id,
                title=row.title,
                body=" ".join(tags.get(row.topic_id, ())),
                url=urls.topic_path(row.slug, row.topic_id),
                created_at=row.created_at,
                updated_at=row.last_posted_at,
                network_id=row.network_id,
                group=topic_group(row.topic_id),
                author_id=row.user_id,
                **shared,
            )
        )
    return documents


def _post_documents(session: Session, ids: Sequence[int]) -> list[SearchDocument]:
    rows = session.execute(
        select(
            *_topic_columns(),
            Post.id,
            Post.post_number,
            Post.user_id,
            Post.body_html,
            Post.created_at,
            Post.edited_at,
            Post.hidden_at,
            Post.deleted_at,
        )
        .join(Topic, Topic.id == Post.topic_id)
        .outerjoin(Category, Category.id == Topic.category_id)
        .where(Post.id.in_(ids))
    ).all()
    tags, participants = _topic_extras(
        session, {row.topic_id for row in rows}, {row.topic_id for row in rows if row.is_private}
    )
    documents = []
    for row in rows:
        visible = row.hidden_at is None and row.deleted_at is None and row.topic_hidden_at is None
        shared = _shared(row, tags, participants, visible=visible)
        if shared is None:
            continue
        documents.append(
            SearchDocument(
                kind=POST.name,
                object_id=row.id,
                title="",  # in:title matches topic titles only
                heading=row.title,
                body=html_to_text(row.body_html),
                url=urls.post_path(row.slug, row.topic_id, row.post_number),
                created_at=row.created_at,
                updated_at=row.edited_at,
                network_id=row.network_id,
                group=topic_group(row.topic_id),
                author_id=row.user_id,
                **shared,
            )
        )
    return documents


def _topic_ids() -> Select:
    return select(Topic.id)


def _post_ids() -> Select:
    return select(Post.id)


TOPIC = SearchKind(
    name="topic",
    scope="topics",
    label=lambda: _("Topics"),
    load=_topic_documents,
    ids=_topic_ids,
)
POST = SearchKind(
    name="post",
    scope="posts",
    label=lambda: _("Posts"),
    load=_post_documents,
    ids=_post_ids,
)
