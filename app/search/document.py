"""What the index holds, and how a kind of content registers to be searchable.

A domain makes its content searchable with one `SearchKind` (in its own
`search.py`, listed in `app/search/kinds.py`) and one `search_service.enqueue`
call in each service function that changes that content.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.policy import Audience

# Long extracted texts (uploaded files) are indexed up to this length: enough for any
# real document's words, bounded so one upload cannot stall the drainer.
MAX_BODY_CHARS = 200_000


@dataclass(frozen=True)
class SearchDocument:
    """One searchable object, as every backend indexes it.

    `group` joins documents that show as one result (every post of a topic has
    `group="topic:<id>"`, and the best-matching one is shown); `heading` is the
    result's title (a post shows its topic's title) while only `title` is matched
    by `in:title`. `audience`, `network_id` and `participant_ids` are all the
    index needs to decide who may see the document (see `policy.read_scope`).
    """

    kind: str
    object_id: int
    title: str
    body: str
    url: str
    created_at: datetime
    audience: Audience
    network_id: int | None = None
    updated_at: datetime | None = None
    heading: str = ""
    group: str = ""
    author_id: int | None = None
    category: str = ""
    category_label: str = ""
    tags: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    participant_ids: tuple[int, ...] = field(default=())

    @property
    def key(self) -> str:
        return document_key(self.kind, self.object_id)

    @property
    def group_key(self) -> str:
        return self.group or self.key

    @property
    def display_heading(self) -> str:
        return self.heading or self.title

    @property
    def modified_at(self) -> datetime:
        return self.updated_at or self.created_at

    @property
    def indexed_body(self) -> str:
        return self.body[:MAX_BODY_CHARS]


def document_key(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


@dataclass(frozen=True)
class SearchKind:
    """A kind of content the index holds.

    - `name`: stored in the outbox and the index ("post", "charter").
    - `scope`: the word of the `in:` filter that selects it ("posts", "documents", "files").
    - `label`: its name in facets, translated when called.
    - `load(session, ids)`: the documents for these object ids, read in bulk; an id
      missing from the answer is not (or no longer) searchable and leaves the index.
    - `ids()`: a select of every object id, for a full reindex.
    """

    name: str
    scope: str
    label: Callable[[], str]
    load: Callable[[Session, Sequence[int]], list[SearchDocument]]
    ids: Callable[[], Select]
