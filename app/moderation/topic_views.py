"""HTML routes of the staff actions on a topic (the staff menu of the topic page)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.errors import DomainError
from app.forum import categories, reading, text
from app.forum.models import TopicView
from app.forum.schemas import PinChange
from app.forum.web import topic_url
from app.i18n import _
from app.moderation import topics
from app.moderation.schemas import (
    ReasonForm,
    SlowMode,
    TopicEdit,
    TopicMerge,
    TopicMove,
    TopicSplit,
    TopicStateName,
)
from app.moderation.web import load_moderated_network, load_topic
from app.web.deps import DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, redirect, render

router = APIRouter()

STATE_ACTIONS = {
    "close": (topics.close_topic, lambda: _("The topic is closed.")),
    "reopen": (topics.reopen_topic, lambda: _("The topic is open again.")),
    "archive": (topics.archive_topic, lambda: _("The topic is archived.")),
    "unarchive": (topics.unarchive_topic, lambda: _("The topic is out of the archive.")),
}


def _done(request: Request, db, topic, message: str) -> Response:
    db.commit()
    flash(request, message)
    return redirect(request, topic_url(request, topic) + "?page=1")


def _failed(request: Request, db, topic, message: str) -> Response:
    db.rollback()
    flash(request, message, "error")
    return redirect(request, topic_url(request, topic) + "?page=1")


def _first_error(form: FormResult) -> str:
    return next(iter(form.errors.values()), _("This value is not valid."))


@router.post(
    "/n/{slug}/moderation/topics/{topic_id:int}/state/{action}", name="moderation_topic_state"
)
def topic_state(
    request: Request,
    slug: str,
    topic_id: int,
    action: TopicStateName,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[ReasonForm], Depends(form_parser(ReasonForm))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    act, done = STATE_ACTIONS[action]
    if not form.ok:
        return _failed(request, db, topic, _first_error(form))
    try:
        act(db, actor=viewer.user, topic=topic, reason=form.data.reason)
    except DomainError as error:
        return _failed(request, db, topic, error.message)
    return _done(request, db, topic, done())


@router.post("/n/{slug}/moderation/topics/{topic_id:int}/pin", name="moderation_topic_pin")
def topic_pin(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[PinChange], Depends(form_parser(PinChange))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    if not form.ok:
        return _failed(request, db, topic, _("Choose one of the options."))
    topics.pin_topic(
        db,
        actor=viewer.user,
        topic=topic,
        scope=form.data.pin_scope,
        is_announcement=form.data.is_announcement,
    )
    return _done(request, db, topic, _("The topic's pinning has been saved."))


@router.post("/n/{slug}/moderation/topics/{topic_id:int}/move", name="moderation_topic_move")
def topic_move(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[TopicMove], Depends(form_parser(TopicMove))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    if not form.ok:
        return _failed(request, db, topic, _first_error(form))
    try:
        category = categories.find_category(db, network, form.data.category)
        topics.move_topic(
            db, actor=viewer.user, topic=topic, category=category, reason=form.data.reason
        )
    except DomainError as error:
        return _failed(request, db, topic, error.message)
    return _done(request, db, topic, _("The topic has moved to %(name)s.", name=category.name))


@router.post("/n/{slug}/moderation/topics/{topic_id:int}/edit", name="moderation_topic_edit")
def topic_edit(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[TopicEdit], Depends(form_parser(TopicEdit))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    if not form.ok:
        return _failed(request, db, topic, _first_error(form))
    try:
        topics.edit_topic(
            db,
            actor=viewer.user,
            topic=topic,
            title=form.data.title,
            tags=text.parse_tags(form.data.tags),
            reason=form.data.reason,
        )
    except DomainError as error:
        return _failed(request, db, topic, error.message)
    return _done(request, db, topic, _("The title and tags have been saved."))


@router.post("/n/{slug}/moderation/topics/{topic_id:int}/slow-mode", name="moderation_slow_mode")
def topic_slow_mode(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[SlowMode], Depends(form_parser(SlowMode))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    if not form.ok:
        return _failed(request, db, topic, _first_error(form))
    topics.set_slow_mode(db, actor=viewer.user, topic=topic, minutes=form.data.minutes)
    return _done(request, db, topic, _("Slow mode has been saved."))


@router.post("/n/{slug}/moderation/topics/{topic_id:int}/merge", name="moderation_topic_merge")
def topic_merge(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[TopicMerge], Depends(form_parser(TopicMerge))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    if not form.ok:
        return _failed(request, db, topic, _first_error(form))
    try:
        into = load_topic(db, network, form.data.into)
        topics.merge_topic(db, actor=viewer.user, topic=topic, into=into, reason=form.data.reason)
    except DomainError as error:
        return _failed(
            request, db, topic, error.message or _("Choose another topic of this network.")
        )
    return _done(request, db, into, _("The topics have been merged."))


def _split_context(db, network, topic, form) -> dict:
    page = reading.load_topic_page(
        db, topic, view=TopicView.CHRONOLOGICAL, page=1, viewer=None, include_hidden=True
    )
    replies = [post for post in page.posts if post.post_number != 1]
    return {"network": network, "topic": topic, "replies": replies, "form": form}


@router.get("/n/{slug}/moderation/topics/{topic_id:int}/split", name="moderation_topic_split")
def topic_split_page(
    request: Request, slug: str, topic_id: int, db: DbSession, viewer: Viewer
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    form = FormResult(values={})
    return render(request, "moderation/split.html", _split_context(db, network, topic, form))


@router.post("/n/{slug}/moderation/topics/{topic_id:int}/split")
def topic_split(
    request: Request,
    slug: str,
    topic_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[TopicSplit], Depends(form_parser(TopicSplit))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    topic = load_topic(db, network, topic_id)
    status = 422
    if form.ok:
        try:
            new = topics.split_topic(
                db,
                actor=viewer.user,
                topic=topic,
                post_numbers=form.data.post_numbers,
                title=form.data.title,
                reason=form.data.reason,
            )
        except DomainError as error:
            form.add_error(error)
            status = error.status_code
        else:
            return _done(request, db, new, _("The posts have moved to a new topic."))
    db.rollback()
    return render(
        request,
        "moderation/split.html",
        _split_context(db, network, topic, form),
        status_code=status,
    )
