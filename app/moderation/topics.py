"""Staff actions on a topic: close and reopen, pin, archive, move, change title and tags,
slow mode, split posts into a new topic, merge a topic into another.

Each assumes the policy allowed MODERATE on the topic's network, writes the log in the
caller's transaction, and re-queues the topic and its posts for search (their category,
status and title are repeated in the index).

Merging moves every post of the source, renumbered after the target's last post in the
order they were written; the source stays as an empty topic marked `merged_into_id`,
whose address redirects to the target, and leaves every list and search.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, Invalid
from app.forum import posting
from app.forum.models import Category, PinScope, Post, Topic
from app.forum.tags import set_topic_tags
from app.forum.text import slugify
from app.forum.topic_state import set_pin
from app.i18n import _
from app.moderation.notices import log_topic
from app.moderation.posts import check_reason

SLOW_MODE_MAX = 24 * 60


def _queue(session: Session, *topics: Topic) -> None:
    posting.queue_topics(session, select(Topic.id).where(Topic.id.in_([t.id for t in topics])))


def _public(topic: Topic) -> None:
    if topic.is_private or topic.merged_into_id is not None:
        raise Conflict(_("This topic cannot be moderated."), code="not_moderatable")


@dataclass(frozen=True)
class _StateChange:
    """One of the topic's on/off states, set or cleared by staff."""

    attribute: str  # closed_at or archived_at
    turn_on: bool
    action: str
    code: str  # the Conflict's code when the topic is already in that state
    already: Callable[[], str]


def _change_state(change: _StateChange):
    def apply(session: Session, *, actor: User, topic: Topic, reason: str = "") -> Topic:
        _public(topic)
        if (getattr(topic, change.attribute) is not None) == change.turn_on:
            raise Conflict(change.already(), code=change.code)
        setattr(topic, change.attribute, utcnow() if change.turn_on else None)
        _queue(session, topic)
        log_topic(
            session,
            actor=actor,
            topic=topic,
            action=change.action,
            reason=check_reason(reason, required=False),
        )
        return topic

    return apply


close_topic = _change_state(
    _StateChange(
        "closed_at",
        True,
        "topic.close",
        "already_closed",
        lambda: _("This topic is already closed."),
    )
)
reopen_topic = _change_state(
    _StateChange("closed_at", False, "topic.reopen", "not_closed", lambda: _("This topic is open."))
)
# Archiving makes the topic read-only and takes it out of the lists (its address still works).
archive_topic = _change_state(
    _StateChange(
        "archived_at",
        True,
        "topic.archive",
        "already_archived",
        lambda: _("This topic is already archived."),
    )
)
unarchive_topic = _change_state(
    _StateChange(
        "archived_at",
        False,
        "topic.unarchive",
        "not_archived",
        lambda: _("This topic is not archived."),
    )
)


def pin_topic(
    session: Session, *, actor: User, topic: Topic, scope: PinScope, is_announcement: bool
) -> Topic:
    """Pin or unpin (forum's set_pin), logged as topic.pin or topic.unpin."""
    _public(topic)
    set_pin(session, topic=topic, scope=scope, is_announcement=is_announcement)
    action = "topic.unpin" if scope == PinScope.NONE and not is_announcement else "topic.pin"
    log_topic(
        session,
        actor=actor,
        topic=topic,
        action=action,
        scope=PinScope(scope).value,
        announcement=is_announcement,
    )
    return topic


def _adjust_category(session: Session, category_id: int | None, topics: int, posts: int) -> None:
    if category_id is None:
        return
    session.execute(
        update(Category)
        .where(Category.id == category_id)
        .values(topic_count=Category.topic_count + topics, post_count=Category.post_count + posts)
        .execution_options(synchronize_session=False)
    )


def move_topic(
    session: Session, *, actor: User, topic: Topic, category: Category, reason: str = ""
) -> Topic:
    """Move the topic to another category of the same network. Raises Invalid for a
    category of another network, Conflict (same_category)."""
    _public(topic)
    if category.network_id != topic.network_id:
        raise Invalid(_("This category does not exist."), code="unknown_category", field="category")
    if category.id == topic.category_id:
        raise Conflict(_("The topic is already in this category."), code="same_category")
    before = topic.category
    _adjust_category(session, topic.category_id, -1, -topic.post_count)
    _adjust_category(session, category.id, 1, topic.post_count)
    topic.category_id = category.id
    topic.category = category
    _queue(session, topic)
    log_topic(
        session,
        actor=actor,
        topic=topic,
        action="topic.move",
        reason=check_reason(reason, required=False),
        source=before.name if before else "",
        destination=category.name,
    )
    return topic


def edit_topic(
    session: Session,
    *,
    actor: User,
    topic: Topic,
    title: str,
    tags: list[str],
    reason: str = "",
) -> Topic:
    """Change the title and tags. Raises Invalid for a bad title, Conflict (unchanged)."""
    _public(topic)
    title = posting._check_title(title)
    before = topic.title
    tags_changed = set_topic_tags(session, topic=topic, names=tags)
    if title == topic.title and not tags_changed:
        raise Conflict(_("Nothing was changed."), code="unchanged")
    topic.title = title
    topic.slug = slugify(title)
    _queue(session, topic)
    log_topic(
        session,
        actor=actor,
        topic=topic,
        action="topic.edit",
        reason=check_reason(reason, required=False),
        previous_title=before,
        tags=tags,
    )
    return topic


def set_slow_mode(session: Session, *, actor: User, topic: Topic, minutes: int) -> Topic:
    """One post per member every `minutes` (0: off). Raises Invalid out of 0..1440."""
    _public(topic)
    if not 0 <= minutes <= SLOW_MODE_MAX:
        raise Invalid(
            _("Choose from 0 to %(n)s minutes.", n=SLOW_MODE_MAX), field="slow_mode_minutes"
        )
    topic.slow_mode_minutes = minutes
    log_topic(session, actor=actor, topic=topic, action="topic.slow_mode", minutes=minutes)
    return topic


def _recount(session: Session, topic: Topic) -> None:
    """The topic's counters from its posts, after posts moved in or out."""
    numbers = select(Post).where(Post.topic_id == topic.id).subquery()
    row = session.execute(
        select(
            func.count(numbers.c.id),
            func.count(distinct(numbers.c.user_id)),
            func.coalesce(func.sum(numbers.c.like_count), 0),
            func.max(numbers.c.created_at),
        )
    ).one()
    topic.post_count, topic.participant_count, topic.like_count = row[0], row[1], row[2]
    if row[3] is not None:
        topic.last_posted_at = row[3]
        topic.last_poster_id = session.scalar(
            select(Post.user_id)
            .where(Post.topic_id == topic.id)
            .order_by(Post.created_at.desc(), Post.post_number.desc())
            .limit(1)
        )


def _move_posts(session: Session, posts: list[Post], target: Topic, first_number: int) -> None:
    """Renumber `posts` (in order) into `target` from `first_number`; a reply keeps its link
    only when the post it answers moves with it."""
    numbers = {post.post_number: first_number + i for i, post in enumerate(posts)}
    source_id = posts[0].topic_id
    # Park them on numbers no topic uses, so the unique (topic, number) holds at every step.
    for post in posts:
        post.post_number = -post.post_number
    session.flush()
    for post in posts:
        old_number = -post.post_number
        post.topic_id = target.id
        post.topic = target
        post.post_number = numbers[old_number]
        post.reply_to_post_number = numbers.get(post.reply_to_post_number)
    session.flush()
    target.highest_post_number = max(target.highest_post_number, first_number + len(posts) - 1)
    source = session.get(Topic, source_id)
    if source is not None and source.answer_post_number in numbers:
        source.answer_post_number = None


def split_topic(
    session: Session,
    *,
    actor: User,
    topic: Topic,
    post_numbers: list[int],
    title: str,
    reason: str = "",
) -> Topic:
    """Move the chosen replies into a new topic of the same category, titled `title`.
    Raises Invalid when no reply is chosen, the first post is chosen, a number is unknown."""
    _public(topic)
    title = posting._check_title(title)
    wanted = sorted(set(post_numbers))
    if not wanted:
        raise Invalid(_("Choose the posts to move."), field="post_numbers")
    if 1 in wanted:
        raise Invalid(_("The first post stays with its topic."), field="post_numbers")
    posts = list(
        session.scalars(
            select(Post)
            .where(Post.topic_id == topic.id, Post.post_number.in_(wanted))
            .order_by(Post.post_number)
        )
    )
    if len(posts) != len(wanted):
        raise Invalid(_("Some of these posts are not in this topic."), field="post_numbers")
    now = utcnow()
    new = Topic(
        network_id=topic.network_id,
        category_id=topic.category_id,
        category=topic.category,
        user_id=posts[0].user_id,
        title=title,
        slug=slugify(title),
        is_private=False,
        pin_scope=PinScope.NONE,
        is_announcement=False,
        highest_post_number=0,
        post_count=0,
        participant_count=0,
        like_count=0,
        created_at=posts[0].created_at,
        last_posted_at=now,
        slow_mode_minutes=0,
    )
    session.add(new)
    session.flush()  # the new topic's id takes the posts
    _move_posts(session, posts, new, 1)
    if not posts[0].is_visible:
        new.hidden_at = now
    _recount(session, topic)
    _recount(session, new)
    _adjust_category(session, topic.category_id, 1, 0)
    _queue(session, topic, new)
    reason = check_reason(reason, required=False)
    log_topic(
        session,
        actor=actor,
        topic=topic,
        action="topic.split",
        reason=reason,
        new_topic_id=new.id,
        post_numbers=wanted,
    )
    return new


def merge_topic(
    session: Session, *, actor: User, topic: Topic, into: Topic, reason: str = ""
) -> Topic:
    """Move every post of `topic` into `into` (same network); `topic` becomes a redirect.
    Raises Invalid for a topic of another network or itself."""
    _public(topic)
    _public(into)
    if into.network_id != topic.network_id or into.id == topic.id:
        raise Invalid(
            _("Choose another topic of this network."), code="invalid_target", field="into"
        )
    posts = list(
        session.scalars(
            select(Post)
            .where(Post.topic_id == topic.id)
            .order_by(Post.created_at, Post.post_number)
        )
    )
    if posts:
        _move_posts(session, posts, into, into.highest_post_number + 1)
    topic.merged_into_id = into.id
    topic.closed_at = topic.closed_at or utcnow()
    _recount(session, topic)
    _recount(session, into)
    _adjust_category(session, topic.category_id, -1, 0)
    _queue(session, topic, into)
    log_topic(
        session,
        actor=actor,
        topic=topic,
        action="topic.merge",
        reason=check_reason(reason, required=False),
        into_topic_id=into.id,
        into_title=into.title,
    )
    return into
