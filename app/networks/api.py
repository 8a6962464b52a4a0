"""JSON routes for networks: the shop window for everyone, the directory for members."""

from fastapi import APIRouter, Security

from app import policy
from app.accounts.models import User
from app.networks import service
from app.networks.models import Network, Role
from app.networks.schemas import (
    DirectoryMember,
    NetworkDetail,
    NetworkRef,
    NetworkStaff,
    NetworkSummary,
    PersonRef,
)
from app.policy import Action, Principal
from app.web.deps import DbSession, Viewer, api_key_scheme
from app.web.errors import api_error_responses

router = APIRouter(
    prefix="/api/v1",
    tags=["networks"],
    dependencies=[Security(api_key_scheme)],
    responses=api_error_responses(401, 422, 429),
)


def _summary(viewer: Principal, network: Network, parent_slug: str | None) -> dict:
    return {
        "slug": network.slug,
        "name": network.name,
        "purpose": network.purpose,
        "purpose_html": network.purpose_html,
        "membership_mode": network.membership_mode,
        "content_visibility": network.content_visibility,
        "parent_slug": parent_slug,
        "your_role": viewer.role_in(network),
        "content_readable": policy.can(viewer, Action.NETWORK_READ, network),
    }


def _people(users: list[User]) -> list[PersonRef]:
    return [PersonRef(username=u.username, display_name=u.display_name) for u in users]


def _refs(networks: list[Network]) -> list[NetworkRef]:
    return [NetworkRef(slug=n.slug, name=n.name) for n in networks]


@router.get("/networks", response_model=list[NetworkSummary])
def list_networks(db: DbSession, viewer: Viewer) -> list[NetworkSummary]:
    """Every network of this site, as on its home page, with your role in each."""
    networks = service.list_networks(db)
    slugs = {network.id: network.slug for network in networks}
    return [
        NetworkSummary(**_summary(viewer, network, slugs.get(network.parent_id)))
        for network in networks
        if policy.can(viewer, Action.NETWORK_VIEW, network)
    ]


@router.get("/networks/{slug}", response_model=NetworkDetail, responses=api_error_responses(404))
def get_network(slug: str, db: DbSession, viewer: Viewer) -> NetworkDetail:
    """A network's page: purpose, steering, related networks; and its member directory
    when you may see it (members of the network)."""
    network = service.get_network(db, slug)
    policy.require(viewer, Action.NETWORK_VIEW, network)
    staff = service.list_staff(db, network)
    members = None
    if policy.can(viewer, Action.DIRECTORY_VIEW, network):
        members = [
            DirectoryMember(
                username=m.user.username,
                display_name=m.user.display_name,
                role=m.role,
                trade=m.user.trade,
                organisation=m.user.organisation,
            )
            for m in service.list_members(db, network)
        ]
    return NetworkDetail(
        **_summary(viewer, network, network.parent.slug if network.parent else None),
        charter_number=network.charter_number,
        member_count=service.count_members(db, network),
        staff=NetworkStaff(
            pilots=_people(staff[Role.PILOT]),
            copilots=_people(staff[Role.COPILOT]),
            animators=_people(staff[Role.ANIMATOR]),
        ),
        children=_refs(service.list_children(db, network)),
        linked_networks=_refs(service.list_linked_networks(db, network)),
        members=members,
    )
