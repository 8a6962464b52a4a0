"""The charter: append-only versions, and each member's acceptance of the current one."""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.i18n import _
from app.markup import render_markdown
from app.networks import search as network_search
from app.networks.models import CharterVersion, Membership, Network
from app.search import service as search_service


def get_current_charter(session: Session, network: Network) -> CharterVersion | None:
    if network.charter_number == 0:
        return None
    return get_charter_version(session, network, network.charter_number)


def get_charter_version(session: Session, network: Network, number: int) -> CharterVersion:
    version = session.scalar(
        select(CharterVersion)
        .where(CharterVersion.network_id == network.id, CharterVersion.number == number)
        .options(joinedload(CharterVersion.author))
    )
    if version is None:
        raise NotFound()
    return version


def list_charter_versions(session: Session, network: Network) -> list[CharterVersion]:
    return list(
        session.scalars(
            select(CharterVersion)
            .where(CharterVersion.network_id == network.id)
            .options(joinedload(CharterVersion.author))
            .order_by(CharterVersion.number.desc())
        )
    )


def publish_charter(
    session: Session, *, actor: User, network: Network, body: str, comment: str
) -> CharterVersion:
    """Add a charter version; every member must accept it before posting again.

    Raises Conflict when the text is the same as the current version's.
    """
    current = get_current_charter(session, network)
    if current is not None and current.body.strip() == body.strip():
        raise Conflict(_("This text is the same as the current charter."), field="body")
    network.charter_number += 1
    version = CharterVersion(
        network_id=network.id,
        number=network.charter_number,
        body=body,
        body_html=render_markdown(body),
        comment=comment.strip(),
        author_id=actor.id,
    )
    session.add(version)
    search_service.enqueue(session, kind=network_search.CHARTER.name, object_id=network.id)
    # The pilot who publishes it has accepted it by writing it.
    membership = session.scalar(
        select(Membership).where(Membership.network_id == network.id, Membership.user_id == actor.id)
    )
    if membership is not None:
        _mark_accepted(membership, network)
    return version


def accept_charter(session: Session, *, actor: User, network: Network) -> Membership:
    """Record that `actor` accepts the network's current charter version."""
    membership = session.scalar(
        select(Membership).where(Membership.network_id == network.id, Membership.user_id == actor.id)
    )
    if membership is None:
        raise NotFound()
    _mark_accepted(membership, network)
    return membership


def _mark_accepted(membership: Membership, network: Network) -> None:
    membership.charter_accepted_number = network.charter_number
    membership.charter_accepted_at = utcnow()
