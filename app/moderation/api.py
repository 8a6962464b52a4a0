"""The moderation JSON API under /api/v1, for staff with API keys (members flag posts).

Errors are JSON `{"error": {"code", "message"}}` with stable codes: `not_found`,
`forbidden`, `not_authenticated`, `invalid` (with `details`), `invalid_reason`,
`already_flagged`, `already_hidden`, `not_hidden`, `already_deleted`, `not_deleted`,
`nothing_to_approve`, `no_author`, `unchanged`, `already_closed`, `not_closed`,
`already_archived`, `not_archived`, `same_category`, `unknown_category`, `invalid_target`,
`not_moderatable`, `already_watched`, `rate_limited`.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, Security

from app import policy
from app.forum import categories, posting, tags, text, urls
from app.forum.models import Post, Topic
from app.moderation import flags, labels, log_reading, posts, queue, settings, topics, watched
from app.moderation.api_schemas import (
    FlagOut,
    LogEntryOut,
    LogOut,
    ModeratedPostOut,
    ModeratedTopicOut,
    PinIn,
    QueueItemOut,
    QueueOut,
    ReasonIn,
    SettingsIn,
    SettingsOut,
    TopicEditIn,
    WatchedWordIn,
    WatchedWordOut,
)
from app.moderation.content_models import Flag
from app.moderation.schemas import (
    FlagCreate,
    LogFilter,
    PostActionName,
    SlowMode,
    StaffEdit,
    TopicMerge,
    TopicMove,
    TopicSplit,
    TopicStateName,
)
from app.moderation.topic_views import STATE_ACTIONS
from app.moderation.views import POST_ACTIONS
from app.moderation.web import load_moderated_network, load_post, load_topic
from app.networks import service as networks_service
from app.policy import Action
from app.web.deps import DbSession, Viewer, api_key_scheme
from app.web.errors import api_error_responses

router = APIRouter(
    prefix="/api/v1",
    tags=["moderation"],
    dependencies=[Security(api_key_scheme)],
    responses=api_error_responses(401, 403, 404, 429),
)
NETWORK = "/networks/{slug}/moderation"


def _flag_out(flag: Flag) -> FlagOut:
    return FlagOut(
        id=flag.id,
        post_id=flag.post_id,
        reason=flag.reason.value,
        text=flag.text,
        by=flag.user.username if flag.user else None,
        created_at=flag.created_at,
    )


def _post_out(post: Post) -> ModeratedPostOut:
    topic = post.topic
    return ModeratedPostOut(
        id=post.id,
        topic_id=topic.id,
        post_number=post.post_number,
        author=post.user.username if post.user else None,
        body=post.body,
        url=urls.post_path(topic.slug, topic.id, post.post_number),
        hidden=post.hidden_at is not None,
        held=post.held,
        deleted=post.deleted_at is not None,
        hidden_reason=post.hidden_reason,
        deleted_reason=post.deleted_reason,
        staff_edit_reason=post.staff_edit_reason,
    )


def _topic_out(db, topic: Topic) -> ModeratedTopicOut:
    return ModeratedTopicOut(
        id=topic.id,
        title=topic.title,
        slug=topic.slug,
        url=urls.topic_path(topic.slug, topic.id),
        category_slug=topic.category.slug if topic.category else None,
        tags=tags.list_topic_tags(db, topic),
        closed=topic.closed_at is not None,
        archived=topic.archived_at is not None,
        hidden=topic.hidden_at is not None,
        pin_scope=topic.pin_scope,
        is_announcement=topic.is_announcement,
        slow_mode_minutes=topic.slow_mode_minutes,
        merged_into_id=topic.merged_into_id,
        post_count=topic.post_count,
    )


@router.get(NETWORK + "/queue", response_model=QueueOut)
def list_queue(slug: str, db: DbSession, viewer: Viewer, page: int = 1) -> QueueOut:
    """Posts waiting for review, oldest first: flagged, held for approval, caught by words."""
    network = load_moderated_network(db, viewer, slug)
    found = queue.list_queue(db, network, page=max(page, 1))
    return QueueOut(
        items=[
            QueueItemOut(
                post=_post_out(item.post),
                topic_title=item.topic.title,
                flags=[_flag_out(flag) for flag in item.flags],
            )
            for item in found.items
        ],
        page=found.page,
        has_more=found.has_more,
    )


@router.post(
    "/posts/{post_id}/flags",
    response_model=FlagOut,
    status_code=201,
    responses=api_error_responses(409, 422),
)
def flag_post(post_id: int, body: FlagCreate, db: DbSession, viewer: Viewer) -> FlagOut:
    """Flag a post you may read for the network's staff (`other` needs a `text`).
    Flagging again while your flag is open is a 409 `already_flagged`."""
    post = posting.get_post(db, post_id)
    policy.require(viewer, Action.POST_FLAG, post)
    flag = flags.flag_post(db, actor=viewer.user, post=post, reason=body.reason, text=body.text)
    db.commit()
    return _flag_out(flag)


@router.post(
    NETWORK + "/posts/{post_id}/edit",
    response_model=ModeratedPostOut,
    responses=api_error_responses(409, 422),
)
def edit_post(
    slug: str, post_id: int, body: StaffEdit, db: DbSession, viewer: Viewer
) -> ModeratedPostOut:
    """Replace a post's text; the reason is shown on the post and sent to its author."""
    network = load_moderated_network(db, viewer, slug)
    post = load_post(db, network, post_id)
    posts.edit_post(db, actor=viewer.user, post=post, body=body.body, reason=body.reason)
    db.commit()
    return _post_out(post)


@router.post(
    NETWORK + "/posts/{post_id}/{action}",
    response_model=ModeratedPostOut,
    responses=api_error_responses(409, 422),
)
def act_on_post(
    slug: str, post_id: int, action: PostActionName, body: ReasonIn, db: DbSession, viewer: Viewer
) -> ModeratedPostOut:
    """hide, restore, delete, undelete (restore a deleted post), approve (publish a held
    post, dismiss flags) or warn (notify the author). hide, delete and warn need a reason."""
    network = load_moderated_network(db, viewer, slug)
    post = load_post(db, network, post_id)
    POST_ACTIONS[action][0](db, actor=viewer.user, post=post, reason=body.reason)
    db.commit()
    return _post_out(post)


def _topic_route(path: str):
    return router.post(
        NETWORK + "/topics/{topic_id}" + path,
        response_model=ModeratedTopicOut,
        responses=api_error_responses(409, 422),
    )


@_topic_route("/state/{action}")
def topic_state(
    slug: str, topic_id: int, action: TopicStateName, body: ReasonIn, db: DbSession, viewer: Viewer
) -> ModeratedTopicOut:
    """close, reopen, archive (read-only, out of the lists) or unarchive."""
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    STATE_ACTIONS[action][0](db, actor=viewer.user, topic=topic, reason=body.reason)
    db.commit()
    return _topic_out(db, topic)


@_topic_route("/pin")
def pin(slug: str, topic_id: int, body: PinIn, db: DbSession, viewer: Viewer):
    """Pin in the category or the network (`none` unpins); make it an announcement or not."""
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    topics.pin_topic(
        db,
        actor=viewer.user,
        topic=topic,
        scope=body.pin_scope,
        is_announcement=body.is_announcement,
    )
    db.commit()
    return _topic_out(db, topic)


@_topic_route("/move")
def move(slug: str, topic_id: int, body: TopicMove, db: DbSession, viewer: Viewer):
    """Move to another category (its slug) of the same network."""
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    category = categories.find_category(db, network, body.category)
    topics.move_topic(db, actor=viewer.user, topic=topic, category=category, reason=body.reason)
    db.commit()
    return _topic_out(db, topic)


@_topic_route("/edit")
def edit_topic(slug: str, topic_id: int, body: TopicEditIn, db: DbSession, viewer: Viewer):
    """Change the title and tags."""
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    topics.edit_topic(
        db,
        actor=viewer.user,
        topic=topic,
        title=body.title,
        tags=text.parse_tags(body.tags),
        reason=body.reason,
    )
    db.commit()
    return _topic_out(db, topic)


@_topic_route("/slow-mode")
def slow_mode(slug: str, topic_id: int, body: SlowMode, db: DbSession, viewer: Viewer):
    """One post per member every `minutes` in this topic (0: off); staff are exempt."""
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    topics.set_slow_mode(db, actor=viewer.user, topic=topic, minutes=body.minutes)
    db.commit()
    return _topic_out(db, topic)


@_topic_route("/split")
def split(slug: str, topic_id: int, body: TopicSplit, db: DbSession, viewer: Viewer):
    """Move the chosen replies (by number) into a new topic; answers the new topic."""
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    new = topics.split_topic(
        db,
        actor=viewer.user,
        topic=topic,
        post_numbers=body.post_numbers,
        title=body.title,
        reason=body.reason,
    )
    db.commit()
    return _topic_out(db, new)


@_topic_route("/merge")
def merge(slug: str, topic_id: int, body: TopicMerge, db: DbSession, viewer: Viewer):
    """Move every post into topic `into`; this topic then redirects there. Answers `into`."""
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    into = load_topic(db, network, body.into)
    topics.merge_topic(db, actor=viewer.user, topic=topic, into=into, reason=body.reason)
    db.commit()
    return _topic_out(db, into)


def _word_out(word) -> WatchedWordOut:
    return WatchedWordOut(
        id=word.id, word=word.word, action=word.action, created_at=word.created_at
    )


@router.get(NETWORK + "/words", response_model=list[WatchedWordOut])
def list_words(slug: str, db: DbSession, viewer: Viewer) -> list[WatchedWordOut]:
    network = load_moderated_network(db, viewer, slug)
    return [_word_out(word) for word in watched.list_words(db, network)]


@router.post(
    NETWORK + "/words",
    response_model=WatchedWordOut,
    status_code=201,
    responses=api_error_responses(409, 422),
)
def add_word(slug: str, body: WatchedWordIn, db: DbSession, viewer: Viewer) -> WatchedWordOut:
    """Watch a word or pattern: `block` refuses the post, `hold` waits for approval,
    `flag` publishes and flags. Accents and case do not matter."""
    network = load_moderated_network(db, viewer, slug)
    word = watched.add_word(
        db, actor=viewer.user, network=network, word=body.word, action=body.action
    )
    db.commit()
    return _word_out(word)


@router.delete(NETWORK + "/words/{word_id}", status_code=204)
def remove_word(slug: str, word_id: int, db: DbSession, viewer: Viewer) -> Response:
    network = load_moderated_network(db, viewer, slug)
    word = watched.get_word(db, network, word_id)
    watched.remove_word(db, actor=viewer.user, network=network, word=word)
    db.commit()
    return Response(status_code=204)


@router.get(NETWORK + "/settings", response_model=SettingsOut)
def get_settings(slug: str, db: DbSession, viewer: Viewer) -> SettingsOut:
    network = load_moderated_network(db, viewer, slug)
    current = settings.get_settings(db, network)
    return SettingsOut(flags_to_hide=current.flags_to_hide, new_member_hold=current.new_member_hold)


@router.put(NETWORK + "/settings", response_model=SettingsOut, responses=api_error_responses(422))
def put_settings(slug: str, body: SettingsIn, db: DbSession, viewer: Viewer) -> SettingsOut:
    network = load_moderated_network(db, viewer, slug)
    saved = settings.update_settings(
        db,
        actor=viewer.user,
        network=network,
        flags_to_hide=body.flags_to_hide,
        new_member_hold=body.new_member_hold,
    )
    db.commit()
    return SettingsOut(flags_to_hide=saved.flags_to_hide, new_member_hold=saved.new_member_hold)


@router.get(NETWORK + "/log", response_model=LogOut, responses=api_error_responses(422))
def read_log(
    slug: str, db: DbSession, viewer: Viewer, query: Annotated[LogFilter, Depends()]
) -> LogOut:
    """Every moderation action, newest first; filter by `action`, `actor` (a username) and
    `kind` (post, topic, watched_word, network, member...)."""
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.MODERATION_LOG_VIEW, network)
    page = log_reading.load_log_page(db, network, query)
    return LogOut(
        entries=[
            LogEntryOut(
                id=entry.id,
                action=entry.action,
                label=labels.action_label(entry.action),
                actor=entry.actor.username if entry.actor else None,
                target_kind=entry.target_kind,
                target_id=entry.target_id,
                target_label=entry.target_label,
                target_url=page.links.get(entry.id),
                reason=entry.reason,
                details=entry.details,
                created_at=entry.created_at,
            )
            for entry in page.entries
        ],
        page=page.page,
        has_more=page.has_more,
    )
