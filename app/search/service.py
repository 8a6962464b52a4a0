"""Search: queue changes for the index, and answer searches with what the reader may see.

Content services call `enqueue` in their own transaction; `app/search/indexer.py`
applies the queue after commit. Searches parse the typed query, resolve names to
ids, ask the backend with the reader's `ReadScope` and dress the hits for display.
"""

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app import policy
from app.accounts import service as accounts_service
from app.config import Settings
from app.db import Database
from app.i18n import _
from app.networks import service as networks_service
from app.policy import Principal
from app.ratelimit import check_limit, record_hit
from app.search import kinds
from app.search.backend import SearchBackend, SearchPage, SearchRequest
from app.search.highlight import Matcher, excerpt, mark_all
from app.search.models import OutboxOp, SearchOutbox
from app.search.query import Hint, ParsedQuery, parse_query
from app.search.whoosh_backend import WhooshBackend

PER_PAGE = 20
# Deep pages cost a wider top-N scan for nothing anyone reads: past this, refine the query.
MAX_PAGE = 50
SUGGESTIONS = 5
RATE_WINDOW = timedelta(minutes=1)

# --- the outbox ------------------------------------------------------------------------


def enqueue(session: Session, *, kind: str, object_id: int, op: OutboxOp = OutboxOp.UPSERT) -> None:
    """Queue `kind` `object_id` for (re)indexing, or removal, in the caller's transaction.

    Call it in every service function that changes searchable content: creating,
    editing, hiding, moving, deleting. The drainer reads the object's state when it
    applies the row, so one call per changed object is enough, whatever changed.
    """
    kinds.get_kind(kind)
    session.add(SearchOutbox(kind=kind, object_id=object_id, op=op))


def enqueue_many(
    session: Session, *, kind: str, object_ids: Iterable[int], op: OutboxOp = OutboxOp.UPSERT
) -> None:
    """`enqueue` for many objects at once (a renamed topic's posts, a moved category)."""
    kinds.get_kind(kind)
    rows = [{"kind": kind, "object_id": object_id, "op": op} for object_id in object_ids]
    if rows:
        session.execute(insert(SearchOutbox), rows)


# --- the backend ---------------------------------------------------------------------

# One Whoosh backend (one long-lived searcher) per index folder and process; the app and
# the worker hold it, so it lives as long as they do.
_whoosh_backends: "weakref.WeakValueDictionary[str, WhooshBackend]" = weakref.WeakValueDictionary()
_whoosh_lock = threading.Lock()


def get_backend(settings: Settings, db: Database) -> SearchBackend:
    """The backend `settings.search_backend` names. Raises ValueError for postgres on SQLite."""
    if settings.search_backend == "postgres":
        if db.engine.dialect.name != "postgresql":
            raise ValueError("MAILLAGE_SEARCH_BACKEND=postgres needs a PostgreSQL database.")
        from app.search.postgres_backend import PostgresBackend

        return PostgresBackend(db)
    path = str(settings.search_dir.resolve())
    with _whoosh_lock:
        backend = _whoosh_backends.get(path)
        if backend is None:
            backend = WhooshBackend(settings.search_dir.resolve())
            _whoosh_backends[path] = backend
        return backend


# --- searching -------------------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    label: str
    count: int
    query: str  # the query text with this facet's filter toggled
    active: bool


@dataclass(frozen=True)
class Result:
    kind: str
    kind_label: str
    heading: Markup
    excerpt: Markup
    url: str
    network_name: str
    network_slug: str
    category_label: str
    author_username: str
    author_name: str
    created_at: datetime
    updated_at: datetime
    status: tuple[str, ...]
    matches: int


@dataclass
class SearchResults:
    query: ParsedQuery
    hints: list[Hint]
    page: int = 1
    per_page: int = PER_PAGE
    total: int = 0
    matches: int = 0
    results: list[Result] = field(default_factory=list)
    kind_facets: list[Facet] = field(default_factory=list)
    network_facets: list[Facet] = field(default_factory=list)
    searched: bool = False

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return 1 < self.page <= self.pages + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class Suggestion:
    heading: Markup
    url: str
    kind_label: str
    network_name: str


def parse(text: str) -> ParsedQuery:
    return parse_query(text, kinds.scope_names())


def check_rate(session: Session, *, scope: str, key: str, per_minute: int) -> None:
    """Count one search by `key` (member id or address); RateLimited past `per_minute`."""
    if per_minute <= 0:
        return
    check_limit(session, scope=scope, key=key, limit=per_minute, window=RATE_WINDOW)
    record_hit(session, scope=scope, key=key)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _build_request(
    session: Session, principal: Principal, query: ParsedQuery, hints: list[Hint], zone: ZoneInfo
) -> SearchRequest | None:
    """The backend request, or None when a named network or author does not exist."""
    network_ids = author_ids = None
    if query.networks:
        found = networks_service.map_networks(session, slugs=query.networks)
        known = {slug for slug, _name in found.values()}
        for slug in sorted(query.networks - known):
            hints.append(
                Hint("unknown_network", _("No network has the address %(slug)s.", slug=slug))
            )
        if not found:
            return None
        network_ids = frozenset(found)
    if query.authors:
        found = accounts_service.map_user_ids(session, query.authors)
        for username in sorted(query.authors - set(found)):
            hints.append(
                Hint("unknown_author", _("No member is called @%(username)s.", username=username))
            )
        if not found:
            return None
        author_ids = frozenset(found.values())
    scope = policy.read_scope(principal, networks_service.list_public_network_ids(session))
    return SearchRequest(
        query=query,
        scope=scope,
        kinds=kinds.kinds_in_scopes(query.scopes) if query.scopes else None,
        network_ids=network_ids,
        author_ids=author_ids,
        after=_day_start(query.after, zone) if query.after else None,
        before=_day_start(query.before, zone) if query.before else None,
    )


def search(
    session: Session,
    backend: SearchBackend,
    *,
    principal: Principal,
    text: str,
    page: int = 1,
    timezone: str = "Europe/Paris",
) -> SearchResults:
    """One page of results for `text`, as `principal` may see them; never raises for bad input."""
    query = parse(text)
    hints = list(query.hints)
    if not query.is_searchable:
        if query.text:
            hints.append(
                Hint(
                    "no_words",
                    _(
                        "Nothing to search for: type at least one word, "
                        "or filter by @author, #category, tag: or network:."
                    ),
                )
            )
        return SearchResults(query=query, hints=hints)
    request = _build_request(session, principal, query, hints, ZoneInfo(timezone))
    if request is None:
        return SearchResults(query=query, hints=hints, searched=True)
    page = max(1, page)
    beyond_limit = page > MAX_PAGE
    offset = 0 if beyond_limit else (page - 1) * PER_PAGE
    found = backend.search(replace(request, offset=offset, limit=1 if beyond_limit else PER_PAGE))
    results = SearchResults(
        query=query,
        hints=hints,
        page=page,
        total=found.total_groups,
        matches=found.total_matches,
        searched=True,
    )
    if beyond_limit or (page > 1 and not found.hits and found.total_groups):
        hints.append(
            Hint(
                "past_end",
                _(
                    "There is no page %(page)s: the results stop at page %(last)s.",
                    page=page,
                    last=max(results.pages, 1),
                ),
            )
        )
        found = SearchPage(
            [], found.total_groups, found.total_matches, found.kind_counts, found.network_counts
        )
    _dress(session, results, found, query)
    return results


def _dress(session: Session, results: SearchResults, found: SearchPage, query: ParsedQuery) -> None:
    """Turn backend hits and counts into what a page shows, in two queries."""
    network_ids = {hit.document.network_id for hit in found.hits} | set(found.network_counts)
    networks = networks_service.map_networks(session, ids={n for n in network_ids if n is not None})
    authors = accounts_service.map_display_names(
        session,
        {hit.document.author_id for hit in found.hits if hit.document.author_id is not None},
    )
    matcher = Matcher.for_query(query)
    for hit in found.hits:
        document = hit.document
        kind = kinds.KINDS.get(document.kind)
        slug, name = networks.get(document.network_id, ("", ""))
        username, author_name = authors.get(document.author_id, ("", ""))
        results.results.append(
            Result(
                kind=document.kind,
                kind_label=kind.label() if kind else document.kind,
                heading=mark_all(document.display_heading, matcher),
                excerpt=excerpt(document.body, matcher),
                url=document.url,
                network_name=name,
                network_slug=slug,
                category_label=document.category_label,
                author_username=username,
                author_name=author_name,
                created_at=document.created_at,
                updated_at=document.modified_at,
                status=document.status,
                matches=hit.group_matches,
            )
        )
    for name, count in sorted(found.kind_counts.items(), key=lambda item: (-item[1], item[0])):
        kind = kinds.KINDS.get(name)
        if kind is not None:
            results.kind_facets.append(
                Facet(
                    kind.label(),
                    count,
                    _toggle(query.text, f"in:{kind.scope}"),
                    kind.scope in query.scopes,
                )
            )
    for network_id, count in sorted(found.network_counts.items(), key=lambda item: -item[1]):
        if network_id in networks:
            slug, name = networks[network_id]
            results.network_facets.append(
                Facet(name, count, _toggle(query.text, f"network:{slug}"), slug in query.networks)
            )


def _toggle(text: str, token: str) -> str:
    """`text` with the filter `token` added, or removed when it is there."""
    parts = text.split()
    if token in parts:
        return " ".join(part for part in parts if part != token)
    return " ".join([*parts, token])


def as_you_type(text: str) -> str:
    """What the header box has typed so far, its last word read as a prefix."""
    stripped = text.rstrip()
    if not stripped or stripped != text or stripped.endswith(("*", '"')):
        return text
    last = stripped.split()[-1]
    if last.isalnum() and len(last) >= 3 and last != "OR":
        return stripped + "*"
    return text


def suggest(
    session: Session,
    backend: SearchBackend,
    *,
    principal: Principal,
    text: str,
    timezone: str = "Europe/Paris",
) -> list[Suggestion]:
    """The top results for what is being typed, best first, one per topic."""
    query = parse(as_you_type(text))
    if not query.is_searchable:
        return []
    request = _build_request(session, principal, query, [], ZoneInfo(timezone))
    if request is None:
        return []
    hits = backend.suggest(replace(request, limit=SUGGESTIONS))
    networks = networks_service.map_networks(
        session,
        ids={hit.document.network_id for hit in hits if hit.document.network_id is not None},
    )
    matcher = Matcher.for_query(query)
    suggestions = []
    for hit in hits:
        kind = kinds.KINDS.get(hit.document.kind)
        suggestions.append(
            Suggestion(
                heading=mark_all(hit.document.display_heading, matcher),
                url=hit.document.url,
                kind_label=kind.label() if kind else hit.document.kind,
                network_name=networks.get(hit.document.network_id, ("", ""))[1],
            )
        )
    return suggestions
