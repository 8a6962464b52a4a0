"""Every permission rule: may this person do this action on this object.

Routes call `require`, templates call `can` to hide what a person cannot use, and
lists filter with the visibility helpers below, so every reader shares one rule.
A person who may not see an object gets `NotFound` (its existence stays hidden);
one who may see it but not act gets `Forbidden`; an anonymous visitor who would
need to sign in gets `NotAuthenticated`.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from app.accounts.models import User
from app.errors import Forbidden, NotAuthenticated, NotFound
from app.networks.models import (
    STAFF_ROLES,
    STEERING_ROLES,
    ContentVisibility,
    MembershipMode,
    Network,
    Role,
)


@dataclass(frozen=True)
class NetworkSeat:
    """What the policy needs to know of one membership."""

    role: Role
    charter_accepted_number: int | None


@dataclass(frozen=True)
class Principal:
    """The person acting, with their seats loaded once per request."""

    user: User | None = None
    seats: dict[int, NetworkSeat] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_site_admin(self) -> bool:
        return self.user is not None and self.user.is_site_admin

    def role_in(self, network: Network) -> Role | None:
        seat = self.seats.get(network.id)
        return seat.role if seat else None


ANONYMOUS = Principal()


class Action(enum.StrEnum):
    NETWORK_CREATE = "network:create"
    NETWORK_VIEW = "network:view"
    NETWORK_READ = "network:read"
    NETWORK_EDIT = "network:edit"
    NETWORK_LINK = "network:link"
    NETWORK_JOIN = "network:join"
    NETWORK_REQUEST_JOIN = "network:request_join"
    NETWORK_LEAVE = "network:leave"
    NETWORK_INVITE = "network:invite"
    NETWORK_POST = "network:post"
    JOIN_REQUEST_REVIEW = "join_request:review"
    ROLE_ASSIGN = "role:assign"
    ROLE_ASSIGN_PILOT = "role:assign_pilot"
    CHARTER_EDIT = "charter:edit"
    CHARTER_ACCEPT = "charter:accept"
    DIRECTORY_VIEW = "directory:view"
    PROFILE_VIEW = "profile:view"
    PROFILE_EDIT = "profile:edit"


# --- rules: one condition per line ------------------------------------------------


def _is_member(p: Principal, network: Network) -> bool:
    return network.id in p.seats


def _has_role(p: Principal, network: Network, roles: frozenset[Role]) -> bool:
    return p.role_in(network) in roles


def _network_create(p: Principal, _obj) -> bool:
    return p.is_site_admin


def _network_view(_p: Principal, _network: Network) -> bool:
    # The network's page (purpose, charter, pilots) is its shop window: visible to all.
    return True


def _network_read(p: Principal, network: Network) -> bool:
    if network.content_visibility == ContentVisibility.PUBLIC:
        return True
    if p.is_site_admin:
        return True
    return _is_member(p, network)


def _network_steer(p: Principal, network: Network) -> bool:
    if p.is_site_admin:
        return True
    return _has_role(p, network, STEERING_ROLES)


def _network_staff(p: Principal, network: Network) -> bool:
    if p.is_site_admin:
        return True
    return _has_role(p, network, STAFF_ROLES)


def _network_join(p: Principal, network: Network) -> bool:
    if not p.is_authenticated:
        return False
    if _is_member(p, network):
        return False
    return network.membership_mode == MembershipMode.OPEN


def _network_request_join(p: Principal, network: Network) -> bool:
    if not p.is_authenticated:
        return False
    if _is_member(p, network):
        return False
    return network.membership_mode == MembershipMode.REQUEST


def _network_member(p: Principal, network: Network) -> bool:
    return _is_member(p, network)


def _network_post(p: Principal, network: Network) -> bool:
    seat = p.seats.get(network.id)
    if seat is None:
        return False
    if network.charter_number == 0:
        return True
    return seat.charter_accepted_number == network.charter_number


def _charter_accept(p: Principal, network: Network) -> bool:
    seat = p.seats.get(network.id)
    if seat is None:
        return False
    return network.charter_number > 0


def _role_assign_pilot(p: Principal, network: Network) -> bool:
    if p.is_site_admin:
        return True
    return p.role_in(network) == Role.PILOT


def _directory_view(p: Principal, network: Network) -> bool:
    # A directory lists people: members only, whatever the content visibility.
    if p.is_site_admin:
        return True
    return _is_member(p, network)


def _profile_view(p: Principal, _user: User) -> bool:
    # Profiles exist to find who knows what across networks: any signed-in person.
    return p.is_authenticated


def _profile_edit(p: Principal, user: User) -> bool:
    if p.user is None:
        return False
    return p.user.id == user.id


@dataclass(frozen=True)
class Rule:
    allows: Callable[[Principal, object], bool]
    # The action that decides whether the object is visible at all: failing it is NotFound.
    seen_by: "Action | None" = None


RULES: dict[Action, Rule] = {
    Action.NETWORK_CREATE: Rule(_network_create),
    Action.NETWORK_VIEW: Rule(_network_view),
    Action.NETWORK_READ: Rule(_network_read, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_EDIT: Rule(_network_steer, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_LINK: Rule(_network_steer, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_JOIN: Rule(_network_join, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_REQUEST_JOIN: Rule(_network_request_join, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_LEAVE: Rule(_network_member, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_INVITE: Rule(_network_staff, seen_by=Action.NETWORK_VIEW),
    Action.NETWORK_POST: Rule(_network_post, seen_by=Action.NETWORK_READ),
    Action.JOIN_REQUEST_REVIEW: Rule(_network_staff, seen_by=Action.NETWORK_VIEW),
    Action.ROLE_ASSIGN: Rule(_network_steer, seen_by=Action.NETWORK_VIEW),
    Action.ROLE_ASSIGN_PILOT: Rule(_role_assign_pilot, seen_by=Action.NETWORK_VIEW),
    Action.CHARTER_EDIT: Rule(_network_steer, seen_by=Action.NETWORK_VIEW),
    Action.CHARTER_ACCEPT: Rule(_charter_accept, seen_by=Action.NETWORK_VIEW),
    Action.DIRECTORY_VIEW: Rule(_directory_view, seen_by=Action.NETWORK_VIEW),
    Action.PROFILE_VIEW: Rule(_profile_view),
    Action.PROFILE_EDIT: Rule(_profile_edit, seen_by=Action.PROFILE_VIEW),
}


# --- visibility of content in lists and search ---------------------------------------


class Audience(enum.StrEnum):
    """Who may read a piece of content, decided when it is written or indexed.

    Everything that depends on the reader (membership, role, the network's own
    visibility) is decided at read time by `read_scope`, so a member who leaves or a
    network that closes its content changes nothing stored.
    """

    PUBLIC = "public"  # anyone: a network's shop window (purpose, charter)
    READERS = "readers"  # whoever may read the network's content (network:read)
    MEMBERS = "members"  # members of the network, even when its content is public
    STAFF = "staff"  # the network's staff: restricted sections, hidden or deleted content
    PARTICIPANTS = "participants"  # the people named on the content: private messages


@dataclass(frozen=True)
class AudienceGrant:
    """Content of `audience` may be read in these networks (None: in every network)."""

    audience: Audience
    network_ids: frozenset[int] | None


@dataclass(frozen=True)
class ReadScope:
    """What a principal may read: content matching any grant, or naming them as participant."""

    grants: tuple[AudienceGrant, ...]
    participant_id: int | None


def read_scope(p: Principal, public_network_ids: frozenset[int]) -> ReadScope:
    """The content `p` may read, given the networks whose content is public.

    Site admins are staff everywhere (`_network_read`, `_network_staff`) but are not
    participants of other people's private messages.
    """
    participant_id = p.user.id if p.user is not None else None
    if p.is_site_admin:
        everywhere = tuple(
            AudienceGrant(audience, None)
            for audience in (Audience.PUBLIC, Audience.READERS, Audience.MEMBERS, Audience.STAFF)
        )
        return ReadScope(everywhere, participant_id)
    member_of = frozenset(p.seats)
    staff_of = frozenset(
        network_id for network_id, seat in p.seats.items() if seat.role in STAFF_ROLES
    )
    grants = (
        AudienceGrant(Audience.PUBLIC, None),
        AudienceGrant(Audience.READERS, public_network_ids | member_of),
        AudienceGrant(Audience.MEMBERS, member_of),
        AudienceGrant(Audience.STAFF, staff_of),
    )
    return ReadScope(grants, participant_id)


def can(principal: Principal, action: Action, obj: object = None) -> bool:
    return RULES[action].allows(principal, obj)


def require(principal: Principal, action: Action, obj: object = None) -> None:
    """Raise unless `principal` may do `action` on `obj`."""
    rule = RULES[action]
    if rule.allows(principal, obj):
        return
    if rule.seen_by is not None and not can(principal, rule.seen_by, obj):
        if not principal.is_authenticated:
            raise NotAuthenticated()
        raise NotFound()
    if not principal.is_authenticated:
        raise NotAuthenticated()
    raise Forbidden()

