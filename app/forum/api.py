"""The forum's JSON API under /api/v1: the same services and policy as the HTML routes.

Errors are JSON `{"error": {"code", "message"}}` with stable codes: `not_found`, `forbidden`,
`not_authenticated`, `invalid` (with `details`), `unknown_category`, `category_staff_only`,
`charter_not_accepted`, `not_a_member`, `topic_closed`, `reply_to_other_topic`,
`reply_target_not_found`, `already_liked`, `not_liked`, `own_post`, `unchanged`, `rate_limited`.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Security

from app import policy
from app.forum import categories, likes, lists, posting, reading, tags, text, urls
from app.forum.api_schemas import (
    CategoryOut,
    LikeOut,
    Person,
    PostEditIn,
    PostOut,
    ReplyIn,
    TopicIn,
    TopicListOut,
    TopicOut,
    TopicSummaryOut,
)
from app.forum.lists import ListKind, TopicRow
from app.forum.models import Post, Topic, TopicView
from app.forum.web import (
    category_for_new_topic,
    check_can_post,
    load_network,
    load_topic,
)
from app.policy import Action, Principal
from app.web.deps import AppSettings, DbSession, Viewer, api_key_scheme
from app.web.errors import api_error_responses

router = APIRouter(
    prefix="/api/v1",
    tags=["forum"],
    dependencies=[Security(api_key_scheme)],
    responses=api_error_responses(401, 429),
)


def _summary(viewer: Principal, row: TopicRow) -> TopicSummaryOut:
    return TopicSummaryOut(
        id=row.id,
        title=row.title,
        slug=row.slug,
        url=urls.topic_path(row.slug, row.id),
        network_slug=row.network_slug,
        category_slug=row.category_slug,
        tags=row.tags,
        reply_count=row.reply_count,
        like_count=row.like_count,
        participant_count=row.participant_count,
        created_at=row.created_at,
        last_posted_at=row.last_posted_at,
        last_poster=row.last_poster_name,
        pin_scope=row.pin_scope,
        is_announcement=row.is_announcement,
        closed=row.closed,
        answered=row.answered,
        is_new=viewer.user is not None and row.is_new and not row.is_private,
        unread_count=row.unread_count,
    )


def _post_out(db, viewer: Principal, topic: Topic, post: Post) -> PostOut:
    author = (
        Person(username=post.user.username, display_name=post.user.display_name)
        if post.user
        else None
    )
    return PostOut(
        id=post.id,
        topic_id=topic.id,
        post_number=post.post_number,
        reply_to_post_number=post.reply_to_post_number,
        author=author,
        body=post.body,
        body_html=post.body_html,
        created_at=post.created_at,
        edited_at=post.edited_at,
        like_count=post.like_count,
        reply_count=post.reply_count,
        liked=viewer.user is not None and likes.has_liked(db, user=viewer.user, post=post),
        url=urls.post_path(topic.slug, topic.id, post.post_number),
    )


def _topic_out(db, viewer: Principal, topic: Topic, page: int) -> TopicOut:
    include_hidden = policy.can(viewer, Action.POST_SEE_HIDDEN, topic.network)
    data = reading.load_topic_page(
        db,
        topic,
        view=TopicView.CHRONOLOGICAL,
        page=page,
        viewer=viewer.user,
        include_hidden=include_hidden,
        with_source=True,
    )
    posts = ([data.question] if data.question else []) + data.posts
    return TopicOut(
        id=topic.id,
        title=topic.title,
        slug=topic.slug,
        url=urls.topic_path(topic.slug, topic.id),
        network_slug=topic.network.slug,
        category_slug=topic.category.slug if topic.category else None,
        is_private=topic.is_private,
        tags=tags.list_topic_tags(db, topic),
        closed=topic.closed_at is not None,
        pin_scope=topic.pin_scope,
        is_announcement=topic.is_announcement,
        answer_post_number=topic.answer_post_number,
        post_count=topic.post_count,
        participant_count=topic.participant_count,
        like_count=topic.like_count,
        created_at=topic.created_at,
        last_posted_at=topic.last_posted_at,
        page=data.page,
        page_count=data.page_count,
        posts=[
            PostOut(
                id=p.id,
                topic_id=topic.id,
                post_number=p.post_number,
                reply_to_post_number=p.reply_to_post_number,
                author=Person(username=p.username, display_name=p.display_name)
                if p.username
                else None,
                body=p.body or "",
                body_html=p.body_html,
                created_at=p.created_at,
                edited_at=p.edited_at,
                like_count=p.like_count,
                reply_count=p.reply_count,
                liked=p.liked,
                url=urls.post_path(topic.slug, topic.id, p.post_number),
            )
            for p in posts
        ],
    )


@router.get(
    "/networks/{slug}/categories",
    response_model=list[CategoryOut],
    responses=api_error_responses(404),
)
def list_categories(slug: str, db: DbSession, viewer: Viewer) -> list[CategoryOut]:
    """The network's categories you may read, parents first, each followed by its children."""
    network = load_network(db, viewer, slug)
    rows = categories.list_categories(db, viewer, network)
    slugs = {row.id: row.slug for row in rows}
    return [
        CategoryOut(
            slug=row.slug,
            name=row.name,
            description=row.description,
            colour=row.colour,
            position=row.position,
            parent_slug=slugs.get(row.parent_id),
            read_access=row.read_access,
            topic_access=row.topic_access,
            topic_count=row.topic_count,
            post_count=row.post_count,
            last_posted_at=row.last_posted_at,
            url=urls.category_path(network.slug, row.slug),
        )
        for row in rows
    ]


@router.get(
    "/networks/{slug}/topics", response_model=TopicListOut, responses=api_error_responses(404, 422)
)
def list_topics(
    slug: str,
    db: DbSession,
    viewer: Viewer,
    category: Annotated[str, Query(max_length=60, description="A category's slug.")] = "",
    tag: Annotated[str, Query(max_length=30)] = "",
    kind: Annotated[
        ListKind, Query(description="latest, or your new or unread topics.")
    ] = ListKind.LATEST,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> TopicListOut:
    """The network's topics you may read, last active first (pinned ones first in `latest`)."""
    network = load_network(db, viewer, slug)
    category_ids = None
    if category:
        found = categories.get_category(db, network, category)
        policy.require(viewer, Action.CATEGORY_READ, found)
        category_ids = lists.category_ids_with_children(db, found)
    found_tag = tags.get_tag(db, network, tag) if tag else None
    result = lists.list_topics(
        db, viewer, [network], kind=kind, category_ids=category_ids, tag=found_tag, page=page
    )
    return TopicListOut(
        items=[_summary(viewer, row) for row in result.topics],
        page=result.page,
        has_more=result.has_more,
    )


@router.get("/topics/{topic_id}", response_model=TopicOut, responses=api_error_responses(404))
def get_topic(
    topic_id: int, db: DbSession, viewer: Viewer, page: Annotated[int, Query(ge=1, le=100000)] = 1
) -> TopicOut:
    """A topic with one page of its posts (20 a page), oldest first. Reading through the API
    does not move your read position."""
    topic = load_topic(db, viewer, topic_id)
    return _topic_out(db, viewer, topic, page)


@router.post(
    "/networks/{slug}/topics",
    response_model=TopicOut,
    status_code=201,
    responses=api_error_responses(403, 404, 422),
)
def create_topic(
    slug: str, body: TopicIn, db: DbSession, viewer: Viewer, settings: AppSettings
) -> TopicOut:
    """Start a topic in one of the network's categories (you must have accepted its charter)."""
    network = load_network(db, viewer, slug)
    category = category_for_new_topic(db, viewer, network, body.category)
    topic = posting.create_topic(
        db,
        actor=viewer.user,
        category=category,
        title=body.title,
        body=body.body,
        tags=text.parse_tags(body.tags),
        posts_per_window=settings.posts_per_ten_minutes,
    )
    db.commit()
    return _topic_out(db, viewer, topic, 1)


@router.post(
    "/topics/{topic_id}/posts",
    response_model=PostOut,
    status_code=201,
    responses=api_error_responses(403, 404, 409, 422),
)
def reply(
    topic_id: int, body: ReplyIn, db: DbSession, viewer: Viewer, settings: AppSettings
) -> PostOut:
    """Reply to a topic, or to one of its posts with `reply_to_post_id`."""
    topic = load_topic(db, viewer, topic_id)
    check_can_post(viewer, topic.network)
    policy.require(viewer, Action.TOPIC_REPLY, topic)
    reply_to = posting.find_reply_target(db, body.reply_to_post_id)
    post = posting.create_reply(
        db,
        actor=viewer.user,
        topic=topic,
        body=body.body,
        reply_to=reply_to,
        posts_per_window=settings.posts_per_ten_minutes,
    )
    db.commit()
    return _post_out(db, viewer, topic, post)


def _load_post(db, viewer: Principal, post_id: int, action: Action) -> Post:
    post = posting.get_post(db, post_id)
    policy.require(viewer, Action.POST_READ, post)
    policy.require(viewer, action, post)
    return post


@router.patch(
    "/posts/{post_id}", response_model=PostOut, responses=api_error_responses(403, 404, 409, 422)
)
def edit_post(post_id: int, body: PostEditIn, db: DbSession, viewer: Viewer) -> PostOut:
    """Edit your own post; the previous text is kept as a revision."""
    post = _load_post(db, viewer, post_id, Action.POST_EDIT)
    posting.edit_post(
        db,
        actor=viewer.user,
        post=post,
        body=body.body,
        title=body.title,
        tags=text.parse_tags(body.tags) if body.tags is not None else None,
        comment=body.comment,
    )
    db.commit()
    return _post_out(db, viewer, post.topic, post)


def _like_out(db, viewer: Principal, post: Post) -> LikeOut:
    db.refresh(post)
    return LikeOut(
        post_id=post.id,
        like_count=post.like_count,
        liked=likes.has_liked(db, user=viewer.user, post=post),
    )


@router.post(
    "/posts/{post_id}/like",
    response_model=LikeOut,
    responses=api_error_responses(403, 404, 409, 422),
)
def like(post_id: int, db: DbSession, viewer: Viewer) -> LikeOut:
    """Like a post of another member. Liking twice is a 409 `already_liked`."""
    post = _load_post(db, viewer, post_id, Action.POST_LIKE)
    likes.like_post(db, actor=viewer.user, post=post)
    db.commit()
    return _like_out(db, viewer, post)


@router.delete(
    "/posts/{post_id}/like", response_model=LikeOut, responses=api_error_responses(403, 404, 409)
)
def unlike(post_id: int, db: DbSession, viewer: Viewer) -> LikeOut:
    """Take your like back. Without a like it is a 409 `not_liked`."""
    post = _load_post(db, viewer, post_id, Action.POST_LIKE)
    likes.unlike_post(db, actor=viewer.user, post=post)
    db.commit()
    return _like_out(db, viewer, post)
