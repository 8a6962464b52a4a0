"""The request inbox: people write to a network's staff; staff reply, assign, close.

A request to join a network that takes requests also files the foundation's
JoinRequest, and deciding it here uses the networks service, so the inbox is the
one place staff handle join requests. Staff actions write the moderation log and
tell the sender in the caller's transaction; nothing here commits.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound, RateLimited
from app.i18n import _
from app.inbox.models import InboxMessage, InboxRequest, RequestKind, RequestStatus
from app.markup import render_markdown
from app.moderation import log
from app.networks import service as networks_service
from app.networks.models import STAFF_ROLES, Membership, MembershipMode, Network
from app.networks.models import RequestStatus as JoinStatus
from app.notifications import service as notifications_service
from app.notifications.service import NotificationKind
from app.policy import Principal

SUBJECT_MAX = 200
BODY_MAX = 10_000
PAGE_SIZE = 50
# Anyone signed in may write to any network: enough for people, too few for a spammer.
REQUESTS_PER_HOUR = 10


class InboxFilter:
    OPEN = "open"
    MINE = "mine"
    CLOSED = "closed"
    ALL = (OPEN, MINE, CLOSED)


def thread_path(request: InboxRequest) -> str:
    return f"/requests/{request.id}"


# --- reading ---------------------------------------------------------------------------


def get_request(session: Session, request_id: int) -> InboxRequest:
    """A request with its network; the policy (request:read) decides who sees it."""
    found = session.get(InboxRequest, request_id, options=[joinedload(InboxRequest.network)])
    if found is None:
        raise NotFound()
    return found


def get_request_for_join(session: Session, join_request_id: int) -> InboxRequest | None:
    return session.scalar(
        select(InboxRequest).where(InboxRequest.join_request_id == join_request_id)
    )


@dataclass(frozen=True)
class RequestRow:
    request: InboxRequest
    message_count: int


def _rows(session: Session, query) -> list[RequestRow]:
    counts = (
        select(InboxMessage.request_id, func.count().label("n"))
        .group_by(InboxMessage.request_id)
        .subquery()
    )
    query = (
        query.add_columns(func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.request_id == InboxRequest.id)
        .options(
            joinedload(InboxRequest.sender),
            joinedload(InboxRequest.assigned_to),
            joinedload(InboxRequest.network),
        )
    )
    return [RequestRow(request, count) for request, count in session.execute(query)]


def list_requests(
    session: Session,
    *,
    network: Network,
    viewer: User,
    show: str = InboxFilter.OPEN,
    kind: RequestKind | None = None,
    limit: int = PAGE_SIZE,
) -> list[RequestRow]:
    """The network's inbox: open (unassigned first), assigned to `viewer`, or closed."""
    query = select(InboxRequest).where(InboxRequest.network_id == network.id)
    if show == InboxFilter.CLOSED:
        query = query.where(InboxRequest.status == RequestStatus.CLOSED)
        order = (InboxRequest.closed_at.desc(), InboxRequest.id.desc())
    else:
        query = query.where(InboxRequest.status == RequestStatus.OPEN)
        if show == InboxFilter.MINE:
            query = query.where(InboxRequest.assigned_to_id == viewer.id)
        order = (
            InboxRequest.assigned_to_id.is_not(None),
            InboxRequest.last_message_at.desc(),
            InboxRequest.id.desc(),
        )
    if kind is not None:
        query = query.where(InboxRequest.kind == kind)
    return _rows(session, query.order_by(*order).limit(limit))


def list_sent(session: Session, *, sender: User, limit: int = PAGE_SIZE) -> list[RequestRow]:
    """The requests `sender` wrote, to any network, latest activity first."""
    query = (
        select(InboxRequest)
        .where(InboxRequest.sender_id == sender.id)
        .order_by(InboxRequest.last_message_at.desc(), InboxRequest.id.desc())
        .limit(limit)
    )
    return _rows(session, query)


def list_messages(session: Session, request: InboxRequest) -> list[InboxMessage]:
    return list(
        session.scalars(
            select(InboxMessage)
            .where(InboxMessage.request_id == request.id)
            .options(joinedload(InboxMessage.author))
            .order_by(InboxMessage.id)
        )
    )


def count_waiting(session: Session, network_ids: Iterable[int]) -> int:
    """Open requests nobody took yet, in these networks (one COUNT)."""
    return session.scalar(
        select(func.count())
        .select_from(InboxRequest)
        .where(
            InboxRequest.network_id.in_(list(network_ids)),
            InboxRequest.status == RequestStatus.OPEN,
            InboxRequest.assigned_to_id.is_(None),
        )
    )


def count_waiting_for(session: Session, principal: Principal) -> int:
    """Open, unassigned requests in the networks where `principal` holds a staff seat: the
    header's badge. No query for people without a staff seat (most of them)."""
    network_ids = [nid for nid, seat in principal.seats.items() if seat.role in STAFF_ROLES]
    return count_waiting(session, network_ids) if network_ids else 0


def list_assignable(session: Session, network: Network) -> list[User]:
    """The network's staff, to whom a request may be assigned."""
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.network_id == network.id, Membership.role.in_(STAFF_ROLES))
            .order_by(User.display_name)
        )
    )


# --- writing ---------------------------------------------------------------------------


def _clean(subject: str | None, body: str) -> tuple[str, str]:
    body = body.strip()
    if not body:
        raise Invalid(_("This field is required."), field="body")
    if len(body) > BODY_MAX:
        raise Invalid(_("At most %(n)s characters.", n=BODY_MAX), field="body")
    if subject is None:
        return "", body
    subject = subject.strip()
    if not subject:
        raise Invalid(_("This field is required."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise Invalid(_("At most %(n)s characters.", n=SUBJECT_MAX), field="subject")
    return subject, body


def _add_message(
    session: Session, request: InboxRequest, *, author: User, body: str, from_staff: bool, now
):
    message = InboxMessage(
        request=request,
        author_id=author.id,
        from_staff=from_staff,
        body=body,
        body_html=render_markdown(body),
        created_at=now,
    )
    session.add(message)
    request.last_message_at = now
    return message


def _log(
    session: Session, request: InboxRequest, actor: User, action: str, reason: str = "", **details
):
    log.record(
        session,
        network=request.network,
        actor=actor,
        action=action,
        target_kind="request",
        target_id=request.id,
        target_label=request.subject,
        reason=reason,
        details={"kind": request.kind.value, **details},
    )


def _tell_sender(
    session: Session, request: InboxRequest, *, actor: User, title: str, body: str, mail: bool
):
    notification = notifications_service.notify(
        session,
        recipient_id=request.sender_id,
        kind=NotificationKind.MODERATION,
        actor_id=actor.id,
        network_id=request.network_id,
        title=title,
        excerpt=body,
        url=thread_path(request),
    )
    if not mail:
        return
    if notification is not None:
        notification.mail_pending = False  # mailed below, not again by the mail job
    sender = request.sender
    notifications_service.queue_mail(
        session,
        to_address=sender.email,
        subject=title,
        body_text=_("Hello %(name)s,", name=sender.display_name)
        + f"\n\n{body}\n\n"
        + _("Read the whole thread and answer: %(path)s", path=thread_path(request))
        + "\n",
    )


def _check_rate(session: Session, actor: User, now: datetime) -> None:
    sent = session.scalar(
        select(func.count())
        .select_from(InboxRequest)
        .where(
            InboxRequest.sender_id == actor.id, InboxRequest.created_at > now - timedelta(hours=1)
        )
    )
    if sent >= REQUESTS_PER_HOUR:
        raise RateLimited(_("You sent many requests in the last hour. Please wait a little."))


def create_request(
    session: Session,
    *,
    actor: User,
    principal: Principal,
    network: Network,
    kind: RequestKind,
    subject: str,
    body: str,
    now: datetime | None = None,
) -> InboxRequest:
    """File a request from `actor` to the staff of `network`; RateLimited past
    REQUESTS_PER_HOUR.

    A request to join a network that takes requests also files a JoinRequest (Conflict
    when one is waiting); a member cannot ask to join (Invalid). Flushes for the id.
    """
    now = now or utcnow()
    subject, body = _clean(subject, body)
    _check_rate(session, actor, now)
    join_request = None
    if kind == RequestKind.JOIN:
        if network.id in principal.seats:
            raise Invalid(
                _("You are already a member of this network."), code="already_member", field="kind"
            )
        if (
            network.membership_mode == MembershipMode.REQUEST
            and network.id not in principal.suspended_from
        ):
            join_request = networks_service.request_to_join(
                session, actor=actor, network=network, message=body
            )
    request = InboxRequest(
        network_id=network.id,
        network=network,
        sender_id=actor.id,
        sender=actor,
        kind=kind,
        subject=subject,
        join_request=join_request,
        created_at=now,
    )
    session.add(request)
    _add_message(session, request, author=actor, body=body, from_staff=False, now=now)
    session.flush()
    return request


def file_join_request(
    session: Session, *, actor: User, network: Network, message: str, now: datetime | None = None
) -> InboxRequest:
    """The network page's "ask to join" form: a JoinRequest and its inbox request.

    Raises Conflict when a request is already waiting (networks service)."""
    now = now or utcnow()
    join_request = networks_service.request_to_join(
        session, actor=actor, network=network, message=message
    )
    request = InboxRequest(
        network_id=network.id,
        network=network,
        sender_id=actor.id,
        sender=actor,
        kind=RequestKind.JOIN,
        subject=_("Request to join %(network)s", network=network.name),
        join_request=join_request,
        created_at=now,
    )
    session.add(request)
    body = message.strip() or _("(No message.)")
    _add_message(session, request, author=actor, body=body, from_staff=False, now=now)
    return request


def reply(
    session: Session,
    *,
    actor: User,
    request: InboxRequest,
    body: str,
    as_staff: bool,
    now: datetime | None = None,
) -> InboxMessage:
    """Add a message to the thread. Staff replies are logged and sent to the sender
    (notification and mail); a sender's reply may only go to an open request (the policy),
    and tells the assignee if there is one."""
    now = now or utcnow()
    _subject, body = _clean(None, body)
    message = _add_message(session, request, author=actor, body=body, from_staff=as_staff, now=now)
    if as_staff and actor.id != request.sender_id:
        _log(session, request, actor, "request.reply")
        _tell_sender(
            session,
            request,
            actor=actor,
            title=_(
                "%(network)s answered: %(subject)s",
                network=request.network.name,
                subject=request.subject,
            ),
            body=body,
            mail=True,
        )
    elif request.assigned_to_id is not None:
        notifications_service.notify(
            session,
            recipient_id=request.assigned_to_id,
            kind=NotificationKind.MODERATION,
            actor_id=actor.id,
            network_id=request.network_id,
            title=_("New message: %(subject)s", subject=request.subject),
            excerpt=body,
            url=thread_path(request),
        )
    return message


def assign(
    session: Session, *, actor: User, request: InboxRequest, assignee: User | None
) -> InboxRequest:
    """Give the request to one of the network's staff (None: to nobody). Invalid for anyone else."""
    if assignee is not None and assignee not in list_assignable(session, request.network):
        raise Invalid(
            _("Only a member of the network's staff can take a request."),
            code="not_staff",
            field="assignee",
        )
    request.assigned_to_id = assignee.id if assignee else None
    request.assigned_to = assignee
    _log(
        session, request, actor, "request.assign", assignee=assignee.username if assignee else None
    )
    if assignee is not None and assignee.id != actor.id:
        notifications_service.notify(
            session,
            recipient_id=assignee.id,
            kind=NotificationKind.MODERATION,
            actor_id=actor.id,
            network_id=request.network_id,
            title=_("A request was assigned to you: %(subject)s", subject=request.subject),
            url=thread_path(request),
        )
    return request


def close(
    session: Session, *, actor: User, request: InboxRequest, now: datetime | None = None
) -> InboxRequest:
    """Close an open request (Conflict otherwise); the sender is told in the app."""
    if request.status == RequestStatus.CLOSED:
        raise Conflict(_("This request is already closed."), code="request_closed")
    request.status = RequestStatus.CLOSED
    request.closed_at = now or utcnow()
    _log(session, request, actor, "request.close")
    _tell_sender(
        session,
        request,
        actor=actor,
        title=_("Your request is closed: %(subject)s", subject=request.subject),
        body="",
        mail=False,
    )
    return request


def reopen(session: Session, *, actor: User, request: InboxRequest) -> InboxRequest:
    """Reopen a closed request (Conflict otherwise)."""
    if request.status == RequestStatus.OPEN:
        raise Conflict(_("This request is already open."), code="request_open")
    request.status = RequestStatus.OPEN
    request.closed_at = None
    _log(session, request, actor, "request.reopen")
    return request


def decide_join(
    session: Session,
    *,
    actor: User,
    request: InboxRequest | None,
    join_request,
    decision: JoinStatus,
    message: str,
    network_url: str,
    now: datetime | None = None,
) -> None:
    """Accept or decline a join request (networks service: the member is added, the person
    mailed), log it, and close its inbox request with the message in the thread.

    `request` may be None for a join request filed before the inbox existed."""
    now = now or utcnow()
    networks_service.decide_join_request(
        session,
        actor=actor,
        join_request=join_request,
        decision=decision,
        message=message,
        network_url=network_url,
    )
    action = "join.accept" if decision == JoinStatus.ACCEPTED else "join.decline"
    log.record(
        session,
        network=join_request.network,
        actor=actor,
        action=action,
        target_kind="user",
        target_id=join_request.user_id,
        target_label=join_request.user.display_name,
        reason=message.strip(),
        details={"join_request_id": join_request.id, "request_id": request.id if request else None},
    )
    if request is None:
        return
    verdict = _("Request accepted.") if decision == JoinStatus.ACCEPTED else _("Request declined.")
    body = verdict + (f"\n\n{message.strip()}" if message.strip() else "")
    _add_message(session, request, author=actor, body=body, from_staff=True, now=now)
    if request.status == RequestStatus.OPEN:
        request.status = RequestStatus.CLOSED
        request.closed_at = now
