"""Helpers for search tests: documents put straight into the index, and searches as anyone."""

from datetime import UTC, datetime
from itertools import count

from app.policy import Audience, AudienceGrant, ReadScope
from app.search.backend import SearchPage, SearchRequest
from app.search.document import SearchDocument
from app.search.kinds import scope_names
from app.search.query import parse_query

_ids = count(1)

# Content of every audience in every network, as a site admin (who is no participant).
EVERYTHING = ReadScope(
    tuple(
        AudienceGrant(audience, None)
        for audience in (Audience.PUBLIC, Audience.READERS, Audience.MEMBERS, Audience.STAFF)
    ),
    participant_id=None,
)


def doc(body: str, *, title: str = "", kind: str = "post", **fields) -> SearchDocument:
    """A public document of network 1 with this text; any other field may be given."""
    object_id = fields.pop("object_id", next(_ids))
    values = {
        "kind": kind,
        "object_id": object_id,
        "title": title,
        "body": body,
        "url": f"/test/{kind}/{object_id}",
        "created_at": datetime(2026, 1, 15, 12, tzinfo=UTC),
        "audience": Audience.PUBLIC,
        "network_id": 1,
    } | fields
    return SearchDocument(**values)


def find(
    backend, text: str, *, scope: ReadScope = EVERYTHING, limit: int = 20, **request
) -> SearchPage:
    query = parse_query(text, scope_names())
    return backend.search(SearchRequest(query=query, scope=scope, limit=limit, **request))


def bodies(page: SearchPage) -> list[str]:
    return [hit.document.body for hit in page.hits]


def principal_of(session, user):
    """The principal of `user` with their seats (or the anonymous visitor for None)."""
    from app.forum.notifying import load_principals
    from app.policy import ANONYMOUS

    if user is None:
        return ANONYMOUS
    return load_principals(session, [user])[user.id]


def search_as(session, backend, user, text: str, **options):
    """What `user` (None: an anonymous visitor) gets for `text`, through the search service."""
    from app.search import service as search_service

    return search_service.search(
        session, backend, principal=principal_of(session, user), text=text, **options
    )


def urls_of(results) -> list[str]:
    return [result.url for result in results.results]
