"""Networks: creation and settings, membership, roles, join requests, invitations.

Functions change rows and queue mail in the caller's transaction; they never commit.
The policy decides who may call them; the rules that hold whoever calls (a network
keeps a pilot, a request is decided once) live here.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from app.accounts import service as accounts_service
from app.accounts.models import Skill, User, user_skill
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.i18n import _
from app.markup import render_markdown
from app.networks import search as network_search
from app.networks.models import (
    ContentVisibility,
    Invitation,
    JoinRequest,
    Membership,
    MembershipMode,
    Network,
    NetworkLink,
    RequestStatus,
    Role,
)
from app.notifications import service as notifications_service
from app.search import service as search_service

# --- reading ---------------------------------------------------------------------


def get_network(session: Session, slug: str) -> Network:
    network = session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise NotFound()
    return network


def list_networks(session: Session) -> list[Network]:
    return list(session.scalars(select(Network).order_by(Network.name)))


def list_public_network_ids(session: Session) -> frozenset[int]:
    """Networks whose content anyone may read (see policy `_network_read`)."""
    query = select(Network.id).where(Network.content_visibility == ContentVisibility.PUBLIC)
    return frozenset(session.scalars(query))


def map_networks(
    session: Session, *, ids: Iterable[int] = (), slugs: Iterable[str] = ()
) -> dict[int, tuple[str, str]]:
    """{id: (slug, name)} of the networks with these ids or slugs, in one query."""
    ids, slugs = set(ids), {slug.lower() for slug in slugs}
    if not ids and not slugs:
        return {}
    rows = session.execute(
        select(Network.id, Network.slug, Network.name).where(or_(Network.id.in_(ids), Network.slug.in_(slugs)))
    )
    return {row.id: (row.slug, row.name) for row in rows}


def list_user_networks(session: Session, user: User) -> list[Network]:
    return list(
        session.scalars(
            select(Network)
            .join(Membership, Membership.network_id == Network.id)
            .where(Membership.user_id == user.id)
            .order_by(Network.name)
        )
    )


def get_membership(session: Session, network: Network, user: User) -> Membership | None:
    return session.scalar(
        select(Membership).where(Membership.network_id == network.id, Membership.user_id == user.id)
    )


def list_staff(session: Session, network: Network) -> dict[Role, list[User]]:
    """Pilots, co-pilots and animators of `network`, by role."""
    rows = session.execute(
        select(Membership.role, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.network_id == network.id, Membership.role != Role.MEMBER)
        .order_by(User.display_name)
    )
    staff: dict[Role, list[User]] = {Role.PILOT: [], Role.COPILOT: [], Role.ANIMATOR: []}
    for role, user in rows:
        staff[role].append(user)
    return staff


def count_members(session: Session, network: Network) -> int:
    return session.scalar(
        select(func.count()).select_from(Membership).where(Membership.network_id == network.id)
    )


def list_members(
    session: Session, network: Network, *, skill: str = "", region: str = "", text: str = ""
) -> list[Membership]:
    """The directory: members of `network` with their profiles, filtered."""
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.network_id == network.id)
        .options(joinedload(Membership.user).selectinload(User.skills))
        .order_by(User.display_name)
    )
    if skill:
        query = query.where(
            User.id.in_(
                select(user_skill.c.user_id)
                .join(Skill, Skill.id == user_skill.c.skill_id)
                .where(Skill.name == accounts_service.skill_key(skill))
            )
        )
    if region:
        query = query.where(func.lower(User.region) == region.strip().lower())
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(User.display_name).like(pattern),
                func.lower(User.trade).like(pattern),
                func.lower(User.organisation).like(pattern),
            )
        )
    return list(session.scalars(query).unique())


def list_directory_facets(session: Session, network: Network) -> tuple[list[Skill], list[str]]:
    """The skills and regions present among the members, for the directory filters."""
    member_ids = select(Membership.user_id).where(Membership.network_id == network.id)
    skills = session.scalars(
        select(Skill)
        .join(user_skill, user_skill.c.skill_id == Skill.id)
        .where(user_skill.c.user_id.in_(member_ids))
        .distinct()
        .order_by(Skill.label)
    ).all()
    regions = session.scalars(
        select(User.region).where(User.id.in_(member_ids), User.region != "").distinct().order_by(User.region)
    ).all()
    return list(skills), list(regions)


def list_linked_networks(session: Session, network: Network) -> list[Network]:
    linked_ids = select(NetworkLink.linked_network_id).where(NetworkLink.network_id == network.id).union(
        select(NetworkLink.network_id).where(NetworkLink.linked_network_id == network.id)
    )
    return list(session.scalars(select(Network).where(Network.id.in_(linked_ids)).order_by(Network.name)))


def list_children(session: Session, network: Network) -> list[Network]:
    return list(session.scalars(select(Network).where(Network.parent_id == network.id).order_by(Network.name)))


def get_pending_request(session: Session, network: Network, user: User) -> JoinRequest | None:
    return session.scalar(
        select(JoinRequest).where(
            JoinRequest.network_id == network.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == RequestStatus.PENDING,
        )
    )


def list_join_requests(session: Session, network: Network, *, status: RequestStatus) -> list[JoinRequest]:
    return list(
        session.scalars(
            select(JoinRequest)
            .where(JoinRequest.network_id == network.id, JoinRequest.status == status)
            .options(joinedload(JoinRequest.user), joinedload(JoinRequest.decided_by))
            .order_by(JoinRequest.created_at.desc() if status != RequestStatus.PENDING else JoinRequest.created_at)
        )
    )


def count_pending_requests(session: Session, network: Network) -> int:
    return session.scalar(
        select(func.count())
        .select_from(JoinRequest)
        .where(JoinRequest.network_id == network.id, JoinRequest.status == RequestStatus.PENDING)
    )


def get_join_request(session: Session, network: Network, request_id: int) -> JoinRequest:
    join_request = session.get(JoinRequest, request_id)
    if join_request is None or join_request.network_id != network.id:
        raise NotFound()
    return join_request


# --- networks ----------------------------------------------------------------------


def create_network(
    session: Session,
    *,
    actor: User,
    name: str,
    slug: str,
    purpose: str,
    membership_mode: MembershipMode,
    content_visibility: ContentVisibility,
    pilot: User,
    parent: Network | None = None,
) -> Network:
    """Create a network with `pilot` as its first pilot. Raises Conflict for a taken slug."""
    if session.scalar(select(Network.id).where(Network.slug == slug)):
        raise Conflict(_("A network already uses this address."), field="slug")
    network = Network(
        name=name,
        slug=slug,
        purpose=purpose,
        purpose_html=render_markdown(purpose),
        membership_mode=membership_mode,
        content_visibility=content_visibility,
        parent=parent,
    )
    session.add(network)
    session.flush()  # the membership and the search outbox need the network's id
    session.add(Membership(network_id=network.id, user_id=pilot.id, role=Role.PILOT))
    search_service.enqueue(session, kind=network_search.NETWORK.name, object_id=network.id)
    return network


def update_network(
    session: Session,
    *,
    network: Network,
    name: str,
    purpose: str,
    membership_mode: MembershipMode,
    content_visibility: ContentVisibility,
) -> Network:
    network.name = name
    network.purpose = purpose
    network.purpose_html = render_markdown(purpose)
    network.membership_mode = membership_mode
    network.content_visibility = content_visibility
    search_service.enqueue(session, kind=network_search.NETWORK.name, object_id=network.id)
    if network.charter_number:
        # The charter's title in the index carries the network's name.
        search_service.enqueue(session, kind=network_search.CHARTER.name, object_id=network.id)
    return network


def link_networks(session: Session, *, network: Network, other: Network) -> None:
    """Make `network` and `other` sister networks. Raises Invalid for a self-link."""
    if network.id == other.id:
        raise Invalid(_("A network cannot be linked to itself."), field="slug")
    low, high = sorted((network.id, other.id))
    if session.get(NetworkLink, (low, high)) is None:
        session.add(NetworkLink(network_id=low, linked_network_id=high))


def unlink_networks(session: Session, *, network: Network, other: Network) -> None:
    low, high = sorted((network.id, other.id))
    link = session.get(NetworkLink, (low, high))
    if link is not None:
        session.delete(link)


# --- membership --------------------------------------------------------------------


def _add_member(session: Session, network: Network, user: User, role: Role = Role.MEMBER) -> Membership:
    existing = get_membership(session, network, user)
    if existing is not None:
        return existing
    membership = Membership(network_id=network.id, user_id=user.id, role=role)
    session.add(membership)
    return membership


def join_network(session: Session, *, actor: User, network: Network) -> Membership:
    """Join an open network (the policy checked that it is open)."""
    return _add_member(session, network, actor)


def request_to_join(session: Session, *, actor: User, network: Network, message: str) -> JoinRequest:
    """File a join request in the network's inbox. Raises Conflict if one is pending."""
    if get_pending_request(session, network, actor) is not None:
        raise Conflict(_("Your request to join is already waiting for an answer."))
    join_request = JoinRequest(network_id=network.id, user_id=actor.id, message=message.strip())
    session.add(join_request)
    return join_request


def decide_join_request(
    session: Session,
    *,
    actor: User,
    join_request: JoinRequest,
    decision: RequestStatus,
    message: str,
    network_url: str,
) -> JoinRequest:
    """Accept (adding the member) or decline a pending request; the person is told by mail.

    Raises Conflict when the request was already decided.
    """
    if join_request.status != RequestStatus.PENDING:
        raise Conflict(_("This request has already been answered."))
    join_request.status = decision
    join_request.response_message = message.strip()
    join_request.decided_by_id = actor.id
    join_request.decided_at = utcnow()
    network = join_request.network
    person = join_request.user
    if decision == RequestStatus.ACCEPTED:
        _add_member(session, network, person)
        subject = _("Welcome to %(network)s", network=network.name)
        body = _("Hello %(name)s,\n\nYour request to join %(network)s has been accepted.\n", name=person.display_name, network=network.name)
    else:
        subject = _("Your request to join %(network)s", network=network.name)
        body = _("Hello %(name)s,\n\nYour request to join %(network)s has been declined.\n", name=person.display_name, network=network.name)
    if join_request.response_message:
        # Not %(message)s: `message` is the name of gettext's own first parameter.
        body += _("\nMessage from %(actor)s:\n%(reply)s\n", actor=actor.display_name, reply=join_request.response_message)
    body += f"\n{network_url}\n"
    notifications_service.queue_mail(session, to_address=person.email, subject=subject, body_text=body)
    return join_request


def leave_network(session: Session, *, actor: User, network: Network) -> None:
    """Leave `network`. Raises Conflict when the actor is its last pilot."""
    membership = get_membership(session, network, actor)
    if membership is None:
        raise NotFound()
    if membership.role == Role.PILOT and _count_pilots(session, network) == 1:
        raise Conflict(_("A network always keeps a pilot: name another pilot before you leave."))
    session.delete(membership)


def _count_pilots(session: Session, network: Network) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.network_id == network.id, Membership.role == Role.PILOT)
    )


def set_role(session: Session, *, network: Network, member: User, role: Role) -> Membership:
    """Give `member` a role. Raises Conflict when it would leave the network without a pilot.

    Who may name or remove a pilot is the policy's `role:assign_pilot`, checked by the caller.
    """
    membership = get_membership(session, network, member)
    if membership is None:
        raise NotFound()
    if membership.role == Role.PILOT and role != Role.PILOT and _count_pilots(session, network) == 1:
        raise Conflict(_("A network always keeps a pilot: name another pilot first."))
    membership.role = role
    return membership


# --- invitations -------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    session: Session, *, actor: User, network: Network, email: str, accept_url: str, max_age_days: int
) -> Invitation:
    """Mail an invitation link to `email`; the link works once, for `max_age_days`."""
    email = accounts_service.normalize_email(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        network_id=network.id,
        email=email,
        token_hash=_token_hash(token),
        invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=max_age_days),
    )
    session.add(invitation)
    notifications_service.queue_mail(
        session,
        to_address=email,
        subject=_("%(actor)s invites you to %(network)s on Maillage", actor=actor.display_name, network=network.name),
        body_text=_(
            "Hello,\n\n%(actor)s invites you to join the network %(network)s on Maillage.\n"
            "To accept, open this link (valid %(days)s days) and sign in or create an account:\n\n%(url)s\n",
            actor=actor.display_name,
            network=network.name,
            days=max_age_days,
            url=f"{accept_url}/{token}",
        ),
    )
    return invitation


def list_open_invitations(session: Session, network: Network) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .where(
                Invitation.network_id == network.id,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def get_invitation(session: Session, token: str) -> Invitation:
    """The invitation a link names. Raises NotFound when unknown, Invalid when used or expired."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token)).options(joinedload(Invitation.network))
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise Invalid(_("This invitation has already been used."), code="invitation_used")
    if invitation.expires_at < utcnow():
        raise Invalid(_("This invitation has expired. Ask for a new one."), code="invitation_expired")
    return invitation


def accept_invitation(session: Session, *, actor: User, token: str) -> Invitation:
    """Make `actor` a member through an invitation link; the link is then used up."""
    invitation = get_invitation(session, token)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = actor.id
    _add_member(session, invitation.network, actor)
    return invitation

