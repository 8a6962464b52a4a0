"""The review queue: posts of a network waiting for staff, flagged or held for approval
(watched words raise flags or hold posts, so they arrive here the same way)."""

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from app.forum.models import Post, Topic
from app.moderation.content_models import Flag
from app.moderation.flags import open_flags
from app.networks.models import STAFF_ROLES, Network
from app.policy import Principal

PAGE_SIZE = 25


@dataclass
class QueueItem:
    post: Post
    flags: list[Flag] = field(default_factory=list)

    @property
    def topic(self) -> Topic:
        return self.post.topic


@dataclass
class QueuePage:
    items: list[QueueItem]
    page: int
    has_more: bool


def _waiting():
    has_open_flag = exists().where(Flag.post_id == Post.id, Flag.resolved_at.is_(None))
    return (Post.deleted_at.is_(None), or_(Post.held.is_(True), has_open_flag))


def list_queue(session: Session, network: Network, *, page: int = 1) -> QueuePage:
    """The network's waiting posts, oldest first, with their open flags."""
    page = max(page, 1)
    posts = list(
        session.scalars(
            select(Post)
            .options(joinedload(Post.topic), joinedload(Post.user))
            .where(Post.network_id == network.id, *_waiting())
            .order_by(Post.created_at, Post.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    flags = open_flags(session, [post.id for post in posts[:PAGE_SIZE]])
    items = [QueueItem(post, flags.get(post.id, [])) for post in posts[:PAGE_SIZE]]
    return QueuePage(items, page, len(posts) > PAGE_SIZE)


def count_waiting(session: Session, network_ids: list[int] | None) -> dict[int, int]:
    """Waiting posts per network, among `network_ids` (None: every network)."""
    query = select(Post.network_id, func.count(Post.id)).where(*_waiting())
    if network_ids is not None:
        if not network_ids:
            return {}
        query = query.where(Post.network_id.in_(network_ids))
    return dict(session.execute(query.group_by(Post.network_id)).all())


def moderated_network_ids(principal: Principal) -> list[int] | None:
    """The networks `principal` moderates (None: all of them, for a site admin)."""
    if principal.is_site_admin:
        return None
    return [nid for nid, seat in principal.seats.items() if seat.role in STAFF_ROLES]


def count_for(session: Session, principal: Principal) -> int:
    """Every post waiting in the networks `principal` moderates, for the site header."""
    if principal.user is None:
        return 0
    network_ids = moderated_network_ids(principal)
    if network_ids == []:
        return 0
    return sum(count_waiting(session, network_ids).values())


def list_networks(session: Session, network_ids: list[int] | None) -> list[Network]:
    """The networks named (None: all), by name."""
    query = select(Network).order_by(Network.name)
    if network_ids is not None:
        query = query.where(Network.id.in_(network_ids))
    return list(session.scalars(query))
