"""Network pages through HTTP: creation, the network page, joining, requests, invitations,
roles, the charter, the directory and settings, and what outsiders may not see."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.accounts import service as accounts_service
from app.networks import charter, service
from app.networks.models import (
    ContentVisibility,
    JoinRequest,
    Membership,
    MembershipMode,
    Network,
    RequestStatus,
    Role,
)
from app.inbox.models import InboxRequest
from tests.factories import JoinRequestFactory, NetworkFactory, UserFactory


@pytest.fixture(autouse=True)
def english(settings):
    settings.language = "en"


def main_of(page) -> str:
    """The page without its header (where the signed-in person's name is) and flashes."""
    main = page.text.split("<main", 1)[-1]
    if 'class="flashes"' in main:
        main = main.split("</div>", 1)[1]
    return main


def role_of(session, network, user) -> Role | None:
    session.expire_all()
    membership = service.get_membership(session, network, user)
    return membership.role if membership else None


def network_data(**overrides) -> dict:
    return {
        "name": "RSSI de Bretagne",
        "slug": "rssi-bretagne",
        "purpose": "Les **RSSI** des services publics bretons.",
        "membership_mode": "request",
        "content_visibility": "members",
        "parent_slug": "",
        "pilot_username": "paule",
    } | overrides


# --- creating networks -------------------------------------------------------------------


def test_site_admin_creates_a_network(client, session):
    client.login(UserFactory(site_admin=True))
    pilot = UserFactory(username="paule", display_name="Paule Pilote")
    parent = NetworkFactory(slug="rssi-france", name="RSSI de France")
    assert client.get("/networks/new").status_code == 200

    response = client.post_form("/networks", network_data(parent_slug="rssi-france"))
    assert response.status_code == 303
    assert response.headers["location"] == "/n/rssi-bretagne"
    network = service.get_network(session, "rssi-bretagne")
    assert network.parent_id == parent.id
    assert network.membership_mode == MembershipMode.REQUEST
    assert role_of(session, network, pilot) == Role.PILOT
    page = client.get("/n/rssi-bretagne")
    assert "<strong>RSSI</strong>" in page.text
    assert "Paule Pilote" in page.text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"slug": "bad--slug"}, "slug"),
        ({"slug": "-bad"}, "slug"),
        ({"slug": "a"}, "slug"),
        ({"slug": "taken"}, "slug"),
        ({"name": "  "}, "name"),
        ({"pilot_username": "nobody"}, "pilot_username"),
        ({"parent_slug": "nowhere"}, "parent_slug"),
        ({"membership_mode": "everyone"}, "membership_mode"),
        ({"purpose": "x" * 5001}, "purpose"),
    ],
)
def test_network_creation_errors_are_422_and_write_nothing(client, session, overrides, field):
    client.login(UserFactory(site_admin=True))
    UserFactory(username="paule")
    NetworkFactory(slug="taken")
    before = session.scalar(select(func.count()).select_from(Network))
    response = client.post_form("/networks", network_data(**overrides))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Network)) == before


def test_only_site_admins_create_networks(client, session):
    UserFactory(username="paule")
    network = NetworkFactory()
    assert (
        client.get("/networks/new", follow_redirects=False).headers["location"]
        == "/login?next=/networks/new"
    )
    assert client.post_form("/networks", network_data()).status_code == 401
    client.login(UserFactory(member_of=network, member_of__role=Role.PILOT))
    assert client.get("/networks/new").status_code == 403
    assert client.post_form("/networks", network_data()).status_code == 403
    assert "Create a network" not in client.get("/").text
    session.expire_all()
    assert session.scalar(select(Network).where(Network.slug == "rssi-bretagne")) is None


# --- the network page ----------------------------------------------------------------------


@pytest.fixture
def rich_network(session):
    """A members-only network with staff, a charter, a parent, a child and a sister."""
    parent = NetworkFactory(name="Réseau national", slug="national")
    network = NetworkFactory(
        name="Réseau régional", slug="regional", parent=parent, purpose_html="<p>Entraide.</p>"
    )
    NetworkFactory(name="Réseau local", slug="local", parent=network)
    sister = NetworkFactory(name="Réseau voisin", slug="voisin")
    service.link_networks(session, network=network, other=sister)
    pilot = UserFactory(display_name="Paule Pilote", member_of=network, member_of__role=Role.PILOT)
    copilot = UserFactory(
        display_name="Cyril Copilote", member_of=network, member_of__role=Role.COPILOT
    )
    animator = UserFactory(
        display_name="Anne Animatrice", member_of=network, member_of__role=Role.ANIMATOR
    )
    member = UserFactory(display_name="Marc Membre", member_of=network)
    charter.publish_charter(
        session, actor=pilot, network=network, body="Nous **respectons** chacun.", comment=""
    )
    session.flush()
    return {
        "network": network,
        "pilot": pilot,
        "copilot": copilot,
        "animator": animator,
        "member": member,
    }


@pytest.mark.parametrize("viewer", ["anonymous", "outsider", "member", "pilot"])
def test_network_page_shows_purpose_charter_staff_and_links(client, session, rich_network, viewer):
    if viewer == "outsider":
        client.login(UserFactory())
    elif viewer != "anonymous":
        client.login(rich_network[viewer])
    page = client.get("/n/regional")
    assert page.status_code == 200
    text = main_of(page)
    assert "Entraide." in text
    assert "Nous <strong>respectons</strong> chacun." in text
    for name in ("Paule Pilote", "Cyril Copilote", "Anne Animatrice"):
        assert name in text
    assert "Marc Membre" not in text  # plain members are listed only in the directory
    for slug in ("/n/national", "/n/local", "/n/voisin"):
        assert f'{slug}"' in text
    is_staff = viewer == "pilot"
    assert ('/n/regional/settings"' in text) is is_staff
    assert ('/n/regional/inbox"' in text) is is_staff
    assert ('/n/regional/members"' in text) is (viewer in ("member", "pilot"))
    assert ("Ask to join" in text) is (viewer == "outsider")
    assert ("Sign in to join" in text) is (viewer == "anonymous")


def test_unknown_network_is_404(client):
    assert client.get("/n/nowhere").status_code == 404


# --- joining -----------------------------------------------------------------------------


def test_join_an_open_network(client, session):
    network = NetworkFactory(slug="ouvert", membership_mode=MembershipMode.OPEN)
    user = UserFactory()
    client.login(user)
    assert "Join the network" in client.get("/n/ouvert").text
    response = client.post_form("/n/ouvert/join")
    assert response.status_code == 303
    assert role_of(session, network, user) == Role.MEMBER
    page = client.get("/n/ouvert")
    assert "You are a member" in page.text
    assert client.post_form("/n/ouvert/join").status_code == 403  # already a member


@pytest.mark.parametrize("mode", [MembershipMode.REQUEST, MembershipMode.INVITATION])
def test_joining_directly_needs_an_open_network(client, session, mode):
    network = NetworkFactory(slug="ferme", membership_mode=mode)
    user = UserFactory()
    client.login(user)
    assert client.post_form("/n/ferme/join").status_code == 403
    assert role_of(session, network, user) is None


def test_request_accept_with_a_message(client, make_client, session, outbox):
    network = NetworkFactory(slug="sur-demande", name="Réseau sur demande")
    animator = UserFactory(
        member_of=network, member_of__role=Role.ANIMATOR, display_name="Anne Animatrice"
    )
    person = UserFactory(display_name="Pierre Postulant", email="pierre@example.org")
    client.login(person)
    response = client.post_form("/n/sur-demande/request", {"message": "Je suis RSSI à Rennes."})
    assert response.status_code == 303
    assert "Your request to join is waiting for an answer." in client.get("/n/sur-demande").text
    again = client.post_form("/n/sur-demande/request", {"message": "Encore"})
    assert again.status_code == 422
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(JoinRequest)) == 1

    staff = make_client()
    staff.login(animator)
    network_page = staff.get("/n/sur-demande")
    assert '<span class="badge">1</span>' in network_page.text
    # The old requests page leads to the inbox, filtered on requests to join.
    moved = staff.get("/n/sur-demande/requests", follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == "/n/sur-demande/inbox?kind=join"
    inbox = staff.get(moved.headers["location"])
    assert "Pierre Postulant" in inbox.text
    [inbox_request] = session.scalars(select(InboxRequest)).all()
    thread = staff.get(f"/requests/{inbox_request.id}")
    assert "Je suis RSSI à Rennes." in thread.text
    join_request = session.scalar(select(JoinRequest))

    decided = staff.post_form(
        f"/requests/{inbox_request.id}/decision",
        {"decision": "accepted", "message": "Bienvenue Pierre !"},
    )
    assert decided.status_code == 303
    assert role_of(session, network, person) == Role.MEMBER
    [mail] = outbox()
    assert mail.to_address == "pierre@example.org"
    assert "Bienvenue Pierre !" in mail.body_text
    assert "http://testserver/n/sur-demande" in mail.body_text
    assert "No request here." in staff.get("/n/sur-demande/inbox?kind=join").text
    closed = staff.get("/n/sur-demande/inbox?show=closed").text
    assert "Pierre Postulant" in closed
    assert "Request accepted." in staff.get(f"/requests/{inbox_request.id}").text

    twice = staff.post_form(f"/n/sur-demande/requests/{join_request.id}", {"decision": "declined"})
    assert twice.status_code == 409
    assert role_of(session, network, person) == Role.MEMBER
    assert len(outbox()) == 1
    assert "You are a member" in client.get("/n/sur-demande").text


def test_request_decline(client, session, outbox):
    network = NetworkFactory(slug="sur-demande")
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    join_request = JoinRequestFactory(network=network, user=UserFactory(email="pierre@example.org"))
    client.login(pilot)
    response = client.post_form(
        f"/n/sur-demande/requests/{join_request.id}",
        {"decision": "declined", "message": "Réservé aux RSSI."},
    )
    assert response.status_code == 303
    session.expire_all()
    assert session.get(JoinRequest, join_request.id).status == RequestStatus.DECLINED
    assert role_of(session, network, join_request.user) is None
    [mail] = outbox()
    assert mail.to_address == "pierre@example.org"
    assert "Réservé aux RSSI." in mail.body_text


def test_a_decision_needs_a_choice(client, session, outbox):
    network = NetworkFactory(slug="sur-demande")
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    join_request = JoinRequestFactory(network=network)
    client.login(pilot)
    for decision in ("", "pending", "maybe"):
        client.post_form(f"/n/sur-demande/requests/{join_request.id}", {"decision": decision})
    session.expire_all()
    assert session.get(JoinRequest, join_request.id).status == RequestStatus.PENDING
    assert outbox() == []


def test_a_plain_member_cannot_decide_requests(client, session):
    network = NetworkFactory(slug="sur-demande")
    member = UserFactory(member_of=network)
    join_request = JoinRequestFactory(network=network)
    client.login(member)
    assert client.get("/n/sur-demande/requests").status_code == 403
    response = client.post_form(
        f"/n/sur-demande/requests/{join_request.id}", {"decision": "accepted"}
    )
    assert response.status_code == 403
    assert role_of(session, network, join_request.user) is None


def test_leave_a_network_but_not_as_its_last_pilot(client, session):
    network = NetworkFactory(slug="reseau")
    pilot = UserFactory(member_of=network, member_of__role=Role.PILOT)
    member = UserFactory(member_of=network)
    client.login(member)
    assert client.post_form("/n/reseau/leave").status_code == 303
    assert role_of(session, network, member) is None
    assert client.post_form("/n/reseau/leave").status_code == 403

    client.login(pilot)
    assert client.post_form("/n/reseau/leave").status_code == 409
    assert role_of(session, network, pilot) == Role.PILOT


# --- invitations -------------------------------------------------------------------------


def invitation_path(outbox, settings) -> str:
    body = outbox()[-1].body_text
    link = next(
        word for word in body.split() if word.startswith(settings.base_url + "/invitations/")
    )
    return urlsplit(link).path


def test_invitation_by_email(client, make_client, session, settings, outbox):
    network = NetworkFactory(
        slug="sur-invitation", name="Réseau fermé", membership_mode=MembershipMode.INVITATION
    )
    animator = UserFactory(member_of=network, member_of__role=Role.ANIMATOR)
    client.login(animator)
    assert client.get("/n/sur-invitation/invitations").status_code == 200
    bad = client.post_form("/n/sur-invitation/invitations", {"email": "not an address"})
    assert bad.status_code == 422
    assert 'id="email-error"' in bad.text
    assert outbox() == []

    response = client.post_form("/n/sur-invitation/invitations", {"email": "Invitee@Example.org"})
    assert response.status_code == 303
    [mail] = outbox()
    assert mail.to_address == "invitee@example.org"
    path = invitation_path(outbox, settings)
    assert "invitee@example.org" in client.get("/n/sur-invitation/invitations").text

    anonymous = make_client()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert "You are invited to Réseau fermé" in page.text
    assert anonymous.post_form(path).status_code == 401

    invitee = UserFactory(email="someone-else@example.org")
    browser = make_client()
    browser.login(invitee)
    accepted = browser.post_form(path)
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/n/sur-invitation"
    assert role_of(session, network, invitee) == Role.MEMBER
    assert "invitee@example.org" not in client.get("/n/sur-invitation/invitations").text

    latecomer = make_client()
    latecomer.login(UserFactory())
    reused = latecomer.post_form(path)
    assert reused.status_code == 422
    assert "This invitation has already been used." in reused.text
    assert latecomer.get(path).status_code == 422
    assert make_client().get("/invitations/unknown-token").status_code == 404


def test_a_plain_member_cannot_invite(client, session, outbox):
    network = NetworkFactory(slug="reseau")
    client.login(UserFactory(member_of=network))
    assert client.get("/n/reseau/invitations").status_code == 403
    assert client.post_form("/n/reseau/invitations", {"email": "x@example.org"}).status_code == 403
    assert outbox() == []


# --- roles -------------------------------------------------------------------------------


@pytest.fixture
def crew(session):
    network = NetworkFactory(slug="equipage")
    return {
        "network": network,
        "pilot": UserFactory(username="pilote", member_of=network, member_of__role=Role.PILOT),
        "copilot": UserFactory(
            username="copilote", member_of=network, member_of__role=Role.COPILOT
        ),
        "animator": UserFactory(
            username="animateur", member_of=network, member_of__role=Role.ANIMATOR
        ),
        "member": UserFactory(username="membre", member_of=network),
    }


def set_role(client, username, role):
    return client.post_form(f"/n/equipage/members/{username}/role", {"role": role})


def test_pilot_names_an_animator_and_a_copilot(client, session, crew):
    client.login(crew["pilot"])
    assert set_role(client, "membre", "animator").status_code == 303
    assert role_of(session, crew["network"], crew["member"]) == Role.ANIMATOR
    assert set_role(client, "membre", "copilot").status_code == 303
    assert role_of(session, crew["network"], crew["member"]) == Role.COPILOT
    assert set_role(client, "membre", "pilot").status_code == 303
    assert role_of(session, crew["network"], crew["member"]) == Role.PILOT


def test_copilot_names_animators_but_not_pilots(client, session, crew):
    client.login(crew["copilot"])
    assert set_role(client, "membre", "animator").status_code == 303
    assert role_of(session, crew["network"], crew["member"]) == Role.ANIMATOR
    assert set_role(client, "animateur", "copilot").status_code == 303
    assert role_of(session, crew["network"], crew["animator"]) == Role.COPILOT
    assert set_role(client, "membre", "pilot").status_code == 403
    assert role_of(session, crew["network"], crew["member"]) == Role.ANIMATOR
    assert set_role(client, "pilote", "member").status_code == 403
    assert role_of(session, crew["network"], crew["pilot"]) == Role.PILOT


def test_animators_and_members_cannot_change_roles(client, session, crew):
    for who in ("animator", "member"):
        client.login(crew[who])
        assert set_role(client, "membre", "copilot").status_code == 403
    assert role_of(session, crew["network"], crew["member"]) == Role.MEMBER


def test_the_last_pilot_stays(client, session, crew):
    client.login(crew["pilot"])
    response = set_role(client, "pilote", "member")
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "A network always keeps a pilot" in page.text
    assert role_of(session, crew["network"], crew["pilot"]) == Role.PILOT


def test_role_changes_refuse_bad_input(client, session, crew):
    client.login(crew["pilot"])
    assert set_role(client, "membre", "emperor").status_code == 303
    assert role_of(session, crew["network"], crew["member"]) == Role.MEMBER
    assert set_role(client, UserFactory(username="dehors").username, "animator").status_code == 404
    assert set_role(client, "nobody", "animator").status_code == 404


# --- charter -----------------------------------------------------------------------------


def test_charter_publish_then_members_accept_again(client, make_client, session, crew):
    network = crew["network"]
    pilot_browser = client
    pilot_browser.login(crew["pilot"])
    assert pilot_browser.get("/n/equipage/charter/edit").status_code == 200
    first = pilot_browser.post_form(
        "/n/equipage/charter/edit", {"body": "Première *charte*.", "comment": "Début"}
    )
    assert first.status_code == 303
    assert first.headers["location"] == "/n/equipage/charter"

    member_browser = make_client()
    member_browser.login(crew["member"])
    home = member_browser.get("/n/equipage")
    assert "Please read and accept the charter" in home.text
    charter_page = member_browser.get("/n/equipage/charter")
    assert "Première <em>charte</em>." in charter_page.text
    assert "/n/equipage/charter/accept" in charter_page.text
    assert member_browser.post_form("/n/equipage/charter/accept").status_code == 303
    assert "Please read and accept the charter" not in member_browser.get("/n/equipage").text
    assert "You accepted this version" in member_browser.get("/n/equipage/charter").text

    same = pilot_browser.post_form(
        "/n/equipage/charter/edit", {"body": "Première *charte*.", "comment": ""}
    )
    assert same.status_code == 422
    assert 'id="body-error"' in same.text
    empty = pilot_browser.post_form("/n/equipage/charter/edit", {"body": "", "comment": ""})
    assert empty.status_code == 422

    second = pilot_browser.post_form(
        "/n/equipage/charter/edit", {"body": "Deuxième charte.", "comment": "Plus court"}
    )
    assert second.status_code == 303
    session.expire_all()
    assert session.get(Network, network.id).charter_number == 2
    assert (
        "The charter has changed since you accepted it." in member_browser.get("/n/equipage").text
    )
    assert "Please read and accept the charter" not in pilot_browser.get("/n/equipage").text

    history = member_browser.get("/n/equipage/charter")
    assert "Deuxième charte." in history.text
    assert '/n/equipage/charter/v/1"' in history.text and '/n/equipage/charter/v/2"' in history.text
    assert "Plus court" in history.text and "Début" in history.text
    old = member_browser.get("/n/equipage/charter/v/1")
    assert old.status_code == 200
    assert "Première <em>charte</em>." in old.text
    assert "This is an earlier version." in old.text
    assert member_browser.get("/n/equipage/charter/v/3").status_code == 404

    member_browser.post_form("/n/equipage/charter/accept")
    session.expire_all()
    membership = service.get_membership(session, network, crew["member"])
    assert membership.charter_accepted_number == 2


def test_only_steering_roles_edit_the_charter(client, session, crew):
    for who in ("animator", "member"):
        client.login(crew[who])
        assert client.get("/n/equipage/charter/edit").status_code == 403
        assert (
            client.post_form("/n/equipage/charter/edit", {"body": "Ma charte"}).status_code == 403
        )
    client.login(crew["copilot"])
    assert (
        client.post_form("/n/equipage/charter/edit", {"body": "Charte du copilote"}).status_code
        == 303
    )
    session.expire_all()
    assert session.get(Network, crew["network"].id).charter_number == 1


def test_charter_accept_needs_membership_and_a_charter(client, session, crew):
    client.login(crew["member"])
    assert client.post_form("/n/equipage/charter/accept").status_code == 403  # no charter yet
    charter.publish_charter(
        session, actor=crew["pilot"], network=crew["network"], body="Charte", comment=""
    )
    session.flush()
    client.login(UserFactory())
    assert client.post_form("/n/equipage/charter/accept").status_code == 403
    assert client.get("/n/equipage/charter").status_code == 200  # the charter itself is public


# --- directory -------------------------------------------------------------------------------


@pytest.fixture
def directory(session):
    network = NetworkFactory(slug="annuaire")
    people = {}
    for username, name, skills, region, trade in [
        ("odile", "Odile Perrin", "Sécurité réseau, PKI", "Bretagne", "RSSI"),
        ("paul", "Paul Roux", "securite reseau", "Normandie", "Archiviste"),
        ("zoe", "Zoé Blanc", "Archives", "Bretagne", "Documentaliste"),
    ]:
        user = UserFactory(username=username, display_name=name, member_of=network)
        accounts_service.update_profile(
            session,
            actor=user,
            display_name=name,
            trade=trade,
            organisation="",
            region=region,
            bio="",
            skills=accounts_service.parse_skills(skills),
            locale=None,
        )
        people[username] = user
    session.flush()
    return network, people


def names_in(page) -> list[str]:
    return [name for name in ("Odile Perrin", "Paul Roux", "Zoé Blanc") if name in main_of(page)]


def test_directory_filters(client, session, directory):
    network, people = directory
    client.login(people["odile"])
    assert names_in(client.get("/n/annuaire/members")) == ["Odile Perrin", "Paul Roux", "Zoé Blanc"]
    assert names_in(client.get("/n/annuaire/members", params={"skill": "SÉCURITÉ RÉSEAU"})) == [
        "Odile Perrin",
        "Paul Roux",
    ]
    assert names_in(client.get("/n/annuaire/members", params={"region": "Bretagne"})) == [
        "Odile Perrin",
        "Zoé Blanc",
    ]
    assert names_in(client.get("/n/annuaire/members", params={"q": "archiv"})) == ["Paul Roux"]
    nothing = client.get("/n/annuaire/members", params={"skill": "jonglage"})
    assert names_in(nothing) == []
    assert "No member matches these filters." in nothing.text
    too_long = client.get("/n/annuaire/members", params={"q": "x" * 81})
    assert too_long.status_code == 422


def test_directory_fragment_for_htmx(client, session, directory):
    network, people = directory
    client.login(people["odile"])
    full = client.get("/n/annuaire/members", params={"region": "Normandie"})
    assert "<html" in full.text
    fragment = client.get(
        "/n/annuaire/members", params={"region": "Normandie"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "<form" not in fragment.text.split('id="directory-results"', 1)[0]
    assert fragment.text.lstrip().startswith('<section id="directory-results"')
    assert names_in(fragment) == ["Paul Roux"]
    assert "HX-Request" in fragment.headers["vary"]


def test_directory_role_forms_only_for_steering_roles(client, session, directory):
    network, people = directory
    client.login(people["odile"])
    assert "/role" not in client.get("/n/annuaire/members").text
    service.set_role(session, network=network, member=people["odile"], role=Role.COPILOT)
    session.flush()
    assert "/n/annuaire/members/paul/role" in client.get("/n/annuaire/members").text


# --- settings ----------------------------------------------------------------------------


def test_pilot_edits_settings_and_links(client, session):
    network = NetworkFactory(slug="reseau", name="Ancien nom")
    NetworkFactory(slug="voisin", name="Réseau voisin")
    client.login(UserFactory(member_of=network, member_of__role=Role.PILOT))
    assert 'value="Ancien nom"' in client.get("/n/reseau/settings").text

    response = client.post_form(
        "/n/reseau/settings",
        {
            "name": "Nouveau nom",
            "purpose": "Un *but*.",
            "membership_mode": "open",
            "content_visibility": "public",
        },
    )
    assert response.status_code == 303
    session.expire_all()
    network = session.get(Network, network.id)
    assert network.name == "Nouveau nom"
    assert network.purpose_html == "<p>Un <em>but</em>.</p>\n"
    assert (network.membership_mode, network.content_visibility) == (
        MembershipMode.OPEN,
        ContentVisibility.PUBLIC,
    )

    bad = client.post_form(
        "/n/reseau/settings", {"name": "", "membership_mode": "open", "content_visibility": "x"}
    )
    assert bad.status_code == 422
    assert 'id="name-error"' in bad.text and 'id="content_visibility-error"' in bad.text
    session.expire_all()
    assert session.get(Network, network.id).name == "Nouveau nom"

    assert client.post_form("/n/reseau/links", {"slug": "voisin"}).status_code == 303
    assert "Réseau voisin" in main_of(client.get("/n/reseau"))
    assert client.post_form("/n/reseau/links/voisin/delete").status_code == 303
    assert "Réseau voisin" not in main_of(client.get("/n/reseau"))
    assert client.post_form("/n/reseau/links", {"slug": "reseau"}).status_code == 422
    assert client.post_form("/n/reseau/links", {"slug": "nowhere"}).status_code == 404


def test_animators_and_members_cannot_edit_settings(client, session):
    network = NetworkFactory(slug="reseau", name="Nom")
    for role in (Role.ANIMATOR, Role.MEMBER):
        client.login(UserFactory(member_of=network, member_of__role=role))
        assert client.get("/n/reseau/settings").status_code == 403
        response = client.post_form(
            "/n/reseau/settings",
            {"name": "Pris", "membership_mode": "open", "content_visibility": "public"},
        )
        assert response.status_code == 403
    session.expire_all()
    assert session.get(Network, network.id).name == "Nom"


# --- outsiders -----------------------------------------------------------------------------


def test_a_member_of_a_cannot_open_the_private_pages_of_b(client, session, outbox):
    network_a = NetworkFactory(slug="reseau-a")
    network_b = NetworkFactory(slug="reseau-b", content_visibility=ContentVisibility.MEMBERS)
    pilot_b = UserFactory(
        display_name="Secret Pilot", member_of=network_b, member_of__role=Role.PILOT
    )
    UserFactory(display_name="Hidden Member", email="hidden@example.org", member_of=network_b)
    join_request = JoinRequestFactory(network=network_b, message="Private motivation text")
    charter.publish_charter(session, actor=pilot_b, network=network_b, body="Charte B", comment="")
    session.flush()
    # Even the pilot of network A is an outsider in B.
    client.login(UserFactory(member_of=network_a, member_of__role=Role.PILOT))

    for path in ("members", "requests", "settings", "invitations", "charter/edit"):
        response = client.get(f"/n/reseau-b/{path}")
        assert response.status_code == 404, path
        for secret in (
            "Hidden Member",
            "hidden@example.org",
            "Private motivation text",
            join_request.user.display_name,
        ):
            assert secret not in response.text

    posts = {
        "/n/reseau-b/settings": {
            "name": "Pris",
            "membership_mode": "open",
            "content_visibility": "public",
        },
        f"/n/reseau-b/requests/{join_request.id}": {"decision": "accepted"},
        "/n/reseau-b/invitations": {"email": "x@example.org"},
        f"/n/reseau-b/members/{pilot_b.username}/role": {"role": "member"},
        "/n/reseau-b/charter/edit": {"body": "Autre charte"},
        "/n/reseau-b/links": {"slug": "reseau-a"},
    }
    for path, data in posts.items():
        assert client.post_form(path, data).status_code == 404, path
    session.expire_all()
    assert session.get(Network, network_b.id).name == network_b.name
    assert session.get(Network, network_b.id).charter_number == 1
    assert session.get(JoinRequest, join_request.id).status == RequestStatus.PENDING
    assert role_of(session, network_b, pilot_b) == Role.PILOT
    assert service.list_linked_networks(session, network_b) == []
    assert outbox() == []
    assert (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.network_id == network_b.id)
        )
        == 2
    )


def test_an_outsider_of_a_public_network_is_refused_not_hidden(client, session):
    NetworkFactory(slug="public", content_visibility=ContentVisibility.PUBLIC)
    client.login(UserFactory())
    assert client.get("/n/public/members").status_code == 403
    assert client.get("/n/public/settings").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, session):
    NetworkFactory(slug="prive")
    for path in ("members", "requests", "settings", "invitations"):
        response = client.get(f"/n/prive/{path}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next=/n/prive/{path}"
    assert client.post_form("/n/prive/request", {"message": "x"}).status_code == 401
