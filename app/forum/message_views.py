"""HTML routes of private messages: the member's conversations and starting a new one.
A conversation itself is a topic: it is read and answered on the topic page."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app import policy
from app.errors import DomainError, NotAuthenticated
from app.forum import drafts, lists, posting, schemas
from app.forum.web import check_can_post, load_network, topic_url
from app.networks.models import Network
from app.policy import Action
from app.web.deps import AppSettings, DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import redirect, render

router = APIRouter()


@router.get("/messages", name="messages")
def messages_page(request: Request, db: DbSession, viewer: Viewer, page: int = 1) -> Response:
    if viewer.user is None:
        raise NotAuthenticated()
    return render(
        request, "forum/messages.html", {"topic_list": lists.list_messages(db, viewer, page=page)}
    )


def _context(network: Network, form: FormResult) -> dict:
    return {"network": network, "form": form, "draft_key": drafts.key_for_message(network.slug)}


@router.get("/n/{slug}/messages/new", name="message_new")
def message_new(
    request: Request, slug: str, db: DbSession, viewer: Viewer, to: str = ""
) -> Response:
    network = load_network(db, viewer, slug)
    check_can_post(viewer, network)
    policy.require(viewer, Action.MESSAGE_SEND, network)
    values = {"recipients": to}
    draft = drafts.get_draft(db, actor=viewer.user, key=drafts.key_for_message(network.slug))
    if draft is not None:
        values.update(title=draft.title, body=draft.body)
    return render(request, "forum/message_new.html", _context(network, FormResult(values=values)))


@router.post("/n/{slug}/messages", name="message_create")
def message_create(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.MessageCreate], Depends(form_parser(schemas.MessageCreate))],
) -> Response:
    network = load_network(db, viewer, slug)
    check_can_post(viewer, network)
    policy.require(viewer, Action.MESSAGE_SEND, network)
    status = 422
    if form.ok:
        try:
            recipients = posting.find_recipients(db, form.data.usernames)
            topic = posting.send_message(
                db,
                actor=viewer.user,
                network=network,
                recipients=recipients,
                title=form.data.title,
                body=form.data.body,
                posts_per_window=settings.posts_per_ten_minutes,
            )
        except DomainError as error:
            form.add_error(error)
            status = error.status_code
        else:
            db.commit()
            return redirect(request, topic_url(request, topic))
    db.rollback()
    return render(request, "forum/message_new.html", _context(network, form), status_code=status)
