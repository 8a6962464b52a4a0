"""Topic lists: latest, new, unread, per category and tag, across networks, bookmarks and
private conversations.

Hot read paths: one Core select of the needed columns for the page of topics, then
one query for their tags and one for their participants, whatever the page size.
Every list filters with the policy's category read levels, so a list never shows
what its reader may not open, and private conversations only to their participants.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, case, false, func, null, or_, select
from sqlalchemy.orm import Session, aliased

from app.accounts.models import User
from app.forum.member_state import DEFAULT_LEVEL
from app.forum.models import (
    Category,
    CategoryUser,
    NotificationLevel,
    PinScope,
    Tag,
    Topic,
    TopicTag,
    TopicUser,
)
from app.networks.models import Membership, Network
from app.policy import Action, Principal, can, category_read_access

PAGE_SIZE = 30
PARTICIPANTS_SHOWN = 5


class ListKind(enum.StrEnum):
    LATEST = "latest"
    NEW = "new"
    UNREAD = "unread"


@dataclass(frozen=True)
class Participant:
    username: str
    display_name: str


@dataclass
class TopicRow:
    id: int
    title: str
    slug: str
    network_slug: str
    network_name: str
    category_name: str | None
    category_slug: str | None
    category_colour: str | None
    created_at: datetime
    last_posted_at: datetime
    post_count: int
    participant_count: int
    like_count: int
    pin_scope: PinScope
    is_announcement: bool
    closed: bool
    answered: bool
    is_private: bool
    highest_post_number: int
    author_name: str | None
    last_poster_name: str | None
    last_read_post_number: int | None
    bookmarked_post_number: int | None
    tags: list[str] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def is_new(self) -> bool:
        return self.last_read_post_number is None

    @property
    def unread_count(self) -> int:
        if self.last_read_post_number is None:
            return 0
        return max(self.highest_post_number - self.last_read_post_number, 0)


@dataclass
class TopicList:
    topics: list[TopicRow]
    page: int
    has_more: bool


def _readable(viewer: Principal, networks: Sequence[Network]):
    """Public topics of `networks` in categories `viewer` may read; topics hidden by
    moderation only for the network's staff, merged topics (now empty) for nobody."""
    parts = []
    for network in networks:
        levels = category_read_access(viewer, network)
        if not levels:
            continue
        part = and_(Topic.network_id == network.id, Category.read_access.in_(levels))
        if not can(viewer, Action.POST_SEE_HIDDEN, network):
            part = and_(part, Topic.hidden_at.is_(None))
        parts.append(part)
    if not parts:
        return false()
    return and_(Topic.is_private.is_(False), Topic.merged_into_id.is_(None), or_(*parts))


# Made once: an alias built per request costs a proxy of every column of the table.
_AUTHOR = aliased(User, name="author")
_LAST_POSTER = aliased(User, name="last_poster")


def _base(viewer: Principal) -> Select:
    author, last_poster = _AUTHOR, _LAST_POSTER
    user_id = viewer.user.id if viewer.user else None
    columns = [
        Topic.id,
        Topic.title,
        Topic.slug,
        Network.slug,
        Network.name,
        Category.name,
        Category.slug,
        Category.colour,
        Topic.created_at,
        Topic.last_posted_at,
        Topic.post_count,
        Topic.participant_count,
        Topic.like_count,
        Topic.pin_scope,
        Topic.is_announcement,
        Topic.closed_at.is_not(None),
        Topic.answer_post_number.is_not(None),
        Topic.is_private,
        Topic.highest_post_number,
        author.display_name,
        last_poster.display_name,
    ]
    if user_id is None:
        columns += [null(), null()]
    else:
        columns += [TopicUser.last_read_post_number, TopicUser.bookmarked_post_number]
    query = (
        select(*columns)
        .join(Network, Network.id == Topic.network_id)
        .outerjoin(Category, Category.id == Topic.category_id)
        .outerjoin(author, author.id == Topic.user_id)
        .outerjoin(last_poster, last_poster.id == Topic.last_poster_id)
    )
    if user_id is not None:
        query = query.outerjoin(
            TopicUser, and_(TopicUser.topic_id == Topic.id, TopicUser.user_id == user_id)
        ).outerjoin(
            CategoryUser,
            and_(CategoryUser.category_id == Topic.category_id, CategoryUser.user_id == user_id),
        )
    return query


def _kind_condition(viewer: Principal, kind: ListKind):
    if kind == ListKind.LATEST:
        return None
    if viewer.user is None:
        return false()
    if kind == ListKind.NEW:
        joined_at = (
            select(Membership.joined_at)
            .where(Membership.network_id == Topic.network_id, Membership.user_id == viewer.user.id)
            .scalar_subquery()
        )
        return and_(
            TopicUser.topic_id.is_(None),
            Topic.user_id != viewer.user.id,
            Topic.created_at >= joined_at,
            or_(
                CategoryUser.notification_level.is_(None),
                CategoryUser.notification_level != NotificationLevel.MUTED,
            ),
        )
    level = func.coalesce(
        TopicUser.notification_level, CategoryUser.notification_level, DEFAULT_LEVEL
    )
    return and_(
        TopicUser.last_read_post_number > 0,
        TopicUser.last_read_post_number < Topic.highest_post_number,
        level.in_([NotificationLevel.TRACKING, NotificationLevel.WATCHING]),
    )


def _filtered(
    viewer: Principal,
    networks: Sequence[Network],
    *,
    kind: ListKind,
    category_ids: Sequence[int] | None,
    tag: Tag | None,
) -> Select:
    # Archived topics stay readable at their address and in search, out of the lists.
    query = _base(viewer).where(_readable(viewer, networks), Topic.archived_at.is_(None))
    condition = _kind_condition(viewer, kind)
    if condition is not None:
        query = query.where(condition)
    if category_ids is not None:
        query = query.where(Topic.category_id.in_(category_ids))
    if tag is not None:
        query = query.join(TopicTag, and_(TopicTag.topic_id == Topic.id, TopicTag.tag_id == tag.id))
    return query


def list_topics(
    session: Session,
    viewer: Principal,
    networks: Sequence[Network],
    *,
    kind: ListKind = ListKind.LATEST,
    category_ids: Sequence[int] | None = None,
    tag: Tag | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> TopicList:
    """A page of topics of `networks` that `viewer` may read, last active first.

    Pinned topics come first: those pinned network-wide in a network's list, and
    in a category's list also those pinned in that category.
    """
    page = max(page, 1)
    query = _filtered(viewer, networks, kind=kind, category_ids=category_ids, tag=tag)
    pinned_scopes = (
        [PinScope.NETWORK] if category_ids is None else [PinScope.NETWORK, PinScope.CATEGORY]
    )
    if len(networks) == 1 and kind == ListKind.LATEST:
        query = query.order_by(case((Topic.pin_scope.in_(pinned_scopes), 0), else_=1))
    query = query.order_by(Topic.last_posted_at.desc(), Topic.id.desc())
    rows = session.execute(query.limit(page_size + 1).offset((page - 1) * page_size)).all()
    topics = [TopicRow(*row) for row in rows[:page_size]]
    _attach_tags_and_people(session, topics)
    return TopicList(topics, page, has_more=len(rows) > page_size)


def count_topics(
    session: Session, viewer: Principal, networks: Sequence[Network], *, kind: ListKind
) -> int:
    query = _filtered(viewer, networks, kind=kind, category_ids=None, tag=None)
    # The list's joins, none of its columns: a subquery of them costs a third more.
    return session.scalar(query.with_only_columns(func.count()))


def list_announcements(
    session: Session, viewer: Principal, network: Network, *, limit: int = 3
) -> list[TopicRow]:
    """The network's announcement topics, newest first, for a banner."""
    query = (
        _base(viewer)
        .where(_readable(viewer, [network]), Topic.is_announcement.is_(True))
        .order_by(Topic.created_at.desc())
        .limit(limit)
    )
    return [TopicRow(*row) for row in session.execute(query).all()]


def _attach_tags_and_people(
    session: Session, topics: list[TopicRow], *, private: bool = False
) -> None:
    if not topics:
        return
    by_id = {topic.id: topic for topic in topics}
    for topic_id, name in session.execute(
        select(TopicTag.topic_id, Tag.name)
        .join(Tag, Tag.id == TopicTag.tag_id)
        .where(TopicTag.topic_id.in_(by_id))
        .order_by(Tag.name)
    ):
        by_id[topic_id].tags.append(name)
    who = TopicUser.is_private_participant if private else TopicUser.posted
    for topic_id, username, display_name in session.execute(
        select(TopicUser.topic_id, User.username, User.display_name)
        .join(User, User.id == TopicUser.user_id)
        .where(TopicUser.topic_id.in_(by_id), who.is_(True))
        .order_by(User.display_name)
    ):
        people = by_id[topic_id].participants
        if len(people) < PARTICIPANTS_SHOWN:
            people.append(Participant(username, display_name))


def list_bookmarks(session: Session, viewer: Principal, *, page: int = 1) -> TopicList:
    """The viewer's bookmarked topics they may still read, most recently bookmarked first."""
    page = max(page, 1)
    network_ids = (
        select(TopicUser.network_id)
        .where(TopicUser.user_id == viewer.user.id, TopicUser.bookmarked_post_number.is_not(None))
        .distinct()
    )
    networks = list(session.scalars(select(Network).where(Network.id.in_(network_ids))))
    query = (
        _base(viewer)
        .where(
            TopicUser.bookmarked_post_number.is_not(None),
            or_(_readable(viewer, networks), TopicUser.is_private_participant.is_(True)),
        )
        .order_by(TopicUser.bookmarked_at.desc())
    )
    rows = session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    topics = [TopicRow(*row) for row in rows[:PAGE_SIZE]]
    _attach_tags_and_people(session, topics)
    return TopicList(topics, page, has_more=len(rows) > PAGE_SIZE)


def list_messages(
    session: Session, viewer: Principal, *, network: Network | None = None, page: int = 1
) -> TopicList:
    """The private conversations the viewer takes part in, last active first."""
    page = max(page, 1)
    query = _base(viewer).where(
        Topic.is_private.is_(True), TopicUser.is_private_participant.is_(True)
    )
    if network is not None:
        query = query.where(Topic.network_id == network.id)
    query = query.order_by(Topic.last_posted_at.desc(), Topic.id.desc())
    rows = session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    topics = [TopicRow(*row) for row in rows[:PAGE_SIZE]]
    _attach_tags_and_people(session, topics, private=True)
    return TopicList(topics, page, has_more=len(rows) > PAGE_SIZE)


def count_unread_messages(session: Session, viewer: Principal) -> int:
    if viewer.user is None:
        return 0
    return session.scalar(
        select(func.count())
        .select_from(Topic)
        .join(TopicUser, and_(TopicUser.topic_id == Topic.id, TopicUser.user_id == viewer.user.id))
        .where(
            Topic.is_private.is_(True),
            TopicUser.is_private_participant.is_(True),
            TopicUser.last_read_post_number < Topic.highest_post_number,
        )
    )


def category_ids_with_children(session: Session, category: Category) -> list[int]:
    return [
        category.id,
        *session.scalars(select(Category.id).where(Category.parent_id == category.id)),
    ]
