"""HTML routes of the request inbox: writing to staff, the staff inbox, one thread.

A thread has one address for its sender and for staff (/requests/{id}); the policy
(request:read) hides it from everyone else, so a guessed id is a 404.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app import policy
from app.accounts import service as accounts_service
from app.errors import DomainError, NotAuthenticated
from app.i18n import _
from app.inbox import service
from app.inbox.models import InboxRequest, RequestKind
from app.inbox.schemas import AssignForm, JoinDecision, MessageCreate, RequestCreate
from app.inbox.service import InboxFilter
from app.networks import service as networks_service
from app.networks.models import Network
from app.networks.models import RequestStatus as JoinStatus
from app.policy import Action, Principal
from app.web.deps import AppSettings, DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import apply_change, flash, redirect, render

router = APIRouter()


def kind_labels() -> dict[RequestKind, str]:
    return {
        RequestKind.QUESTION: _("Question"),
        RequestKind.JOIN: _("Request to join"),
        RequestKind.REPORT: _("Report"),
        RequestKind.OTHER: _("Other"),
    }


def filter_labels() -> dict[str, str]:
    return {
        InboxFilter.OPEN: _("Open"),
        InboxFilter.MINE: _("Assigned to me"),
        InboxFilter.CLOSED: _("Closed"),
    }


def thread_url(request: Request, inbox_request: InboxRequest) -> str:
    return str(request.app.url_path_for("request_thread", request_id=inbox_request.id))


def network_url(request: Request, settings, network: Network) -> str:
    return settings.base_url.rstrip("/") + str(
        request.app.url_path_for("network", slug=network.slug)
    )


def load_request(
    db, viewer: Principal, request_id: int, action: Action = Action.REQUEST_READ
) -> InboxRequest:
    inbox_request = service.get_request(db, request_id)
    policy.require(viewer, Action.REQUEST_READ, inbox_request)
    if action != Action.REQUEST_READ:
        policy.require(viewer, action, inbox_request)
    return inbox_request


@router.get("/n/{slug}/inbox", name="inbox")
def inbox(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    show: Annotated[str, Query(pattern="^(open|mine|closed)$")] = InboxFilter.OPEN,
    kind: RequestKind | None = None,
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.INBOX_MANAGE, network)
    rows = service.list_requests(db, network=network, viewer=viewer.user, show=show, kind=kind)
    return render(
        request,
        "inbox/inbox.html",
        {
            "network": network,
            "rows": rows,
            "show": show,
            "kind": kind.value if kind else "",
            "kinds": kind_labels(),
            "filters": filter_labels(),
        },
        block="results",
    )


def _new_form_context(network: Network, form: FormResult) -> dict:
    return {"network": network, "form": form, "kinds": kind_labels()}


@router.get("/n/{slug}/contact", name="request_new")
def request_new(
    request: Request, slug: str, db: DbSession, viewer: Viewer, kind: str = "question"
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.REQUEST_SEND, network)
    form = FormResult(values={"kind": kind if kind in list(RequestKind) else "question"})
    return render(request, "inbox/request_new.html", _new_form_context(network, form))


@router.post("/n/{slug}/contact")
def request_create(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[RequestCreate], Depends(form_parser(RequestCreate))],
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.REQUEST_SEND, network)
    if form.ok:
        try:
            created = service.create_request(
                db,
                actor=viewer.user,
                principal=viewer,
                network=network,
                kind=form.data.kind,
                subject=form.data.subject,
                body=form.data.body,
            )
        except DomainError as error:
            db.rollback()
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("Your request has been sent to the network's animators."))
            return redirect(request, thread_url(request, created))
    return render(
        request, "inbox/request_new.html", _new_form_context(network, form), status_code=422
    )


@router.get("/requests", name="my_requests")
def my_requests(request: Request, db: DbSession, viewer: Viewer) -> Response:
    if viewer.user is None:
        raise NotAuthenticated()
    rows = service.list_sent(db, sender=viewer.user)
    return render(request, "inbox/my_requests.html", {"rows": rows, "kinds": kind_labels()})


def _thread_context(
    db, viewer: Principal, inbox_request: InboxRequest, form: FormResult | None = None
) -> dict:
    network = inbox_request.network
    is_staff = policy.can(viewer, Action.INBOX_MANAGE, network)
    join_request = inbox_request.join_request
    return {
        "network": network,
        "item": inbox_request,
        "messages": service.list_messages(db, inbox_request),
        "is_staff": is_staff,
        "can_reply": policy.can(viewer, Action.REQUEST_REPLY, inbox_request),
        "assignable": service.list_assignable(db, network) if is_staff else [],
        "join_pending": join_request is not None and join_request.status == JoinStatus.PENDING,
        "kinds": kind_labels(),
        "form": form or FormResult(values={}),
    }


@router.get("/requests/{request_id}", name="request_thread")
def request_thread(request: Request, request_id: int, db: DbSession, viewer: Viewer) -> Response:
    inbox_request = load_request(db, viewer, request_id)
    return render(request, "inbox/thread.html", _thread_context(db, viewer, inbox_request))


@router.post("/requests/{request_id}/reply", name="request_reply")
def request_reply(
    request: Request,
    request_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[MessageCreate], Depends(form_parser(MessageCreate))],
) -> Response:
    inbox_request = load_request(db, viewer, request_id, Action.REQUEST_REPLY)
    if form.ok:
        try:
            service.reply(
                db,
                actor=viewer.user,
                request=inbox_request,
                body=form.data.body,
                as_staff=policy.can(viewer, Action.INBOX_MANAGE, inbox_request.network),
            )
        except DomainError as error:
            db.rollback()
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("Your message has been sent."))
            return redirect(request, thread_url(request, inbox_request) + "#reply")
    context = _thread_context(db, viewer, inbox_request, form)
    return render(request, "inbox/thread.html", context, status_code=422)


def _staff_request(db, viewer: Principal, request_id: int) -> InboxRequest:
    inbox_request = load_request(db, viewer, request_id)
    policy.require(viewer, Action.INBOX_MANAGE, inbox_request.network)
    return inbox_request


@router.post("/requests/{request_id}/assign", name="request_assign")
def request_assign(
    request: Request,
    request_id: int,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[AssignForm], Depends(form_parser(AssignForm))],
) -> Response:
    inbox_request = _staff_request(db, viewer, request_id)
    try:
        assignee = (
            accounts_service.get_user_by_username(db, form.data.assignee)
            if form.ok and form.data.assignee
            else None
        )
        service.assign(db, actor=viewer.user, request=inbox_request, assignee=assignee)
    except DomainError as error:
        db.rollback()
        flash(request, error.message or _("Choose one of the options."), "error")
    else:
        db.commit()
        flash(
            request,
            _("The request has been assigned.")
            if assignee
            else _("The request is assigned to nobody."),
        )
    return redirect(request, thread_url(request, inbox_request))


@router.post("/requests/{request_id}/close", name="request_close")
def request_close(request: Request, request_id: int, db: DbSession, viewer: Viewer) -> Response:
    inbox_request = _staff_request(db, viewer, request_id)
    apply_change(
        request,
        db,
        lambda: service.close(db, actor=viewer.user, request=inbox_request),
        _("The request is closed."),
    )
    return redirect(request, thread_url(request, inbox_request))


@router.post("/requests/{request_id}/reopen", name="request_reopen")
def request_reopen(request: Request, request_id: int, db: DbSession, viewer: Viewer) -> Response:
    inbox_request = _staff_request(db, viewer, request_id)
    apply_change(
        request,
        db,
        lambda: service.reopen(db, actor=viewer.user, request=inbox_request),
        _("The request is open again."),
    )
    return redirect(request, thread_url(request, inbox_request))


@router.post("/requests/{request_id}/decision", name="request_join_decide")
def request_join_decide(
    request: Request,
    request_id: int,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    form: Annotated[FormResult[JoinDecision], Depends(form_parser(JoinDecision))],
) -> Response:
    inbox_request = _staff_request(db, viewer, request_id)
    policy.require(viewer, Action.JOIN_REQUEST_REVIEW, inbox_request.network)
    join_request = inbox_request.join_request
    if not form.ok or join_request is None:
        flash(request, _("Choose to accept or decline the request."), "error")
        return redirect(request, thread_url(request, inbox_request))
    name = join_request.user.display_name
    apply_change(
        request,
        db,
        lambda: service.decide_join(
            db,
            actor=viewer.user,
            request=inbox_request,
            join_request=join_request,
            decision=form.data.decision,
            message=form.data.message,
            network_url=network_url(request, settings, inbox_request.network),
        ),
        _("%(name)s is now a member.", name=name)
        if form.data.decision == JoinStatus.ACCEPTED
        else _("The request of %(name)s has been declined.", name=name),
    )
    return redirect(request, thread_url(request, inbox_request))
