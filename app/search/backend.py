"""The interface every search backend implements, and the values it exchanges.

The service parses the query, resolves names to ids and computes the reader's
`ReadScope`; a backend only translates that into its engine's query, applies the
visibility filter before counting, groups, sorts and pages. Highlighting is the
service's, so both backends mark the same words the same way.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from app.policy import ReadScope
from app.search.document import SearchDocument
from app.search.query import ParsedQuery


@dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery
    scope: ReadScope
    kinds: frozenset[str] | None = None  # None: every kind
    network_ids: frozenset[int] | None = None
    author_ids: frozenset[int] | None = None
    after: datetime | None = None  # created at or after
    before: datetime | None = None  # created strictly before
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class Hit:
    """The best document of one result group, and how many documents of the group matched."""

    document: SearchDocument
    score: float
    group_matches: int = 1


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    total_groups: int
    total_matches: int
    kind_counts: dict[str, int] = field(default_factory=dict)
    network_counts: dict[int | None, int] = field(default_factory=dict)


class SearchBackend(Protocol):
    name: str

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str]) -> None:
        """Index `upserts` (replacing documents with the same key) and remove `deletes` keys,
        in one commit. The caller holds `writer_lock()`."""

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of result groups, best first, with counts and facets of every visible match."""

    def suggest(self, request: SearchRequest) -> list[Hit]:
        """The best `request.limit` groups, without counts: for search-as-you-type."""

    def writer_lock(self, timeout: float) -> AbstractContextManager[bool]:
        """Hold the single-writer lock while the context runs; yields False if it stayed busy
        for `timeout` seconds (another process is writing)."""

    def rebuild(self, batches: Iterable[Sequence[SearchDocument]]) -> Iterator[int]:
        """Replace the whole index by `batches`, yielding the count after each batch; searches
        keep answering from the previous index until the new one is complete. The caller holds
        `writer_lock()`."""

    def maintenance_due(self) -> bool:
        """Whether `maintain()` has work, answered without the lock or any write."""

    def maintain(self) -> int:
        """Housekeeping that must not delay user writes (merging segments); returns work done."""

    def stats(self) -> dict[str, int]:
        """Documents held and bytes used."""

    def warm(self) -> None:
        """Read now what the first search would otherwise wait for (at server start)."""
