"""The request inbox's JSON API under /api/v1: the same services and policy as the pages.

Errors are JSON `{"error": {"code", "message"}}` with stable codes: `not_found` (also for
another person's request), `forbidden`, `not_authenticated`, `invalid`, `already_member`,
`not_staff`, `request_closed`, `request_open`, `not_a_join_request`, `conflict`,
`rate_limited`.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Security

from app import policy
from app.accounts import service as accounts_service
from app.errors import Invalid
from app.i18n import _
from app.inbox import service
from app.inbox.models import RequestKind
from app.inbox.schemas import (
    AssignForm,
    JoinDecision,
    MessageCreate,
    MessageOut,
    RequestCreate,
    RequestOut,
    ThreadOut,
)
from app.inbox.views import load_request
from app.networks import service as networks_service
from app.policy import Action
from app.web.deps import AppSettings, CurrentUser, DbSession, Viewer, api_key_scheme
from app.web.errors import api_error_responses

router = APIRouter(
    prefix="/api/v1",
    tags=["inbox"],
    dependencies=[Security(api_key_scheme)],
    responses=api_error_responses(401, 404, 429),
)


def _thread(db, inbox_request) -> ThreadOut:
    messages = [MessageOut.of(message) for message in service.list_messages(db, inbox_request)]
    return ThreadOut(**RequestOut.of(inbox_request).model_dump(), messages=messages)


@router.get(
    "/networks/{slug}/inbox",
    response_model=list[RequestOut],
    responses=api_error_responses(403, 422),
)
def list_inbox(
    slug: str,
    db: DbSession,
    viewer: Viewer,
    show: Annotated[
        str,
        Query(
            pattern="^(open|mine|closed)$", description="open, mine (assigned to you) or closed."
        ),
    ] = "open",
    kind: RequestKind | None = None,
) -> list[RequestOut]:
    """The network's requests (staff only): open ones unassigned first, yours, or closed."""
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.INBOX_MANAGE, network)
    rows = service.list_requests(db, network=network, viewer=viewer.user, show=show, kind=kind)
    return [RequestOut.of(row.request, row.message_count) for row in rows]


@router.post(
    "/networks/{slug}/requests",
    response_model=ThreadOut,
    status_code=201,
    responses=api_error_responses(409, 422),
)
def create_request(slug: str, body: RequestCreate, db: DbSession, viewer: Viewer) -> ThreadOut:
    """Write to the network's animators (members and signed-in visitors). A `join` request
    to a network that takes requests also files your request to join."""
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.REQUEST_SEND, network)
    created = service.create_request(
        db,
        actor=viewer.user,
        principal=viewer,
        network=network,
        kind=body.kind,
        subject=body.subject,
        body=body.body,
    )
    db.commit()
    return _thread(db, created)


@router.get("/requests", response_model=list[RequestOut])
def list_my_requests(db: DbSession, user: CurrentUser) -> list[RequestOut]:
    """The requests you wrote, latest activity first."""
    return [
        RequestOut.of(row.request, row.message_count) for row in service.list_sent(db, sender=user)
    ]


@router.get("/requests/{request_id}", response_model=ThreadOut)
def get_request(request_id: int, db: DbSession, viewer: Viewer) -> ThreadOut:
    """One request with its messages: for its sender and the network's staff (404 otherwise)."""
    return _thread(db, load_request(db, viewer, request_id))


@router.post(
    "/requests/{request_id}/messages",
    response_model=MessageOut,
    status_code=201,
    responses=api_error_responses(403, 422),
)
def reply(request_id: int, body: MessageCreate, db: DbSession, viewer: Viewer) -> MessageOut:
    """Add a message: staff at any time (the sender is told by notification and mail), the
    sender while the request is open."""
    inbox_request = load_request(db, viewer, request_id, Action.REQUEST_REPLY)
    message = service.reply(
        db,
        actor=viewer.user,
        request=inbox_request,
        body=body.body,
        as_staff=policy.can(viewer, Action.INBOX_MANAGE, inbox_request.network),
    )
    db.commit()
    return MessageOut.of(message)


def _staff_request(db, viewer, request_id: int):
    inbox_request = load_request(db, viewer, request_id)
    policy.require(viewer, Action.INBOX_MANAGE, inbox_request.network)
    return inbox_request


@router.post(
    "/requests/{request_id}/assign",
    response_model=RequestOut,
    responses=api_error_responses(403, 422),
)
def assign(request_id: int, body: AssignForm, db: DbSession, viewer: Viewer) -> RequestOut:
    """Assign the request to one of the network's staff by username (empty: nobody)."""
    inbox_request = _staff_request(db, viewer, request_id)
    assignee = accounts_service.get_user_by_username(db, body.assignee) if body.assignee else None
    service.assign(db, actor=viewer.user, request=inbox_request, assignee=assignee)
    db.commit()
    return RequestOut.of(inbox_request)


@router.post(
    "/requests/{request_id}/close",
    response_model=RequestOut,
    responses=api_error_responses(403, 409),
)
def close(request_id: int, db: DbSession, viewer: Viewer) -> RequestOut:
    """Close the request (staff)."""
    inbox_request = _staff_request(db, viewer, request_id)
    service.close(db, actor=viewer.user, request=inbox_request)
    db.commit()
    return RequestOut.of(inbox_request)


@router.post(
    "/requests/{request_id}/reopen",
    response_model=RequestOut,
    responses=api_error_responses(403, 409),
)
def reopen(request_id: int, db: DbSession, viewer: Viewer) -> RequestOut:
    """Reopen a closed request (staff)."""
    inbox_request = _staff_request(db, viewer, request_id)
    service.reopen(db, actor=viewer.user, request=inbox_request)
    db.commit()
    return RequestOut.of(inbox_request)


@router.post(
    "/requests/{request_id}/decision",
    response_model=RequestOut,
    responses=api_error_responses(403, 409, 422),
)
def decide_join(
    request: Request,
    request_id: int,
    body: JoinDecision,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
) -> RequestOut:
    """Accept or decline a request to join (staff); the person is mailed, with your message."""
    inbox_request = _staff_request(db, viewer, request_id)
    policy.require(viewer, Action.JOIN_REQUEST_REVIEW, inbox_request.network)
    if inbox_request.join_request is None:
        raise Invalid(_("This request is not a request to join."), code="not_a_join_request")
    path = str(request.app.url_path_for("network", slug=inbox_request.network.slug))
    service.decide_join(
        db,
        actor=viewer.user,
        request=inbox_request,
        join_request=inbox_request.join_request,
        decision=body.decision,
        message=body.message,
        network_url=settings.base_url.rstrip("/") + path,
    )
    db.commit()
    return RequestOut.of(inbox_request)
