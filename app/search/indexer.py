"""Applying the search outbox to the index, merging segments, rebuilding from the database.

These run outside requests: the background task inside the server, `maillage worker`,
or `maillage reindex`. They receive ids from the outbox, never objects, and read
each object's current state from the database when they apply its row. Whoever
writes to the index holds the backend's writer lock, so with several processes
exactly one drains at a time.
"""

import logging
from collections.abc import Callable, Iterator, Sequence

from sqlalchemy import delete, func, select

from app.config import Settings
from app.db import Database
from app.search.document import SearchDocument, document_key
from app.search.kinds import KINDS
from app.search.models import OutboxOp, SearchOutbox
from app.search.service import get_backend

log = logging.getLogger(__name__)

DRAIN_BATCH = 500
# A drainer waits this long for another process's drain or merge to finish, then leaves
# the rows to whoever holds the lock (it will see them on its next pass, which may be
# seconds away: waiting here, in a background thread, is what keeps a post findable
# within a second of a merge ending).
LOCK_WAIT_SECONDS = 10.0
REINDEX_BATCH = 500


def drain_outbox(db: Database, settings: Settings, *, batch: int = DRAIN_BATCH) -> int:
    """Apply up to `batch` outbox rows, oldest first; returns how many were applied."""
    with db.session() as session:
        if session.scalar(select(SearchOutbox.id).limit(1)) is None:
            return 0
    backend = get_backend(settings, db)
    with backend.writer_lock(LOCK_WAIT_SECONDS) as locked:
        if not locked:
            return 0
        with db.session() as session:
            rows = session.execute(
                select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.object_id, SearchOutbox.op)
                .order_by(SearchOutbox.id)
                .limit(batch)
            ).all()
            if not rows:
                return 0
            # The last row of an object wins; upserts read the object as it is now.
            latest = {(row.kind, row.object_id): row.op for row in rows}
            upserts, deletes = _documents_for(session, latest)
            backend.apply(upserts, deletes)
            session.execute(
                delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows]))
            )
            session.commit()
    return len(rows)


def _documents_for(
    session, latest: dict[tuple[str, int], str]
) -> tuple[list[SearchDocument], list[str]]:
    wanted: dict[str, list[int]] = {}
    deletes: list[str] = []
    for (kind, object_id), op in latest.items():
        if op == OutboxOp.DELETE or kind not in KINDS:
            deletes.append(document_key(kind, object_id))
        else:
            wanted.setdefault(kind, []).append(object_id)
    upserts: list[SearchDocument] = []
    for kind, ids in wanted.items():
        documents = KINDS[kind].load(session, ids)
        upserts.extend(documents)
        found = {document.object_id for document in documents}
        # Gone, or no longer searchable (a draft, a purged message): out of the index.
        deletes.extend(document_key(kind, object_id) for object_id in ids if object_id not in found)
    return upserts, deletes


def maintain_index(db: Database, settings: Settings) -> int:
    """Merge small index segments when due (never inside a user's request)."""
    backend = get_backend(settings, db)
    if not backend.maintenance_due():
        return 0
    with backend.writer_lock(0) as locked:
        return backend.maintain() if locked else 0


def warm_index(db: Database, settings: Settings) -> None:
    """Make the first search after a start as fast as the next ones."""
    get_backend(settings, db).warm()


def count_searchable(db: Database) -> int:
    with db.session() as session:
        return sum(
            session.scalar(select(func.count()).select_from(kind.ids().subquery()))
            for kind in KINDS.values()
        )


def _all_documents(db: Database, batch: int) -> Iterator[Sequence[SearchDocument]]:
    for kind in KINDS.values():
        with db.session() as session:
            ids = session.scalars(kind.ids()).all()
            for start in range(0, len(ids), batch):
                yield kind.load(session, ids[start : start + batch])
            # Read only: ending with a commit rather than a rollback keeps what the rebuild
            # wrote meanwhile when sessions are nested savepoints of one connection (tests).
            session.commit()


def reindex(
    db: Database,
    settings: Settings,
    *,
    progress: Callable[[int], None] = lambda count: None,
    lock_timeout: float = 60.0,
) -> int:
    """Rebuild the whole index from the database and swap it in; returns the documents indexed.

    Searches keep answering from the previous index meanwhile. The writer lock is held
    throughout, so changes made during the rebuild wait in the outbox and are applied
    to the new index right after. Raises RuntimeError when the lock stays busy.
    """
    backend = get_backend(settings, db)
    with backend.writer_lock(lock_timeout) as locked:
        if not locked:
            raise RuntimeError("another process is writing to the search index; try again")
        count = 0
        for count in backend.rebuild(_all_documents(db, REINDEX_BATCH)):
            progress(count)
    return count
