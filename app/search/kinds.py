"""Every kind of searchable content, like app/models.py for tables.

To make a new kind searchable: define its `SearchKind` in the domain's `search.py`,
add it to `KINDS` below, and call `search_service.enqueue(...)` wherever the domain's
service changes that content (see app/search/document.py).
"""

from app.documents.search import DOCUMENT, FILE
from app.forum.search import POST, TOPIC
from app.networks.search import CHARTER, NETWORK
from app.search.document import SearchKind

KINDS: dict[str, SearchKind] = {
    kind.name: kind for kind in (TOPIC, POST, DOCUMENT, FILE, NETWORK, CHARTER)
}


def get_kind(name: str) -> SearchKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(
            f"{name!r} is not a searchable kind: add it to app/search/kinds.py"
        ) from None


def scope_names() -> frozenset[str]:
    return frozenset(kind.scope for kind in KINDS.values())


def kinds_in_scopes(scopes: frozenset[str]) -> frozenset[str]:
    return frozenset(kind.name for kind in KINDS.values() if kind.scope in scopes)
