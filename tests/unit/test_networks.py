"""Network services against a real database: membership, requests, invitations, roles, charter."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import service as accounts_service
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.networks import charter, service
from app.networks.models import (
    ContentVisibility,
    Invitation,
    Membership,
    MembershipMode,
    RequestStatus,
    Role,
)
from app.policy import Action, NetworkSeat, Principal, can
from tests.factories import JoinRequestFactory, NetworkFactory, UserFactory

NETWORK_URL = "http://testserver/n/reseau"
ACCEPT_URL = "http://testserver/invitations"


def role_of(session, network, user) -> Role | None:
    membership = service.get_membership(session, network, user)
    return membership.role if membership else None


def principal(session, user) -> Principal:
    """The principal as the web layer loads it, from the rows."""
    rows = session.execute(
        select(Membership.network_id, Membership.role, Membership.charter_accepted_number).where(
            Membership.user_id == user.id
        )
    )
    return Principal(user=user, seats={row[0]: NetworkSeat(row[1], row[2]) for row in rows})


# --- networks --------------------------------------------------------------------------


def test_create_network_makes_its_pilot_and_renders_the_purpose(session):
    admin = UserFactory(site_admin=True)
    pilot = UserFactory()
    parent = NetworkFactory()
    network = service.create_network(
        session,
        actor=admin,
        name="RSSI Bretagne",
        slug="rssi-bretagne",
        purpose="Les **RSSI** de Bretagne.",
        membership_mode=MembershipMode.OPEN,
        content_visibility=ContentVisibility.PUBLIC,
        pilot=pilot,
        parent=parent,
    )
    session.flush()
    assert service.get_network(session, "rssi-bretagne") == network
    assert network.parent == parent
    assert "<strong>RSSI</strong>" in network.purpose_html
    assert role_of(session, network, pilot) == Role.PILOT
    assert role_of(session, network, admin) is None
    assert service.list_children(session, parent) == [network]


def test_create_network_refuses_a_taken_slug(session):
    admin = UserFactory(site_admin=True)
    NetworkFactory(slug="rssi")
    with pytest.raises(Conflict) as raised:
        service.create_network(
            session,
            actor=admin,
            name="Autre",
            slug="rssi",
            purpose="",
            membership_mode=MembershipMode.OPEN,
            content_visibility=ContentVisibility.PUBLIC,
            pilot=admin,
        )
    assert raised.value.field == "slug"


def test_get_network_unknown_slug(session):
    with pytest.raises(NotFound):
        service.get_network(session, "nowhere")


# --- joining -----------------------------------------------------------------------------


def test_join_an_open_network_once(session):
    network = NetworkFactory(membership_mode=MembershipMode.OPEN)
    user = UserFactory()
    first = service.join_network(session, actor=user, network=network)
    session.flush()
    again = service.join_network(session, actor=user, network=network)
    assert first is again
    assert role_of(session, network, user) == Role.MEMBER
    assert service.count_members(session, network) == 1
    assert service.list_user_networks(session, user) == [network]


def test_request_to_join_twice_is_a_conflict(session):
    network = NetworkFactory()
    user = UserFactory()
    join_request = service.request_to_join(
        session, actor=user, network=network, message="  Bonjour  "
    )
    session.flush()
    assert join_request.message == "Bonjour"
    assert join_request.status == RequestStatus.PENDING
    assert service.get_pending_request(session, network, user) == join_request
    assert service.count_pending_requests(session, network) == 1
    with pytest.raises(Conflict):
        service.request_to_join(session, actor=user, network=network, message="encore")


@pytest.mark.parametrize("decision", [RequestStatus.ACCEPTED, RequestStatus.DECLINED])
def test_decide_join_request(session, outbox, decision):
    network = NetworkFactory(name="Réseau des archivistes")
    animator = UserFactory(
        display_name="Anne Animatrice", member_of=network, member_of__role=Role.ANIMATOR
    )
    person = UserFactory(email="person@example.org")
    join_request = JoinRequestFactory(network=network, user=person)

    service.decide_join_request(
        session,
        actor=animator,
        join_request=join_request,
        decision=decision,
        message="Bienvenue parmi nous",
        network_url=NETWORK_URL,
    )
    session.flush()
    assert join_request.status == decision
    assert join_request.decided_by_id == animator.id
    assert join_request.decided_at is not None
    assert join_request.response_message == "Bienvenue parmi nous"
    expected_role = Role.MEMBER if decision == RequestStatus.ACCEPTED else None
    assert role_of(session, network, person) == expected_role
    assert service.count_pending_requests(session, network) == 0
    assert service.list_join_requests(session, network, status=decision) == [join_request]

    [mail] = outbox()
    assert mail.to_address == "person@example.org"
    assert "Réseau des archivistes" in mail.subject
    assert "Bienvenue parmi nous" in mail.body_text
    assert "Anne Animatrice" in mail.body_text
    assert NETWORK_URL in mail.body_text

    with pytest.raises(Conflict):
        service.decide_join_request(
            session,
            actor=animator,
            join_request=join_request,
            decision=RequestStatus.ACCEPTED,
            message="",
            network_url=NETWORK_URL,
        )
    assert len(outbox()) == 1


def test_a_declined_person_may_ask_again(session):
    network = NetworkFactory()
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    person = UserFactory()
    join_request = JoinRequestFactory(network=network, user=person)
    service.decide_join_request(
        session,
        actor=pilot,
        join_request=join_request,
        decision=RequestStatus.DECLINED,
        message="",
        network_url=NETWORK_URL,
    )
    session.flush()
    assert service.request_to_join(session, actor=person, network=network, message="") is not None


def test_get_join_request_of_another_network_is_not_found(session):
    join_request = JoinRequestFactory()
    other = NetworkFactory()
    with pytest.raises(NotFound):
        service.get_join_request(session, other, join_request.id)
    assert service.get_join_request(session, join_request.network, join_request.id) == join_request


# --- invitations -------------------------------------------------------------------------


def invite(session, network, inviter, email="Invitee@Example.org", max_age_days=14) -> Invitation:
    invitation = service.invite(
        session,
        actor=inviter,
        network=network,
        email=email,
        accept_url=ACCEPT_URL,
        max_age_days=max_age_days,
    )
    session.flush()
    return invitation


def token_from(mail_body: str) -> str:
    link = next(word for word in mail_body.split() if word.startswith(ACCEPT_URL + "/"))
    return link.rsplit("/", 1)[1]


def test_an_invitation_link_works_once(session, outbox):
    network = NetworkFactory(membership_mode=MembershipMode.INVITATION, name="Réseau fermé")
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT, display_name="Paule Pilote")
    invitation = invite(session, network, pilot)
    [mail] = outbox()
    assert mail.to_address == "invitee@example.org"
    assert "Réseau fermé" in mail.subject and "Paule Pilote" in mail.subject
    token = token_from(mail.body_text)
    assert token not in invitation.token_hash  # only its hash is stored
    assert service.list_open_invitations(session, network) == [invitation]
    assert service.get_invitation(session, token) == invitation

    invitee = UserFactory()
    service.accept_invitation(session, actor=invitee, token=token)
    session.flush()
    assert role_of(session, network, invitee) == Role.MEMBER
    assert invitation.accepted_by_id == invitee.id
    assert service.list_open_invitations(session, network) == []

    with pytest.raises(Invalid) as raised:
        service.accept_invitation(session, actor=UserFactory(), token=token)
    assert raised.value.code == "invitation_used"


def test_an_expired_invitation_is_refused(session, outbox):
    network = NetworkFactory()
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    invitation = invite(session, network, pilot)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    session.flush()
    token = token_from(outbox()[0].body_text)
    with pytest.raises(Invalid) as raised:
        service.accept_invitation(session, actor=UserFactory(), token=token)
    assert raised.value.code == "invitation_expired"
    assert service.list_open_invitations(session, network) == []


def test_an_unknown_invitation_is_not_found(session):
    with pytest.raises(NotFound):
        service.get_invitation(session, "no-such-token")


# --- leaving and roles ---------------------------------------------------------------------


def test_the_last_pilot_cannot_leave(session):
    network = NetworkFactory()
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    member = UserFactory(member_of=network)
    with pytest.raises(Conflict):
        service.leave_network(session, actor=pilot, network=network)
    service.leave_network(session, actor=member, network=network)
    session.flush()
    assert role_of(session, network, member) is None
    with pytest.raises(NotFound):
        service.leave_network(session, actor=member, network=network)

    second = UserFactory(member_of=network, member_of__role=Role.PILOT)
    service.leave_network(session, actor=pilot, network=network)
    session.flush()
    assert role_of(session, network, pilot) is None
    assert role_of(session, network, second) == Role.PILOT


def test_set_role_keeps_a_pilot(session):
    network = NetworkFactory()
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    member = UserFactory(member_of=network)
    with pytest.raises(Conflict):
        service.set_role(session, network=network, member=pilot, role=Role.COPILOT)
    assert role_of(session, network, pilot) == Role.PILOT

    service.set_role(session, network=network, member=member, role=Role.PILOT)
    service.set_role(session, network=network, member=pilot, role=Role.ANIMATOR)
    session.flush()
    assert role_of(session, network, pilot) == Role.ANIMATOR
    assert role_of(session, network, member) == Role.PILOT
    staff = service.list_staff(session, network)
    assert staff[Role.PILOT] == [member]
    assert staff[Role.ANIMATOR] == [pilot]

    with pytest.raises(NotFound):
        service.set_role(session, network=network, member=UserFactory(), role=Role.ANIMATOR)


# --- sister networks -----------------------------------------------------------------------


def test_sister_links_are_symmetric_and_never_to_oneself(session):
    first, second, third = NetworkFactory(), NetworkFactory(), NetworkFactory()
    with pytest.raises(Invalid):
        service.link_networks(session, network=first, other=first)
    service.link_networks(session, network=second, other=first)
    service.link_networks(session, network=first, other=second)  # the same link, once
    service.link_networks(session, network=first, other=third)
    session.flush()
    assert set(service.list_linked_networks(session, first)) == {second, third}
    assert service.list_linked_networks(session, second) == [first]
    assert service.list_linked_networks(session, third) == [first]

    service.unlink_networks(session, network=second, other=first)
    session.flush()
    assert service.list_linked_networks(session, first) == [third]
    assert service.list_linked_networks(session, second) == []


# --- charter -------------------------------------------------------------------------------


def test_charter_versions_and_acceptance(session):
    network = NetworkFactory()
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    member = UserFactory(member_of=network)
    assert charter.get_current_charter(session, network) is None
    # No charter yet: members may post.
    assert can(principal(session, member), Action.NETWORK_POST, network)

    first = charter.publish_charter(
        session, actor=pilot, network=network, body="# Charte\n\nRespect.", comment=" v1 "
    )
    session.flush()
    assert (first.number, network.charter_number, first.comment) == (1, 1, "v1")
    assert "<h3>Charte</h3>" in first.body_html
    assert can(principal(session, pilot), Action.NETWORK_POST, network)  # the publisher accepted it
    assert not can(principal(session, member), Action.NETWORK_POST, network)

    charter.accept_charter(session, actor=member, network=network)
    session.flush()
    assert can(principal(session, member), Action.NETWORK_POST, network)

    with pytest.raises(Conflict) as raised:
        charter.publish_charter(
            session, actor=pilot, network=network, body="# Charte\n\nRespect.  \n", comment=""
        )
    assert raised.value.field == "body"
    assert network.charter_number == 1

    second = charter.publish_charter(
        session, actor=pilot, network=network, body="# Charte\n\nRespect et entraide.", comment=""
    )
    session.flush()
    assert second.number == 2
    assert charter.get_current_charter(session, network) == second
    assert [v.number for v in charter.list_charter_versions(session, network)] == [2, 1]
    assert charter.get_charter_version(session, network, 1).body == "# Charte\n\nRespect."
    assert not can(principal(session, member), Action.NETWORK_POST, network)
    assert can(principal(session, pilot), Action.NETWORK_POST, network)
    with pytest.raises(NotFound):
        charter.get_charter_version(session, network, 3)


def test_accept_charter_needs_a_membership(session):
    network = NetworkFactory()
    with pytest.raises(NotFound):
        charter.accept_charter(session, actor=UserFactory(), network=network)


def test_publishing_renders_markdown_safely(session):
    network = NetworkFactory()
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    version = charter.publish_charter(
        session,
        actor=pilot,
        network=network,
        body="<script>alert(1)</script> [x](javascript:alert(1))",
        comment="",
    )
    assert "<script>" not in version.body_html
    assert 'href="javascript' not in version.body_html


# --- directory -----------------------------------------------------------------------------


def set_profile(session, user, *, skills="", region="", trade="", organisation=""):
    accounts_service.update_profile(
        session,
        actor=user,
        display_name=user.display_name,
        trade=trade,
        organisation=organisation,
        region=region,
        bio="",
        skills=accounts_service.parse_skills(skills),
        locale=None,
    )


def test_directory_filters(session):
    network = NetworkFactory()
    other_network = NetworkFactory()
    odile = UserFactory(display_name="Odile Perrin", member_of=network)
    paul = UserFactory(display_name="Paul Roux", member_of=network)
    zoe = UserFactory(display_name="Zoé Blanc", member_of=network)
    outsider = UserFactory(display_name="Omar Dehors", member_of=other_network)
    set_profile(session, odile, skills="Sécurité réseau, PKI", region="Bretagne", trade="RSSI")
    set_profile(
        session, paul, skills="securite reseau", region="Normandie", organisation="Mairie de Caen"
    )
    set_profile(session, zoe, skills="Archives", region="bretagne")
    set_profile(session, outsider, skills="Sécurité réseau", region="Bretagne")
    session.flush()

    def names(**filters):
        return [m.user.display_name for m in service.list_members(session, network, **filters)]

    assert names() == ["Odile Perrin", "Paul Roux", "Zoé Blanc"]
    assert names(skill="SECURITE RÉSEAU") == ["Odile Perrin", "Paul Roux"]
    assert names(skill="pki") == ["Odile Perrin"]
    assert names(skill="unknown") == []
    assert names(region="Bretagne") == ["Odile Perrin", "Zoé Blanc"]
    assert names(region="bretagne", skill="sécurité réseau") == ["Odile Perrin"]
    assert names(text="rssi") == ["Odile Perrin"]
    assert names(text="caen") == ["Paul Roux"]
    assert names(text="zoé") == ["Zoé Blanc"]
    assert names(text="perrin", region="Normandie") == []

    skills, regions = service.list_directory_facets(session, network)
    assert {skill.name for skill in skills} == {"securite reseau", "pki", "archives"}
    assert {"Bretagne", "Normandie"} <= set(regions)
