"""The request inbox's service: filing, listing with filters, replies, assignment, closing,
and requests to join decided from the inbox."""

import pytest
from sqlalchemy import select

from app.errors import Conflict, Invalid, RateLimited
from app.inbox import service
from app.inbox.models import RequestKind, RequestStatus
from app.inbox.service import InboxFilter
from app.moderation import log
from app.networks.models import JoinRequest, MembershipMode, Role
from app.networks.models import RequestStatus as JoinStatus
from app.notifications.models import Notification
from app.policy import NetworkSeat, Principal
from tests.factories import NetworkFactory, UserFactory


@pytest.fixture
def world(session):
    network = NetworkFactory(
        slug="reseau", name="Réseau Cyber", membership_mode=MembershipMode.REQUEST
    )
    animator = UserFactory(username="anim", member_of=network, member_of__role=Role.ANIMATOR)
    pilot = UserFactory(username="pilot", member_of=network, member_of__role=Role.PILOT)
    member = UserFactory(username="marc", member_of=network)
    visitor = UserFactory(username="vera", email="vera@example.org")
    return network, animator, pilot, member, visitor


def _principal(user, network=None, role=None):
    return Principal(user=user, seats={network.id: NetworkSeat(role, None)} if role else {})


def _file(session, network, user, kind=RequestKind.QUESTION, subject="Une question", role=None):
    return service.create_request(
        session,
        actor=user,
        principal=_principal(user, network, role),
        network=network,
        kind=kind,
        subject=subject,
        body="Bonjour **équipe**",
    )


def test_filing_a_request_starts_its_thread(session, world):
    network, _animator, _pilot, _member, visitor = world
    request = _file(session, network, visitor)
    assert request.status == RequestStatus.OPEN and request.assigned_to_id is None
    [message] = service.list_messages(session, request)
    assert message.author_id == visitor.id and not message.from_staff
    assert "<strong>équipe</strong>" in message.body_html


def test_a_join_request_from_the_inbox_files_the_foundations_join_request(session, world):
    network, _animator, _pilot, member, visitor = world
    request = _file(session, network, visitor, kind=RequestKind.JOIN)
    assert request.join_request.status == JoinStatus.PENDING
    assert request.join_request.user_id == visitor.id
    with pytest.raises(Conflict):
        _file(session, network, visitor, kind=RequestKind.JOIN)
    with pytest.raises(Invalid) as raised:
        _file(session, network, member, kind=RequestKind.JOIN, role=Role.MEMBER)
    assert raised.value.code == "already_member"


def test_filters_open_mine_closed_and_kind(session, world):
    network, animator, pilot, member, visitor = world
    question = _file(session, network, visitor)
    report = _file(
        session, network, member, kind=RequestKind.REPORT, subject="Signalement", role=Role.MEMBER
    )
    closed = _file(session, network, visitor, subject="Réglée")
    service.assign(session, actor=pilot, request=report, assignee=animator)
    service.close(session, actor=pilot, request=closed)

    def subjects(**filters):
        rows = service.list_requests(session, network=network, viewer=animator, **filters)
        return [row.request.subject for row in rows]

    assert subjects() == [question.subject, report.subject]  # unassigned first
    assert subjects(show=InboxFilter.MINE) == ["Signalement"]
    assert subjects(show=InboxFilter.CLOSED) == ["Réglée"]
    assert subjects(kind=RequestKind.REPORT) == ["Signalement"]
    principal = Principal(user=animator, seats={network.id: NetworkSeat(Role.ANIMATOR, None)})
    assert service.count_waiting_for(session, principal) == 1
    assert service.count_waiting_for(session, _principal(visitor)) == 0
    assert [row.request.subject for row in service.list_sent(session, sender=visitor)] == [
        "Réglée",
        "Une question",
    ]


def test_staff_reply_is_logged_notified_and_mailed(session, world, outbox):
    network, animator, _pilot, _member, visitor = world
    request = _file(session, network, visitor)
    service.reply(session, actor=animator, request=request, body="Voici la réponse", as_staff=True)
    [entry] = session.scalars(log.entries_query(network)).all()
    assert (entry.action, entry.target_kind, entry.target_id) == (
        "request.reply",
        "request",
        request.id,
    )
    notification = session.scalar(select(Notification).where(Notification.user_id == visitor.id))
    assert notification.url == f"/requests/{request.id}"
    [mail] = outbox()
    assert mail.to_address == "vera@example.org" and "Voici la réponse" in mail.body_text
    # The sender's own reply tells nobody by mail and logs nothing.
    service.reply(session, actor=visitor, request=request, body="Merci", as_staff=False)
    assert len(outbox()) == 1
    assert len(session.scalars(log.entries_query(network)).all()) == 1


def test_assign_close_reopen_are_logged(session, world):
    network, animator, pilot, _member, visitor = world
    request = _file(session, network, visitor)
    service.assign(session, actor=pilot, request=request, assignee=animator)
    with pytest.raises(Invalid):
        service.assign(session, actor=pilot, request=request, assignee=visitor)
    service.close(session, actor=pilot, request=request)
    with pytest.raises(Conflict):
        service.close(session, actor=pilot, request=request)
    service.reopen(session, actor=pilot, request=request)
    with pytest.raises(Conflict):
        service.reopen(session, actor=pilot, request=request)
    actions = [e.action for e in session.scalars(log.entries_query(network))]
    assert sorted(actions) == ["request.assign", "request.close", "request.reopen"]


@pytest.mark.parametrize(
    ("decision", "action"),
    [(JoinStatus.ACCEPTED, "join.accept"), (JoinStatus.DECLINED, "join.decline")],
)
def test_deciding_a_join_request_from_the_inbox(session, world, outbox, decision, action):
    network, animator, _pilot, _member, visitor = world
    request = _file(session, network, visitor, kind=RequestKind.JOIN)
    service.decide_join(
        session,
        actor=animator,
        request=request,
        join_request=request.join_request,
        decision=decision,
        message="Un mot",
        network_url="http://testserver/n/reseau",
    )
    assert session.scalar(select(JoinRequest.status)) == decision
    assert request.status == RequestStatus.CLOSED
    assert service.list_messages(session, request)[-1].from_staff
    assert [e.action for e in session.scalars(log.entries_query(network))] == [action]
    assert "Un mot" in outbox()[-1].body_text


def test_a_sender_is_slowed_down_past_the_hourly_limit(session, world):
    network, _animator, _pilot, _member, visitor = world
    for number in range(service.REQUESTS_PER_HOUR):
        _file(session, network, visitor, subject=f"Question {number}")
    with pytest.raises(RateLimited):
        _file(session, network, visitor)
