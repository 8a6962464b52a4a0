"""HTML routes of a topic: reading it (two views, pages, replies, history) and writing in it
(reply, edit, like, bookmark, answer, notification level, pin)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app import policy
from app.documents import discussion
from app.errors import DomainError
from app.forum import (
    categories,
    category_views,
    compose_views,
    drafts,
    likes,
    list_views,
    member_state,
    message_views,
    posting,
    reading,
    revisions,
    schemas,
    tags,
    text,
    topic_state,
)
from app.forum.models import Topic, TopicView
from app.forum.web import check_can_post, chosen_view, load_post, load_topic, post_url, topic_url
from app.i18n import _
from app.markup import quote_block
from app.moderation import topics as moderation_topics
from app.notifications import service as notifications_service
from app.policy import Action, Principal
from app.web.deps import AppSettings, DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, is_htmx, redirect, render

router = APIRouter()
router.include_router(list_views.router)
router.include_router(category_views.router)
router.include_router(compose_views.router)
router.include_router(message_views.router)


def _reply_form_values(
    db, viewer: Principal, topic: Topic, reply_to: int | None, quote: int | None
) -> dict:
    """The reply box's starting text: a quote asked for, else the member's draft."""
    values: dict[str, str] = {}
    if viewer.user is None:
        return values
    draft = drafts.get_draft(db, actor=viewer.user, key=drafts.key_for_reply(topic.id))
    if draft is not None:
        values["body"] = draft.body
        if draft.reply_to_post_id:
            values["reply_to_post_id"] = str(draft.reply_to_post_id)
    for number, quoting in ((reply_to, False), (quote, True)):
        if number is None:
            continue
        try:
            post = load_post(db, viewer, topic, number)
        except DomainError:
            continue
        values["reply_to_post_id"] = str(post.id)
        if quoting:
            author = post.user.username if post.user else "?"
            quoted = quote_block(author, post.post_number, topic.id, post.body)
            values["body"] = quoted + values.get("body", "")
    return values


def _topic_context(
    request: Request,
    db,
    viewer: Principal,
    topic: Topic,
    *,
    page: int,
    view: TopicView,
    form: FormResult,
    skeleton: reading.Skeleton | None = None,
) -> dict:
    network = topic.network
    include_hidden = policy.can(viewer, Action.POST_SEE_HIDDEN, network)
    data = reading.load_topic_page(
        db,
        topic,
        view=view,
        page=page,
        viewer=viewer.user,
        include_hidden=include_hidden,
        skeleton=skeleton,
    )
    state = member_state.get_topic_user(db, user=viewer.user, topic=topic) if viewer.user else None
    category_level = (
        member_state.get_category_level(db, user=viewer.user, category=topic.category)
        if viewer.user and topic.category
        else None
    )
    reply_to_id = form.values.get("reply_to_post_id")
    replying_to = _replying_to(db, viewer, topic, reply_to_id)
    return {
        "network": network,
        "topic": topic,
        "category": topic.category,
        "tags": tags.list_topic_tags(db, topic),
        "data": data,
        "view": view,
        "state": state,
        "level": member_state.effective_level(
            state.notification_level if state else None, category_level
        ),
        "form": form,
        "replying_to": replying_to,
        "reply_to_id": reply_to_id,
        "can_reply": policy.can(viewer, Action.TOPIC_REPLY, topic)
        and topic.closed_at is None
        and topic.archived_at is None,
        "can_post": policy.can(viewer, Action.NETWORK_POST, network),
        "can_answer": policy.can(viewer, Action.TOPIC_ANSWER, topic),
        "can_pin": policy.can(viewer, Action.TOPIC_PIN, topic),
        **_moderation_context(db, viewer, topic),
        "draft_key": drafts.key_for_reply(topic.id),
        "discussed_document": None if topic.is_private else discussion.get_discussed_document(db, topic),
    }


def _moderation_context(db, viewer: Principal, topic: Topic) -> dict:
    """The staff menus of the topic and its posts (moderation), for the network's staff."""
    can_moderate = not topic.is_private and policy.can(viewer, Action.MODERATE, topic.network)
    return {
        "can_moderate": can_moderate,
        "staff_categories": categories.list_categories(db, viewer, topic.network)
        if can_moderate
        else [],
    }


def _replying_to(db, viewer: Principal, topic: Topic, post_id: str | None) -> dict | None:
    """Who the reply box answers, for its label; nothing when the id names no post here."""
    if not post_id or not post_id.isdigit():
        return None
    try:
        post = posting.get_post(db, int(post_id))
    except DomainError:
        return None
    if post.topic_id != topic.id or not policy.can(viewer, Action.POST_READ, post):
        return None
    name = post.user.display_name if post.user else "?"
    return {"post_number": post.post_number, "display_name": name}


@router.get("/t/{slug}/{topic_id:int}", name="topic")
def topic_page(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    page: int | None = None,
    reply_to: int | None = None,
    quote: int | None = None,
) -> Response:
    topic = load_topic(db, viewer, topic_id)
    if topic.merged_into_id is not None:  # moderation merged its posts into another topic
        into = posting.get_topic(db, topic.merged_into_id)
        return RedirectResponse(topic_url(request, into), status_code=301)
    if slug != topic.slug:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(topic_url(request, topic) + query, status_code=301)
    view = chosen_view(request, db, viewer.user)
    include_hidden = policy.can(viewer, Action.POST_SEE_HIDDEN, topic.network)
    skeleton = reading.load_skeleton(
        db, topic, include_hidden=include_hidden, viewer_id=viewer.user.id if viewer.user else None
    )
    state = member_state.get_topic_user(db, user=viewer.user, topic=topic) if viewer.user else None
    if (
        page is None
        and reply_to is None
        and quote is None
        and state
        and 0 < state.last_read_post_number
    ):
        first_unread = skeleton.first_after(state.last_read_post_number)
        if first_unread is not None:
            page = skeleton.page_of(view, first_unread)
            target = f"{topic_url(request, topic)}?page={page}#post-{first_unread}"
            return RedirectResponse(target, status_code=302)
    form = FormResult(values=_reply_form_values(db, viewer, topic, reply_to, quote))
    context = _topic_context(
        request, db, viewer, topic, page=page or 1, view=view, form=form, skeleton=skeleton
    )
    if viewer.user is not None:
        data = context["data"]
        last_seen = topic.highest_post_number if data.is_last_page else (data.last_number or 0)
        member_state.mark_read(db, user=viewer.user, topic=topic, up_to_post_number=last_seen)
        notifications_service.mark_read_for_topic(
            db,
            user_id=viewer.user.id,
            topic_id=topic.id,
            up_to_post_id=None if data.is_last_page else data.last_post_id,
        )
        db.commit()
        request.state.unread_notifications = notifications_service.count_unread(
            db, user_id=viewer.user.id
        )
    return render(request, "forum/topic.html", context, block="posts")


@router.get("/t/{slug}/{topic_id:int}/{post_number:int}", name="post")
def post_permalink(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    """A stable link to post N: the page of the member's view that shows it, at its anchor."""
    topic = load_topic(db, viewer, topic_id)
    include_hidden = policy.can(viewer, Action.POST_SEE_HIDDEN, topic.network)
    skeleton = reading.load_skeleton(
        db, topic, include_hidden=include_hidden, viewer_id=viewer.user.id if viewer.user else None
    )
    view = chosen_view(request, db, viewer.user)
    anchor = skeleton.nearest(post_number) or 1
    page = skeleton.page_of(view, post_number)
    return RedirectResponse(
        f"{topic_url(request, topic)}?page={page}#post-{anchor}", status_code=302
    )


@router.get("/t/{slug}/{topic_id:int}/{post_number:int}/replies", name="post_replies")
def post_replies(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    """The direct replies to one post: a fragment under the post, or a page of its own."""
    topic = load_topic(db, viewer, topic_id)
    post = load_post(db, viewer, topic, post_number)
    include_hidden = policy.can(viewer, Action.POST_SEE_HIDDEN, topic.network)
    replies = reading.load_replies(
        db, topic, post.post_number, viewer=viewer.user, include_hidden=include_hidden
    )
    context = {
        "network": topic.network,
        "topic": topic,
        "post": post,
        "replies": replies,
        "can_post": policy.can(viewer, Action.NETWORK_POST, topic.network),
        "can_reply": policy.can(viewer, Action.TOPIC_REPLY, topic)
        and topic.closed_at is None
        and topic.archived_at is None,
        "can_answer": policy.can(viewer, Action.TOPIC_ANSWER, topic),
        "can_moderate": _moderation_context(db, viewer, topic)["can_moderate"],
        "view": TopicView.CHRONOLOGICAL,
    }
    return render(request, "forum/replies.html", context, block="replies")


@router.get("/t/{slug}/{topic_id:int}/{post_number:int}/history", name="post_history")
def post_history(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id)
    post = load_post(db, viewer, topic, post_number)
    return render(
        request,
        "forum/history.html",
        {
            "network": topic.network,
            "topic": topic,
            "post": post,
            "revisions": revisions.list_revisions(db, post),
        },
    )


@router.post("/t/{slug}/{topic_id:int}/reply", name="topic_reply")
def topic_reply(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.ReplyCreate], Depends(form_parser(schemas.ReplyCreate))],
) -> Response:
    topic = load_topic(db, viewer, topic_id)
    check_can_post(viewer, topic.network)
    policy.require(viewer, Action.TOPIC_REPLY, topic)
    status = 422
    if form.ok:
        try:
            reply_to = posting.find_reply_target(db, form.data.reply_to_post_id)
            post = posting.create_reply(
                db,
                actor=viewer.user,
                topic=topic,
                body=form.data.body,
                reply_to=reply_to,
                posts_per_window=settings.posts_per_ten_minutes,
            )
        except DomainError as error:
            form.add_error(error)
            status = error.status_code
        else:
            db.commit()
            return redirect(request, post_url(request, topic, post.post_number))
    db.rollback()
    view = chosen_view(request, db, viewer.user)
    skeleton = reading.load_skeleton(
        db,
        topic,
        include_hidden=policy.can(viewer, Action.POST_SEE_HIDDEN, topic.network),
        viewer_id=viewer.user.id,
    )
    context = _topic_context(
        request,
        db,
        viewer,
        topic,
        page=skeleton.page_count(),
        view=view,
        form=form,
        skeleton=skeleton,
    )
    return render(request, "forum/topic.html", context, status_code=status)


def _edit_values(post, topic, tag_names) -> dict:
    values = {"body": post.body}
    if post.post_number == 1:
        values["title"] = topic.title
        values["tags"] = ", ".join(tag_names)
    return values


@router.get("/t/{slug}/{topic_id:int}/{post_number:int}/edit", name="post_edit")
def post_edit_page(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id)
    post = load_post(db, viewer, topic, post_number, Action.POST_EDIT)
    form = FormResult(values=_edit_values(post, topic, tags.list_topic_tags(db, topic)))
    return render(
        request,
        "forum/post_edit.html",
        {"network": topic.network, "topic": topic, "post": post, "form": form},
    )


@router.post("/t/{slug}/{topic_id:int}/{post_number:int}/edit")
def post_edit(
    request: Request,
    slug: str,
    topic_id: int,
    post_number: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.PostEdit], Depends(form_parser(schemas.PostEdit))],
) -> Response:
    topic = load_topic(db, viewer, topic_id)
    post = load_post(db, viewer, topic, post_number, Action.POST_EDIT)
    status = 422
    if form.ok:
        data = form.data
        try:
            tag_names = text.parse_tags(data.tags) if data.tags is not None else None
            posting.edit_post(
                db,
                actor=viewer.user,
                post=post,
                body=data.body,
                title=data.title,
                tags=tag_names,
                comment=data.comment,
            )
        except DomainError as error:
            form.add_error(error)
            status = error.status_code
        else:
            db.commit()
            flash(request, _("Your changes have been saved."))
            return redirect(request, post_url(request, topic, post.post_number))
    db.rollback()
    return render(
        request,
        "forum/post_edit.html",
        {"network": topic.network, "topic": topic, "post": post, "form": form},
        status_code=status,
    )


def _like_response(request: Request, db, viewer: Principal, topic: Topic, post) -> Response:
    db.commit()
    if not is_htmx(request):
        return redirect(request, post_url(request, topic, post.post_number))
    db.refresh(post)
    return render(
        request,
        "forum/_like.html",
        {
            "topic": topic,
            "post": post,
            "liked": likes.has_liked(db, user=viewer.user, post=post),
            "can_post": True,
        },
    )


@router.post("/t/{slug}/{topic_id:int}/{post_number:int}/like", name="post_like")
def post_like(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id)
    post = load_post(db, viewer, topic, post_number, Action.POST_LIKE)
    likes.like_post(db, actor=viewer.user, post=post)
    return _like_response(request, db, viewer, topic, post)


@router.post("/t/{slug}/{topic_id:int}/{post_number:int}/unlike", name="post_unlike")
def post_unlike(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id)
    post = load_post(db, viewer, topic, post_number, Action.POST_LIKE)
    likes.unlike_post(db, actor=viewer.user, post=post)
    return _like_response(request, db, viewer, topic, post)


@router.post("/t/{slug}/{topic_id:int}/{post_number:int}/bookmark", name="post_bookmark")
def post_bookmark(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id, Action.TOPIC_FOLLOW)
    post = load_post(db, viewer, topic, post_number)
    member_state.bookmark(db, actor=viewer.user, post=post)
    db.commit()
    flash(request, _("Bookmarked. Your bookmarks are listed on the bookmarks page."))
    return redirect(request, post_url(request, topic, post.post_number))


@router.post("/t/{slug}/{topic_id:int}/bookmark/delete", name="topic_bookmark_delete")
def topic_bookmark_delete(
    request: Request, slug: str, topic_id: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id, Action.TOPIC_FOLLOW)
    member_state.remove_bookmark(db, actor=viewer.user, topic=topic)
    db.commit()
    flash(request, _("The bookmark has been removed."))
    return redirect(request, topic_url(request, topic) + "?page=1")


@router.post("/t/{slug}/{topic_id:int}/{post_number:int}/answer", name="post_answer")
def post_answer(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id, Action.TOPIC_ANSWER)
    post = load_post(db, viewer, topic, post_number)
    topic_state.mark_answered(db, topic=topic, post=post)
    db.commit()
    flash(request, _("This reply is now shown as the answer, under the question."))
    return redirect(request, topic_url(request, topic) + "?page=1")


@router.post("/t/{slug}/{topic_id:int}/answer/delete", name="topic_answer_delete")
def topic_answer_delete(
    request: Request, slug: str, topic_id: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_topic(db, viewer, topic_id, Action.TOPIC_ANSWER)
    topic_state.unmark_answered(db, topic=topic)
    db.commit()
    flash(request, _("The topic has no answer marked any more."))
    return redirect(request, topic_url(request, topic) + "?page=1")


@router.post("/t/{slug}/{topic_id:int}/level", name="topic_level")
def topic_level(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.LevelChange], Depends(form_parser(schemas.LevelChange))],
) -> Response:
    topic = load_topic(db, viewer, topic_id, Action.TOPIC_FOLLOW)
    if not form.ok:
        flash(request, form.errors.get("level", _("Choose one of the options.")), "error")
        return redirect(request, topic_url(request, topic) + "?page=1")
    member_state.set_topic_level(db, actor=viewer.user, topic=topic, level=form.data.level)
    db.commit()
    if is_htmx(request):
        return render(
            request,
            "forum/_level_form.html",
            {
                "action": request.app.url_path_for(
                    "topic_level", slug=topic.slug, topic_id=topic.id
                ),
                "level": form.data.level,
                "saved": True,
                "form_id": "topic-level",
            },
        )
    flash(request, _("Your notification level for this topic has been saved."))
    return redirect(request, topic_url(request, topic) + "?page=1")


@router.post("/t/{slug}/{topic_id:int}/pin", name="topic_pin")
def topic_pin(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.PinChange], Depends(form_parser(schemas.PinChange))],
) -> Response:
    topic = load_topic(db, viewer, topic_id, Action.TOPIC_PIN)
    if form.ok:
        moderation_topics.pin_topic(
            db,
            actor=viewer.user,
            topic=topic,
            scope=form.data.pin_scope,
            is_announcement=form.data.is_announcement,
        )
        db.commit()
        flash(request, _("The topic's pinning has been saved."))
    else:
        flash(request, _("Choose one of the options."), "error")
    return redirect(request, topic_url(request, topic) + "?page=1")
