"""What networks put in the search index: each network's purpose and its current charter.

Both are the network's shop window (`network:view` lets anyone see them), so both are
public whatever the network's content visibility.
"""

from collections.abc import Sequence

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from app.i18n import _
from app.markup import html_to_text
from app.networks.models import CharterVersion, Network
from app.policy import Audience
from app.search.document import SearchDocument, SearchKind


def _network_documents(session: Session, ids: Sequence[int]) -> list[SearchDocument]:
    rows = session.execute(
        select(Network.id, Network.slug, Network.name, Network.purpose_html, Network.created_at).where(
            Network.id.in_(ids)
        )
    )
    return [
        SearchDocument(
            kind=NETWORK.name,
            object_id=row.id,
            title=row.name,
            body=html_to_text(row.purpose_html),
            url=f"/n/{row.slug}",
            created_at=row.created_at,
            audience=Audience.PUBLIC,
            network_id=row.id,
        )
        for row in rows
    ]


def _charter_documents(session: Session, ids: Sequence[int]) -> list[SearchDocument]:
    rows = session.execute(
        select(
            Network.id,
            Network.slug,
            Network.name,
            CharterVersion.number,
            CharterVersion.body_html,
            CharterVersion.author_id,
            CharterVersion.created_at,
        )
        .join(
            CharterVersion,
            and_(
                CharterVersion.network_id == Network.id,
                CharterVersion.number == Network.charter_number,
            ),
        )
        .where(Network.id.in_(ids))
    )
    return [
        SearchDocument(
            kind=CHARTER.name,
            object_id=row.id,  # one document per network: its current version
            title=f"Charte — {row.name}",
            body=html_to_text(row.body_html),
            url=f"/n/{row.slug}/charter/v/{row.number}",
            created_at=row.created_at,
            audience=Audience.PUBLIC,
            network_id=row.id,
            author_id=row.author_id,
        )
        for row in rows
    ]


def _network_ids() -> Select:
    return select(Network.id)


def _charter_ids() -> Select:
    return select(Network.id).where(Network.charter_number > 0)


NETWORK = SearchKind(
    name="network",
    scope="networks",
    label=lambda: _("Networks"),
    load=_network_documents,
    ids=_network_ids,
)
CHARTER = SearchKind(
    name="charter",
    scope="charters",
    label=lambda: _("Charters"),
    load=_charter_documents,
    ids=_charter_ids,
)
