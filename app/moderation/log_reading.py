"""Reading the moderation log a page at a time, with its filters, for the page and the API."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.forum import urls
from app.forum.models import Post, Topic
from app.moderation.log import entries_query
from app.moderation.models import ModerationLogEntry
from app.moderation.schemas import LogFilter
from app.networks.models import Network

PAGE_SIZE = 50


@dataclass
class LogPage:
    entries: list[ModerationLogEntry]
    links: dict[int, str]  # entry id -> the target's address, when it still has one
    staff: list[User]  # who appears as actor, for the filter
    page: int
    has_more: bool


def load_log_page(session: Session, network: Network, query: LogFilter) -> LogPage:
    actor_id = None
    if query.actor:
        actor_id = session.scalar(select(User.id).where(User.username == query.actor)) or -1
    statement = entries_query(
        network, action=query.action or None, actor_id=actor_id, target_kind=query.kind or None
    ).options(joinedload(ModerationLogEntry.actor))
    rows = list(
        session.scalars(statement.offset((query.page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
    )
    entries = rows[:PAGE_SIZE]
    staff = list(
        session.scalars(
            select(User)
            .where(
                User.id.in_(
                    select(ModerationLogEntry.actor_id).where(
                        ModerationLogEntry.network_id == network.id
                    )
                )
            )
            .order_by(User.display_name)
        )
    )
    return LogPage(entries, _links(session, entries), staff, query.page, len(rows) > PAGE_SIZE)


def _links(session: Session, entries: list[ModerationLogEntry]) -> dict[int, str]:
    post_ids = {e.target_id for e in entries if e.target_kind == "post" and e.target_id}
    topic_ids = {e.target_id for e in entries if e.target_kind == "topic" and e.target_id}
    posts = {
        row.id: urls.post_path(row.slug, row.topic_id, row.post_number)
        for row in session.execute(
            select(Post.id, Post.topic_id, Post.post_number, Topic.slug)
            .join(Topic, Topic.id == Post.topic_id)
            .where(Post.id.in_(post_ids))
        )
    }
    topics = {
        row.id: urls.topic_path(row.slug, row.id)
        for row in session.execute(select(Topic.id, Topic.slug).where(Topic.id.in_(topic_ids)))
    }
    links = {}
    for entry in entries:
        found = {"post": posts, "topic": topics}.get(entry.target_kind, {}).get(entry.target_id)
        if found:
            links[entry.id] = found
    return links
