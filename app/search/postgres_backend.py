"""The PostgreSQL backend: full-text search in the database every app server shares.

Two text search configurations are created by the migration: `maillage_french` (the
`french` configuration with `unaccent` before the French stemmer) and
`maillage_exact` (unaccented, lower-cased, not stemmed, French stop words). Each
document keeps two tsvectors, both with a GIN index:

    title_tsv     title exact forms (weight A) and stems (B)         for in:title
    document_tsv  title_tsv, body exact forms (C) and stems (D)     for everything else

so ranking puts the title above the body and the exact form above the stem, like
the Whoosh backend. The table is not in the application's metadata: only this
module, and only on PostgreSQL, knows it exists.
"""

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, REGCONFIG, TSVECTOR, insert
from sqlalchemy.sql.elements import ColumnElement

from app.db import NAMING_CONVENTION, Database
from app.policy import Audience, ReadScope
from app.search.analysis import RELATED_MIN_STEM, prefix_term, words
from app.search.backend import Hit, SearchPage, SearchRequest
from app.search.document import SearchDocument
from app.search.query import Order, Term, TermKind

FRENCH = "maillage_french"
EXACT = "maillage_exact"
# Any constant shared by every process: the advisory lock of the single index writer.
WRITER_LOCK_KEY = 0x4D41494C  # "MAIL"

metadata = MetaData(naming_convention=NAMING_CONVENTION)

search_document = Table(
    "search_document",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("object_id", Integer, nullable=False),
    Column("group_key", String(80), nullable=False),
    Column("network_id", Integer, index=True),
    Column("audience", String(20), nullable=False),
    Column("participant_ids", ARRAY(Integer), nullable=False),
    Column("author_id", Integer),
    Column("category", String(80), nullable=False),
    Column("category_label", String(200), nullable=False),
    Column("tags", ARRAY(Text), nullable=False),
    Column("status", ARRAY(Text), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("heading", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("title_tsv", TSVECTOR, nullable=False),
    Column("document_tsv", TSVECTOR, nullable=False),
    Index("ix_search_document_title_tsv", "title_tsv", postgresql_using="gin"),
    Index("ix_search_document_document_tsv", "document_tsv", postgresql_using="gin"),
)
t = search_document.c


def _config(name: str):
    return cast(literal(name), REGCONFIG)


def _vector(config: str, text, weight: str):
    # setweight takes a "char", which a bound VARCHAR parameter is not: the weight is a constant.
    return func.setweight(func.to_tsvector(_config(config), text), literal_column(f"'{weight}'"))


def _title_vector(title):
    return _vector(EXACT, title, "A").op("||")(_vector(FRENCH, title, "B"))


def _row(document: SearchDocument) -> dict:
    return {
        "key": document.key,
        "kind": document.kind,
        "object_id": document.object_id,
        "group_key": document.group_key,
        "network_id": document.network_id,
        "audience": document.audience.value,
        "participant_ids": list(document.participant_ids),
        "author_id": document.author_id,
        "category": document.category,
        "category_label": document.category_label,
        "tags": list(document.tags),
        "status": list(document.status),
        "created_at": document.created_at,
        "updated_at": document.modified_at,
        "title": document.title,
        "body": document.indexed_body.replace("\x00", ""),
        "heading": document.display_heading,
        "url": document.url,
    }


def _upsert_statement():
    """INSERT .. ON CONFLICT UPDATE for rows from `_row`, the vectors computed by the server."""
    values = {
        c.name: bindparam(f"p_{c.name}", type_=c.type)
        for c in search_document.columns
        if c.name not in ("title_tsv", "document_tsv")
    }
    title, body = values["title"], values["body"]
    values["title_tsv"] = _title_vector(title)
    values["document_tsv"] = (
        _title_vector(title)
        .op("||")(_vector(EXACT, body, "C"))
        .op("||")(_vector(FRENCH, body, "D"))
    )
    statement = insert(search_document).values(values)
    updated = {
        c.name: statement.excluded[c.name] for c in search_document.columns if c.name != "key"
    }
    return statement.on_conflict_do_update(index_elements=[t.key], set_=updated)


def _parameters(documents: Sequence[SearchDocument]) -> list[dict]:
    return [
        {f"p_{name}": value for name, value in _row(document).items()} for document in documents
    ]


# --- query translation --------------------------------------------------------------


def _term_tsquery(term: Term) -> ColumnElement | None:
    if term.kind == TermKind.PREFIX:
        prefix = "".join(
            char for char in prefix_term(term.text) if char.isalnum() or char in "-_.@+/"
        )
        return func.to_tsquery(_config(EXACT), f"'{prefix}':*") if prefix else None
    parts = list(words(term.text))
    if not parts:
        return None
    if term.kind == TermKind.PHRASE or len(parts) > 1:
        return func.phraseto_tsquery(_config(EXACT), term.text)
    query = func.tsquery_or(
        func.phraseto_tsquery(_config(EXACT), term.text),
        func.phraseto_tsquery(_config(FRENCH), term.text),
    )
    stems = parts[0].stems
    if len(stems) == 1 and len(stems[0]) >= RELATED_MIN_STEM:
        # A stem's longer relatives ("sécur" -> "sécuriser"), among stems only (weights B, D).
        related = "".join(char for char in stems[0] if char.isalnum())
        query = func.tsquery_or(query, func.to_tsquery(_config("simple"), f"'{related}':*BD"))
    return query


def _combine(queries: list[ColumnElement], function) -> ColumnElement | None:
    if not queries:
        return None
    combined = queries[0]
    for query in queries[1:]:
        combined = function(combined, query)
    return combined


def _tsquery(request: SearchRequest) -> ColumnElement | None:
    clauses = []
    for clause in request.query.clauses:
        alternatives = [q for q in (_term_tsquery(term) for term in clause) if q is not None]
        if alternatives:
            clauses.append(_combine(alternatives, func.tsquery_or))
    positive = _combine(clauses, func.tsquery_and)
    if positive is None:
        return None
    excluded = [
        q for q in (_term_tsquery(term) for term in request.query.excluded) if q is not None
    ]
    if excluded:
        positive = func.tsquery_and(positive, func.tsquery_not(_combine(excluded, func.tsquery_or)))
    return positive


def _visibility(scope: ReadScope) -> ColumnElement:
    allowed = []
    for grant in scope.grants:
        audience = t.audience == grant.audience.value
        if grant.network_ids is None:
            allowed.append(audience)
        elif grant.network_ids:
            allowed.append(and_(audience, t.network_id.in_(sorted(grant.network_ids))))
    if scope.participant_id is not None:
        allowed.append(
            and_(
                t.audience == Audience.PARTICIPANTS.value,
                t.participant_ids.contains([scope.participant_id]),
            )
        )
    return or_(*allowed) if allowed else ~true()


def _conditions(request: SearchRequest) -> list[ColumnElement]:
    query = request.query
    conditions = [_visibility(request.scope)]
    if request.kinds is not None:
        conditions.append(t.kind.in_(sorted(request.kinds)))
    if request.network_ids is not None:
        conditions.append(t.network_id.in_(sorted(request.network_ids)))
    if request.author_ids is not None:
        conditions.append(t.author_id.in_(sorted(request.author_ids)))
    if query.categories:
        conditions.append(t.category.in_(sorted(query.categories)))
    if query.tags:
        conditions.append(t.tags.overlap(sorted(query.tags)))
    if query.statuses:
        conditions.append(t.status.overlap(sorted(query.statuses)))
    if request.after is not None:
        conditions.append(t.created_at >= request.after)
    if request.before is not None:
        conditions.append(t.created_at < request.before)
    return conditions


def _document(row) -> SearchDocument:
    return SearchDocument(
        kind=row.kind,
        object_id=row.object_id,
        title=row.title,
        body=row.body,
        url=row.url,
        created_at=row.created_at,
        updated_at=row.updated_at,
        audience=Audience(row.audience),
        network_id=row.network_id,
        heading=row.heading,
        group=row.group_key,
        author_id=row.author_id,
        category=row.category,
        category_label=row.category_label,
        tags=tuple(row.tags),
        status=tuple(row.status),
        participant_ids=tuple(row.participant_ids),
    )


class PostgresBackend:
    name = "postgres"

    def __init__(self, db: Database) -> None:
        self.db = db

    def _matches(self, request: SearchRequest):
        """(select of matching rows with a rank, or None when nothing can match)."""
        tsquery = _tsquery(request)
        conditions = _conditions(request)
        if tsquery is None:
            if not (request.query.has_narrowing_filter and not request.query.has_words):
                return None
            rank = literal(0.0)
        else:
            vector = t.title_tsv if request.query.title_only else t.document_tsv
            conditions.append(vector.op("@@")(tsquery))
            rank = func.ts_rank(vector, tsquery)
        return (
            select(t.key, t.group_key, t.kind, t.network_id, t.created_at, rank.label("rank"))
            .where(*conditions)
            .cte("matches")
        )

    def _best_per_group(self, matches, order: Order):
        latest = order == Order.LATEST
        within = [matches.c.group_key]
        within += (
            [matches.c.created_at.desc()]
            if latest
            else [matches.c.rank.desc(), matches.c.created_at.desc()]
        )
        best = (
            select(
                matches.c.key,
                matches.c.rank,
                matches.c.created_at,
                func.count().over(partition_by=matches.c.group_key).label("group_matches"),
            )
            .distinct(matches.c.group_key)
            .order_by(*within)
            .subquery("best")
        )
        ordering = (
            [best.c.created_at.desc()] if latest else [best.c.rank.desc(), best.c.created_at.desc()]
        )
        return best, ordering

    def _page(self, request: SearchRequest, matches, limit: int, offset: int) -> list[Hit]:
        best, ordering = self._best_per_group(matches, request.query.order)
        statement = (
            select(search_document, best.c.rank, best.c.group_matches)
            .join(best, best.c.key == t.key)
            .order_by(*ordering)
            .limit(limit)
            .offset(offset)
        )
        with self.db.session() as session:
            rows = session.execute(statement).all()
        return [Hit(_document(row), float(row.rank), row.group_matches) for row in rows]

    def search(self, request: SearchRequest) -> SearchPage:
        matches = self._matches(request)
        if matches is None:
            return SearchPage([], 0, 0)
        with self.db.session() as session:
            facet_rows = session.execute(self._facet_statement(matches)).all()
        kind_counts: dict[str, int] = {}
        network_counts: dict[int | None, int] = {}
        total_groups = total_matches = 0
        for grouped_by, kind, network_id, count, groups in facet_rows:
            if grouped_by == "kind":
                kind_counts[kind] = count
            elif grouped_by == "network":
                network_counts[network_id] = count
            else:
                total_matches, total_groups = count, groups
        if total_matches == 0:
            return SearchPage([], 0, 0)
        hits = self._page(request, matches, request.limit, request.offset)
        return SearchPage(hits, total_groups, total_matches, kind_counts, network_counts)

    @staticmethod
    def _facet_statement(matches):
        by_kind = select(
            literal("kind").label("grouped_by"),
            matches.c.kind,
            literal(None, Integer).label("network_id"),
            func.count(),
            literal(0).label("groups"),
        ).group_by(matches.c.kind)
        by_network = select(
            literal("network"),
            literal(None, String),
            matches.c.network_id,
            func.count(),
            literal(0),
        ).group_by(matches.c.network_id)
        overall = select(
            literal("all"),
            literal(None, String),
            literal(None, Integer),
            func.count(),
            func.count(matches.c.group_key.distinct()),
        )
        return by_kind.union_all(by_network, overall)

    def suggest(self, request: SearchRequest) -> list[Hit]:
        matches = self._matches(request)
        if matches is None:
            return []
        return self._page(request, matches, request.limit, 0)

    @contextmanager
    def writer_lock(self, timeout: float) -> Iterator[bool]:
        # A transaction-level advisory lock: released when this session's transaction ends,
        # or by the server when the process dies, so it can never stay held by mistake. The
        # transaction wrote nothing; it ends with a commit rather than a rollback so that, when
        # sessions are nested savepoints of one connection (tests), the writes made while the
        # lock was held are not rolled back with it.
        with self.db.session() as session:
            deadline = time.monotonic() + timeout
            while not session.scalar(select(func.pg_try_advisory_xact_lock(WRITER_LOCK_KEY))):
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.02)
            try:
                yield True
            finally:
                session.commit()

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str]) -> None:
        with self.db.session() as session:
            if deletes:
                session.execute(delete(search_document).where(t.key.in_(list(deletes))))
            if upserts:
                session.execute(_upsert_statement(), _parameters(upserts))
            session.commit()

    def rebuild(self, batches: Iterable[Sequence[SearchDocument]]) -> Iterator[int]:
        # One transaction: searches see the previous rows until the commit (MVCC), and a
        # concurrent drainer's upsert of a row waits for it rather than being lost.
        count = 0
        with self.db.session() as session:
            session.execute(delete(search_document))
            for batch in batches:
                if batch:
                    session.execute(_upsert_statement(), _parameters(batch))
                count += len(batch)
                yield count
            session.commit()

    def maintenance_due(self) -> bool:
        return False  # PostgreSQL's autovacuum keeps the GIN indexes in shape

    def maintain(self) -> int:
        return 0

    def warm(self) -> None:
        """Nothing to read ahead: PostgreSQL keeps its own caches."""

    def stats(self) -> dict[str, int]:
        with self.db.session() as session:
            documents = session.scalar(select(func.count()).select_from(search_document))
            size = session.scalar(select(func.pg_total_relation_size("search_document")))
        return {"documents": documents, "bytes": size}
