"""Who hears about a new post or a like, and with which kind of notification.

The forum decides the recipients; app/notifications writes the notification and
any mail. One post notifies each person once, with the most specific kind:
a private message, a mention, a quote, a reply to them, then a watched topic or
category. Nobody hears about a topic they muted or may not read.
"""

from collections.abc import Iterable

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.forum import urls
from app.forum.member_state import effective_level
from app.forum.models import CategoryUser, NotificationLevel, Post, Topic, TopicUser
from app.forum.text import excerpt
from app.markup import Rendered
from app.moderation import sanctions
from app.networks.models import Membership
from app.notifications import service as notifications_service
from app.notifications.service import NotificationKind
from app.policy import Action, NetworkSeat, Principal, can


def load_principals(session: Session, users: Iterable[User]) -> dict[int, Principal]:
    """Principals of several people with their seats, in one query."""
    by_id = {user.id: user for user in users}
    seats: dict[int, dict[int, NetworkSeat]] = {user_id: {} for user_id in by_id}
    if by_id:
        rows = session.execute(
            select(
                Membership.user_id,
                Membership.network_id,
                Membership.role,
                Membership.charter_accepted_number,
            ).where(Membership.user_id.in_(by_id))
        )
        # A member suspended from a network hears nothing of what its members read.
        suspended = sanctions.network_suspensions(session, user_ids=by_id)
        for user_id, network_id, role, accepted in rows:
            if (user_id, network_id) not in suspended:
                seats[user_id][network_id] = NetworkSeat(role, accepted)
    return {user_id: Principal(user=user, seats=seats[user_id]) for user_id, user in by_id.items()}


def _levels(session: Session, topic: Topic, user_ids: set[int]) -> dict[int, NotificationLevel]:
    """Each person's effective level for `topic`."""
    if not user_ids:
        return {}
    topic_levels = dict(
        session.execute(
            select(TopicUser.user_id, TopicUser.notification_level).where(
                TopicUser.topic_id == topic.id, TopicUser.user_id.in_(user_ids)
            )
        ).all()
    )
    category_levels = {}
    if topic.category_id is not None:
        category_levels = dict(
            session.execute(
                select(CategoryUser.user_id, CategoryUser.notification_level).where(
                    CategoryUser.category_id == topic.category_id,
                    CategoryUser.user_id.in_(user_ids),
                )
            ).all()
        )
    return {
        user_id: effective_level(topic_levels.get(user_id), category_levels.get(user_id))
        for user_id in user_ids
    }


def _watchers(session: Session, topic: Topic) -> set[int]:
    """People watching the topic, or its category without a level of their own for the topic."""
    watching = set(
        session.scalars(
            select(TopicUser.user_id).where(
                TopicUser.topic_id == topic.id,
                TopicUser.notification_level == NotificationLevel.WATCHING,
            )
        )
    )
    if topic.category_id is not None:
        watching |= set(
            session.scalars(
                select(CategoryUser.user_id)
                .outerjoin(
                    TopicUser,
                    and_(TopicUser.topic_id == topic.id, TopicUser.user_id == CategoryUser.user_id),
                )
                .where(
                    CategoryUser.category_id == topic.category_id,
                    CategoryUser.notification_level == NotificationLevel.WATCHING,
                    or_(TopicUser.user_id.is_(None), TopicUser.notification_level.is_(None)),
                )
            )
        )
    return watching


def _quoted_authors(session: Session, rendered: Rendered) -> set[int]:
    pairs = {(q.topic_id, q.post_number) for q in rendered.quotes if q.topic_id and q.post_number}
    if not pairs:
        return set()
    return set(
        session.scalars(
            select(Post.user_id).where(
                tuple_(Post.topic_id, Post.post_number).in_(pairs), Post.user_id.is_not(None)
            )
        )
    )


def notify_new_post(
    session: Session,
    *,
    topic: Topic,
    post: Post,
    actor: User,
    rendered: Rendered,
    reply_to: Post | None,
    only_mentions: bool = False,
) -> None:
    """Notify the people concerned by `post` (just written, or edited when `only_mentions`)."""
    chosen: dict[int, NotificationKind] = {}

    def choose(user_ids: Iterable[int | None], kind: NotificationKind) -> None:
        for user_id in user_ids:
            if user_id is not None and user_id != actor.id:
                chosen.setdefault(user_id, kind)

    if topic.is_private and not only_mentions:
        choose((row.user_id for row in topic.private_members), NotificationKind.PRIVATE_MESSAGE)
    mentioned = (
        list(session.scalars(select(User.id).where(User.username.in_(rendered.mentions))))
        if rendered.mentions
        else []
    )
    choose(mentioned, NotificationKind.MENTION)
    if not only_mentions:
        choose(_quoted_authors(session, rendered), NotificationKind.QUOTE)
        replied = reply_to.user_id if reply_to is not None else None
        if replied is None and post.post_number > 1:
            replied = topic.user_id
        choose([replied], NotificationKind.REPLY)
        choose(_watchers(session, topic), NotificationKind.WATCHING)
    if not chosen:
        return

    users = list(session.scalars(select(User).where(User.id.in_(chosen))))
    principals = load_principals(session, users)
    levels = _levels(session, topic, set(chosen))
    for user_id, kind in chosen.items():
        if levels[user_id] == NotificationLevel.MUTED:
            continue
        if not can(principals[user_id], Action.TOPIC_READ, topic):
            continue
        notifications_service.notify(
            session,
            recipient_id=user_id,
            kind=kind,
            actor_id=actor.id,
            network_id=topic.network_id,
            title=topic.title,
            url=urls.post_path(topic.slug, topic.id, post.post_number),
            excerpt=excerpt(post.body),
            topic_id=topic.id,
            post_id=post.id,
        )


def notify_like(session: Session, *, post: Post, actor: User) -> None:
    """Tell the author that `actor` liked their post, unless they muted the topic."""
    topic = post.topic
    if post.user_id is None or post.user_id == actor.id:
        return
    if _levels(session, topic, {post.user_id})[post.user_id] == NotificationLevel.MUTED:
        return
    notifications_service.notify(
        session,
        recipient_id=post.user_id,
        kind=NotificationKind.LIKE,
        actor_id=actor.id,
        network_id=topic.network_id,
        title=topic.title,
        url=urls.post_path(topic.slug, topic.id, post.post_number),
        excerpt=excerpt(post.body),
        topic_id=topic.id,
        post_id=post.id,
    )
