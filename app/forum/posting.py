"""Writing: topics, replies, private conversations and edits.

Each function renders the Markdown once (the HTML is stored beside the source),
numbers the post within its topic, keeps the denormalised counters of the topic,
its category and the replied post in the same transaction, records revision 1 (or
the next one on edit), and hands the people to notify to notifying.py. Nothing
commits here.
"""

from datetime import timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound, RateLimited
from app.forum import search as forum_search
from app.forum import urls
from app.forum.drafts import discard_draft, key_for_message, key_for_new_topic, key_for_reply
from app.forum.member_state import ensure_topic_user
from app.forum.models import (
    Category,
    NotificationLevel,
    PinScope,
    Post,
    PostRevision,
    Topic,
)
from app.forum.notifying import notify_new_post
from app.forum.tags import set_topic_tags
from app.forum.text import slugify
from app.i18n import _
from app.markup import PostLinks, Rendered, mention_candidates, render_post
from app.moderation import screening
from app.networks.models import Membership, Network
from app.ratelimit import check_limit, record_hit
from app.search import service as search_service

POST_RATE_WINDOW = timedelta(minutes=10)
TITLE_MIN, TITLE_MAX = 3, 200
BODY_MAX = 30000
MAX_RECIPIENTS = 20


def render_body(session: Session, body: str, *, topic_id: int | None) -> Rendered:
    """The post's HTML, with mentions of existing members and quotes linked."""
    candidates = mention_candidates(body)
    mention_urls = {}
    if candidates:
        names = session.scalars(select(User.username).where(User.username.in_(candidates)))
        mention_urls = {name: urls.profile_path(name) for name in names}
    slugs = {}

    def post_url(quoted_topic_id: int, post_number: int) -> str:
        if quoted_topic_id not in slugs:
            slugs[quoted_topic_id] = (
                session.scalar(select(Topic.slug).where(Topic.id == quoted_topic_id)) or "topic"
            )
        return urls.post_path(slugs[quoted_topic_id], quoted_topic_id, post_number)

    return render_post(
        body, PostLinks(mention_urls=mention_urls, post_url=post_url, topic_id=topic_id)
    )


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) < TITLE_MIN:
        raise Invalid(_("A title has at least %(n)s characters.", n=TITLE_MIN), field="title")
    if len(title) > TITLE_MAX:
        raise Invalid(_("A title has at most %(n)s characters.", n=TITLE_MAX), field="title")
    return title


def _check_body(body: str) -> str:
    if not body.strip():
        raise Invalid(_("Write something first."), field="body")
    if len(body) > BODY_MAX:
        raise Invalid(_("A post has at most %(n)s characters.", n=BODY_MAX), field="body")
    return body


def _check_rate(session: Session, actor: User, posts_per_window: int) -> None:
    key = str(actor.id)
    try:
        check_limit(session, scope="post", key=key, limit=posts_per_window, window=POST_RATE_WINDOW)
    except RateLimited:
        raise RateLimited(
            _("You have posted a lot in a short time. Please wait a few minutes and post again.")
        ) from None
    record_hit(session, scope="post", key=key)


def _check_open(topic: Topic) -> None:
    if topic.closed_at is not None:
        raise Conflict(_("This topic is closed: it accepts no new replies."), code="topic_closed")
    if topic.archived_at is not None:
        raise Conflict(
            _("This topic is archived: it accepts no new replies."), code="topic_archived"
        )


def _add_post(
    session: Session, *, topic: Topic, actor: User, body: str, reply_to: Post | None
) -> tuple[Post, Rendered]:
    """Number and store a post, and bring every counter it touches up to date."""
    # One UPDATE takes the next number: two writers can never get the same one.
    number = session.execute(
        update(Topic)
        .where(Topic.id == topic.id)
        .values(highest_post_number=Topic.highest_post_number + 1)
        .returning(Topic.highest_post_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    session.expire(topic, ["highest_post_number"])
    rendered = render_body(session, body, topic_id=topic.id)
    now = utcnow()
    post = Post(
        network_id=topic.network_id,
        topic_id=topic.id,
        topic=topic,
        post_number=number,
        reply_to_post_number=reply_to.post_number if reply_to else None,
        user_id=actor.id,
        body=body,
        body_html=rendered.html,
        created_at=now,
        like_count=0,
        reply_count=0,
        revision_count=1,
    )
    session.add(post)
    session.flush()  # the post's id is needed by its revision and its notifications
    session.add(
        PostRevision(
            network_id=topic.network_id,
            post_id=post.id,
            number=1,
            title=topic.title if number == 1 else None,
            body=body,
            body_html=rendered.html,
            user_id=actor.id,
            created_at=now,
        )
    )
    topic.post_count = Topic.post_count + 1
    topic.last_posted_at = now
    topic.last_poster_id = actor.id
    if reply_to is not None:
        reply_to.reply_count = Post.reply_count + 1
    if topic.category_id is not None:
        session.execute(
            update(Category)
            .where(Category.id == topic.category_id)
            .values(post_count=Category.post_count + 1, last_posted_at=now)
            .execution_options(synchronize_session=False)
        )
    state = ensure_topic_user(session, user_id=actor.id, topic=topic)
    if not state.posted:
        state.posted = True
        topic.participant_count = Topic.participant_count + 1
    state.last_read_post_number = number
    state.last_visited_at = now
    if state.notification_level is None:
        state.notification_level = (
            NotificationLevel.WATCHING if number == 1 else NotificationLevel.TRACKING
        )
    session.flush()
    search_service.enqueue(session, kind=forum_search.POST.name, object_id=post.id)
    return post, rendered


def queue_topics(session: Session, topic_ids: Select) -> None:
    """Queue the topics `topic_ids` selects, and all their posts, for the search index.

    Posts repeat their topic's title, category, tags and status, so a change to any of
    these re-indexes them too (in the caller's transaction, like every enqueue).
    """
    search_service.enqueue_many(
        session, kind=forum_search.TOPIC.name, object_ids=session.scalars(topic_ids).all()
    )
    search_service.enqueue_many(
        session,
        kind=forum_search.POST.name,
        object_ids=session.scalars(select(Post.id).where(Post.topic_id.in_(topic_ids))).all(),
    )


def create_topic(
    session: Session,
    *,
    actor: User,
    category: Category,
    title: str,
    body: str,
    tags: list[str] = (),
    pin_scope: PinScope = PinScope.NONE,
    is_announcement: bool = False,
    posts_per_window: int,
) -> Topic:
    """Start a topic in `category` with its first post; the author watches it.

    Assumes the policy allowed TOPIC_CREATE (and TOPIC_PIN for a pinned or announcement
    topic). Raises Invalid for a bad title, body or tags, RateLimited past the posting limit.
    """
    title = _check_title(title)
    body = _check_body(body)
    screened = screening.screen(
        session, actor=actor, network=category.network, text=f"{title}\n{body}", new_post=True
    )
    _check_rate(session, actor, posts_per_window)
    now = utcnow()
    topic = Topic(
        network_id=category.network_id,
        category_id=category.id,
        category=category,
        user_id=actor.id,
        title=title,
        slug=slugify(title),
        is_private=False,
        pin_scope=pin_scope,
        is_announcement=is_announcement,
        highest_post_number=0,
        post_count=0,
        participant_count=0,
        like_count=0,
        created_at=now,
        last_posted_at=now,
        last_poster_id=actor.id,
    )
    session.add(topic)
    session.flush()  # the topic's id numbers its posts
    set_topic_tags(session, topic=topic, names=list(tags))
    session.execute(
        update(Category)
        .where(Category.id == category.id)
        .values(topic_count=Category.topic_count + 1)
        .execution_options(synchronize_session=False)
    )
    search_service.enqueue(session, kind=forum_search.TOPIC.name, object_id=topic.id)
    post, rendered = _add_post(session, topic=topic, actor=actor, body=body, reply_to=None)
    discard_draft(session, actor=actor, key=key_for_new_topic(category.network.slug))
    if not screening.apply(session, post=post, screening=screened):
        notify_new_post(
            session, topic=topic, post=post, actor=actor, rendered=rendered, reply_to=None
        )
    return topic


def create_reply(
    session: Session,
    *,
    actor: User,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    posts_per_window: int,
) -> Post:
    """Add a reply to `topic`, answering `reply_to` when given.

    Assumes the policy allowed TOPIC_REPLY. Raises Conflict (topic_closed, topic_archived)
    for a closed or archived topic, Invalid when `reply_to` belongs to another topic or is
    hidden, Invalid for a bad body or a blocked watched word, RateLimited past the posting
    limit or the topic's slow mode. The reply may be held for approval (moderation).
    """
    _check_open(topic)
    body = _check_body(body)
    if reply_to is not None and reply_to.topic_id != topic.id:
        raise Invalid(
            _("The post you answer belongs to another topic."),
            code="reply_to_other_topic",
            field="reply_to_post_id",
        )
    if reply_to is not None and not reply_to.is_visible:
        raise Invalid(
            _("The post you answer is no longer visible."),
            code="reply_target_not_found",
            field="reply_to_post_id",
        )
    screening.check_slow_mode(session, actor=actor, topic=topic)
    # Private conversations are out of moderation: staff cannot read them.
    screened = (
        screening.Screening()
        if topic.is_private
        else screening.screen(session, actor=actor, network=topic.network, text=body, new_post=True)
    )
    _check_rate(session, actor, posts_per_window)
    post, rendered = _add_post(session, topic=topic, actor=actor, body=body, reply_to=reply_to)
    discard_draft(session, actor=actor, key=key_for_reply(topic.id))
    if not screening.apply(session, post=post, screening=screened):
        notify_new_post(
            session, topic=topic, post=post, actor=actor, rendered=rendered, reply_to=reply_to
        )
    return post


def send_message(
    session: Session,
    *,
    actor: User,
    network: Network,
    recipients: list[User],
    title: str,
    body: str,
    posts_per_window: int,
) -> Topic:
    """Start a private conversation in `network` between `actor` and `recipients`.

    Every recipient must be a member of the network. Assumes the policy allowed
    MESSAGE_SEND. Raises Invalid (field "recipients") for no recipient, too many, or a
    non-member; Invalid for a bad title or body; RateLimited past the posting limit.
    """
    title = _check_title(title)
    body = _check_body(body)
    others = {user.id: user for user in recipients if user.id != actor.id}
    if not others:
        raise Invalid(_("Name at least one other member."), field="recipients")
    if len(others) > MAX_RECIPIENTS:
        raise Invalid(
            _("At most %(n)s people in a conversation.", n=MAX_RECIPIENTS), field="recipients"
        )
    members = set(
        session.scalars(
            select(Membership.user_id).where(
                Membership.network_id == network.id, Membership.user_id.in_(others)
            )
        )
    )
    strangers = sorted(user.username for user_id, user in others.items() if user_id not in members)
    if strangers:
        raise Invalid(
            _("Not members of this network: %(names)s.", names=", ".join(strangers)),
            field="recipients",
        )
    _check_rate(session, actor, posts_per_window)
    now = utcnow()
    topic = Topic(
        network_id=network.id,
        category_id=None,
        user_id=actor.id,
        title=title,
        slug=slugify(title),
        is_private=True,
        pin_scope=PinScope.NONE,
        is_announcement=False,
        highest_post_number=0,
        post_count=0,
        participant_count=0,
        like_count=0,
        created_at=now,
        last_posted_at=now,
        last_poster_id=actor.id,
    )
    session.add(topic)
    session.flush()  # the topic's id keys its participants
    for user_id in [actor.id, *others]:
        ensure_topic_user(session, user_id=user_id, topic=topic).is_private_participant = True
    session.flush()
    session.expire(topic, ["private_members"])
    search_service.enqueue(session, kind=forum_search.TOPIC.name, object_id=topic.id)
    post, rendered = _add_post(session, topic=topic, actor=actor, body=body, reply_to=None)
    discard_draft(session, actor=actor, key=key_for_message(network.slug))
    notify_new_post(session, topic=topic, post=post, actor=actor, rendered=rendered, reply_to=None)
    return topic


def edit_post(
    session: Session,
    *,
    actor: User,
    post: Post,
    body: str,
    title: str | None = None,
    tags: list[str] | None = None,
    comment: str = "",
) -> Post:
    """Replace a post's text, keeping the previous one as a revision; the first post may
    also change the topic's title and tags. Members mentioned for the first time are
    notified. Assumes the policy allowed POST_EDIT (or MODERATE for a staff edit). Raises
    Invalid for a bad body or title or a blocked watched word, Conflict when nothing
    changed. A watched word may hold the post for approval again.
    """
    body = _check_body(body)
    topic = post.topic
    new_title = _check_title(title) if title is not None and post.post_number == 1 else None
    title_changed = new_title is not None and new_title != topic.title
    screened = None
    if not topic.is_private:
        screened = screening.screen(
            session,
            actor=actor,
            network=topic.network,
            text=f"{new_title or ''}\n{body}",
            new_post=False,
        )
    tags_changed = False
    if tags is not None and post.post_number == 1:
        tags_changed = set_topic_tags(session, topic=topic, names=tags)
    if body == post.body and not title_changed:
        if tags_changed:
            queue_topics(session, select(Topic.id).where(Topic.id == topic.id))
            return post
        raise Conflict(_("Nothing was changed."), code="unchanged")
    rendered = render_body(session, body, topic_id=topic.id)
    if title_changed:
        topic.title = new_title
        topic.slug = slugify(new_title)
    was_held = post.held
    held = screened is not None and screening.apply(session, post=post, screening=screened)
    hides_topic = held and not was_held and post.post_number == 1
    if title_changed or tags_changed or hides_topic:
        queue_topics(session, select(Topic.id).where(Topic.id == topic.id))
    else:
        search_service.enqueue(session, kind=forum_search.POST.name, object_id=post.id)
    now = utcnow()
    post.revision_count += 1
    session.add(
        PostRevision(
            network_id=post.network_id,
            post_id=post.id,
            number=post.revision_count,
            title=topic.title if post.post_number == 1 else None,
            body=body,
            body_html=rendered.html,
            comment=comment.strip(),
            user_id=actor.id,
            created_at=now,
        )
    )
    post.body = body
    post.body_html = rendered.html
    post.edited_at = now
    session.flush()
    if held:
        return post
    notify_new_post(
        session,
        topic=topic,
        post=post,
        actor=actor,
        rendered=rendered,
        reply_to=None,
        only_mentions=True,
    )
    return post


def get_topic(session: Session, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise NotFound()
    return topic


def get_post(session: Session, post_id: int) -> Post:
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound()
    return post


def get_post_by_number(session: Session, topic: Topic, post_number: int) -> Post:
    post = session.scalar(
        select(Post).where(Post.topic_id == topic.id, Post.post_number == post_number)
    )
    if post is None:
        raise NotFound()
    return post


def find_reply_target(session: Session, post_id: int | None) -> Post | None:
    """The post a reply answers, named by id in a form or an API call."""
    if post_id is None:
        return None
    post = session.get(Post, post_id)
    if post is None:
        raise Invalid(
            _("The post you answer does not exist."),
            code="reply_target_not_found",
            field="reply_to_post_id",
        )
    return post


def find_recipients(session: Session, usernames: list[str]) -> list[User]:
    """The accounts named in a message's recipients field.

    Raises Invalid naming the unknown ones.
    """
    users = list(session.scalars(select(User).where(User.username.in_(usernames))))
    unknown = sorted(set(usernames) - {user.username for user in users})
    if unknown:
        raise Invalid(
            _("No member is called %(names)s.", names=", ".join(unknown)), field="recipients"
        )
    return users
