"""HTML routes of the review queue and of the staff actions on a post, and members' flags."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.errors import DomainError, NotAuthenticated
from app.forum import urls
from app.forum.web import load_post as load_readable_post
from app.forum.web import load_topic as load_readable_topic
from app.forum.web import post_url
from app.i18n import _
from app.moderation import flags, posts, queue
from app.moderation.schemas import FlagCreate, PostActionName, ReasonForm, StaffEdit
from app.moderation.web import load_moderated_network, load_post, safe_next
from app.networks.models import Network
from app.policy import Action
from app.web.deps import DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, is_htmx, redirect, render

router = APIRouter()

POST_ACTIONS = {
    "hide": (posts.hide_post, lambda: _("The post is hidden; its author has been told.")),
    "restore": (posts.restore_post, lambda: _("The post is visible again.")),
    "delete": (posts.delete_post, lambda: _("The post is deleted; its author has been told.")),
    "undelete": (posts.undelete_post, lambda: _("The post is restored.")),
    "approve": (posts.approve_post, lambda: _("The post is approved.")),
    "warn": (posts.warn_author, lambda: _("The author has been warned.")),
}


@router.get("/moderation", name="moderation_home")
def moderation_home(request: Request, db: DbSession, viewer: Viewer) -> Response:
    """The networks the viewer moderates, with what waits in each (the header's badge)."""
    if viewer.user is None:
        raise NotAuthenticated()
    network_ids = queue.moderated_network_ids(viewer)
    counts = queue.count_waiting(db, network_ids)
    networks = [(n, counts.get(n.id, 0)) for n in queue.list_networks(db, network_ids)]
    return render(request, "moderation/home.html", {"networks": networks})


def _queue_context(db, network: Network, page: int) -> dict:
    return {
        "network": network,
        "active_tab": "moderation",
        "queue": queue.list_queue(db, network, page=page),
        "reason_labels": flags.reason_labels(),
    }


@router.get("/n/{slug}/moderation", name="moderation_queue")
def queue_page(
    request: Request, slug: str, db: DbSession, viewer: Viewer, page: int = 1
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    return render(
        request, "moderation/queue.html", _queue_context(db, network, page), block="queue"
    )


def _edit_context(network, post, form) -> dict:
    return {"network": network, "post": post, "topic": post.topic, "form": form}


@router.get("/n/{slug}/moderation/posts/{post_id:int}/edit", name="moderation_post_edit")
def post_edit_page(request: Request, slug: str, post_id: int, db: DbSession, viewer: Viewer):
    network = load_moderated_network(db, viewer, slug)
    post = load_post(db, network, post_id)
    form = FormResult(values={"body": post.body})
    return render(request, "moderation/post_edit.html", _edit_context(network, post, form))


@router.post("/n/{slug}/moderation/posts/{post_id:int}/edit")
def post_edit(
    request: Request,
    slug: str,
    post_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[StaffEdit], Depends(form_parser(StaffEdit))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    post = load_post(db, network, post_id)
    status = 422
    if form.ok:
        try:
            posts.edit_post(
                db, actor=viewer.user, post=post, body=form.data.body, reason=form.data.reason
            )
        except DomainError as error:
            form.add_error(error)
            status = error.status_code
        else:
            db.commit()
            flash(request, _("The post has been edited; its author has been told."))
            return redirect(request, post_url(request, post.topic, post.post_number))
    db.rollback()
    return render(
        request, "moderation/post_edit.html", _edit_context(network, post, form), status_code=status
    )


# After the edit routes: "edit" is not one of these actions.
@router.post("/n/{slug}/moderation/posts/{post_id:int}/{action}", name="moderation_post_action")
def post_action(
    request: Request,
    slug: str,
    post_id: int,
    action: PostActionName,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[ReasonForm], Depends(form_parser(ReasonForm))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    post = load_post(db, network, post_id)
    queue_url = str(request.app.url_path_for("moderation_queue", slug=network.slug))
    back = safe_next(form.values.get("next", ""), queue_url)
    act, done = POST_ACTIONS[action]
    try:
        if not form.ok:
            raise DomainError(next(iter(form.errors.values())))
        act(db, actor=viewer.user, post=post, reason=form.data.reason)
    except DomainError as error:
        db.rollback()
        message, category, status = error.message, "error", error.status_code
    else:
        db.commit()
        message, category, status = done(), "success", 200
    if is_htmx(request) and back == queue_url:
        # The queue redrawn in place, with the outcome said where the focus was.
        context = _queue_context(db, network, 1) | {"message": (category, message)}
        return render(request, "moderation/queue.html", context, block="queue", status_code=status)
    flash(request, message, category)
    return redirect(request, back)


def _flag_context(topic, post, form) -> dict:
    return {
        "network": topic.network,
        "topic": topic,
        "post": post,
        "form": form,
        "reasons": [(r.value, flags.reason_labels()[r]) for r in flags.MEMBER_REASONS],
    }


@router.get("/t/{slug}/{topic_id:int}/{post_number:int}/flag", name="post_flag")
def flag_page(
    request: Request, slug: str, topic_id: int, post_number: int, db: DbSession, viewer: Viewer
) -> Response:
    topic = load_readable_topic(db, viewer, topic_id)
    post = load_readable_post(db, viewer, topic, post_number, Action.POST_FLAG)
    form = FormResult(values={})
    return render(request, "moderation/flag.html", _flag_context(topic, post, form))


@router.post("/t/{slug}/{topic_id:int}/{post_number:int}/flag")
def flag_post(
    request: Request,
    slug: str,
    topic_id: int,
    post_number: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[FlagCreate], Depends(form_parser(FlagCreate))],
) -> Response:
    topic = load_readable_topic(db, viewer, topic_id)
    post = load_readable_post(db, viewer, topic, post_number, Action.POST_FLAG)
    status = 422
    if form.ok:
        try:
            flags.flag_post(
                db, actor=viewer.user, post=post, reason=form.data.reason, text=form.data.text
            )
        except DomainError as error:
            form.add_error(error)
            status = error.status_code
        else:
            db.commit()
            flash(request, _("Thank you: the network's animators will review this post."))
            return redirect(request, urls.post_path(topic.slug, topic.id, post.post_number))
    db.rollback()
    return render(
        request, "moderation/flag.html", _flag_context(topic, post, form), status_code=status
    )
