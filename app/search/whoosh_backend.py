"""The Whoosh backend: an index in the data folder, one writer, long-lived searchers.

Layout of `settings.search_dir`:

    current        symlink to the live index folder (swapped atomically by a rebuild)
    index-*/       Whoosh indexes: the live one, and the previous one until the next rebuild
    build-*/       a rebuild in progress
    writer.lock    the single-writer lock (fcntl), held by whoever drains, merges or rebuilds
    stamp          replaced after every commit or swap; readers compare it to know when to
                   refresh (cheap stat, no directory listing per search)

What the issue measured and this module avoids: user writes commit with
`merge=False` and segments are merged by `maintain()` in the background; there is
one writer, never an AsyncWriter; deletions use the long-lived searcher's document
numbers rather than `update_document` (which opens a searcher per call); each
process keeps one searcher and refreshes it when the stamp changes.
"""

import fcntl
import logging
import math
import multiprocessing
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from whoosh import index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema
from whoosh.formats import Existence
from whoosh.query import And, AndNot, NumericRange, Or, Phrase, Prefix, Query, Term
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from app.policy import Audience, ReadScope
from app.search.analysis import (
    EXACT_MARK,
    RELATED_MIN_STEM,
    FrenchTokenizer,
    PairTokenizer,
    prefix_term,
    words,
)
from app.search.backend import Hit, SearchPage, SearchRequest
from app.search.document import SearchDocument
from app.search.query import Term as QueryTerm
from app.search.query import TermKind
from app.search.whoosh_bulk import (
    PARALLEL_MIN_DOCUMENTS,
    bulk_writer,
    cancel_bulk,
    commit_bulk,
    read_ahead,
)
from app.search.whoosh_codec import MaillageCodec
from app.search.whoosh_docsets import TermSets, docset
from app.search.whoosh_results import Columns, LeafMatches, best_groups, count
from app.search.whoosh_scoring import TermPostings

log = logging.getLogger(__name__)

TITLE_BOOST = 2.5
RELATED_BOOST = 0.2
# Segments are merged by size tier (powers of MERGE_FACTOR documents) once a tier holds
# MERGE_FACTOR of them, unless the merge would exceed MAX_MERGE_DOCS: bounded work that
# never holds the writer lock long. Bigger segments are compacted by `maillage reindex`.
MERGE_FACTOR = 8
MAX_MERGE_DOCS = 50_000
MERGE_FAILED = 255  # the merging process's exit code when it failed
# Merging processes are forked from a server process started once with this module loaded:
# quick to start (a fresh interpreter takes a second), and never a fork of a process
# whose other threads may hold locks.
_MERGING = multiprocessing.get_context("forkserver")
_MERGING.set_forkserver_preload([__name__])
# Filters whose allowed documents are kept per segment (one per kind of reader, mostly).
ALLOWED_CACHE_SIZE = 12
NONE = "-"


def _schema() -> Schema:
    analyzer, pairs = FrenchTokenizer(), PairTokenizer()
    return Schema(
        key=ID(unique=True, stored=True),
        kind=ID(stored=True, sortable=True),
        object_id=STORED,
        group=ID(stored=True, sortable=True),
        network=ID(stored=True, sortable=True),
        audience=ID(stored=True),
        participants=KEYWORD(stored=True),
        author=ID(stored=True),
        category=ID(stored=True),
        category_label=STORED,
        tags=KEYWORD(stored=True, commas=True),
        status=KEYWORD(stored=True),
        created=NUMERIC(bits=64, stored=True, sortable=True, shift_step=16),
        updated=STORED,
        title=TEXT(analyzer=analyzer, stored=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=analyzer, stored=True),
        # Consecutive words as single terms, for phrases (see whoosh_docsets).
        # Only which documents hold a pair is needed: no frequencies, positions or lengths.
        title_pairs=FieldType(Existence(), pairs),
        body_pairs=FieldType(Existence(), pairs),
        heading=STORED,
        url=STORED,
    )


SCHEMA = _schema()
CODEC = MaillageCodec()
# Segments as separate files, not one compound file: Whoosh opens a compound segment by
# copying each part it reads into the process's memory (the postings, stored fields and
# terms of 100,000 posts: 200 MB per process), where separate files are read through the
# operating system's page cache, shared by every process.
WRITER_OPTIONS = {"codec": CODEC, "compound": False}


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _moment(micros: int) -> datetime:
    return datetime.fromtimestamp(micros / 1_000_000, UTC)


def _fields(document: SearchDocument) -> dict:
    return {
        "key": document.key,
        "kind": document.kind,
        "object_id": document.object_id,
        "group": document.group_key,
        "network": NONE if document.network_id is None else str(document.network_id),
        "audience": document.audience.value,
        "participants": " ".join(str(person) for person in document.participant_ids),
        "author": NONE if document.author_id is None else str(document.author_id),
        "category": document.category or NONE,
        "category_label": document.category_label,
        "tags": ",".join(document.tags),
        "status": " ".join(document.status),
        "created": _micros(document.created_at),
        "updated": _micros(document.modified_at),
        "title": document.title,
        "body": document.indexed_body,
        "title_pairs": document.title,
        "body_pairs": document.indexed_body,
        "heading": document.display_heading,
        "url": document.url,
    }


def _document(stored: dict) -> SearchDocument:
    network, author, category = stored["network"], stored["author"], stored["category"]
    return SearchDocument(
        kind=stored["kind"],
        object_id=stored["object_id"],
        title=stored["title"],
        body=stored["body"],
        url=stored["url"],
        created_at=_moment(stored["created"]),
        updated_at=_moment(stored["updated"]),
        audience=Audience(stored["audience"]),
        network_id=None if network == NONE else int(network),
        heading=stored["heading"],
        group=stored["group"],
        author_id=None if author == NONE else int(author),
        category="" if category == NONE else category,
        category_label=stored["category_label"],
        tags=tuple(tag for tag in stored["tags"].split(",") if tag),
        status=tuple(stored["status"].split()),
        participant_ids=tuple(int(person) for person in stored["participants"].split()),
    )


# --- query translation ------------------------------------------------------------


def _term_query(term: QueryTerm, fields: tuple[str, ...], related: bool = True) -> Query | None:
    if term.kind == TermKind.PREFIX:
        return Or([Prefix(field, EXACT_MARK + prefix_term(term.text)) for field in fields])
    parts = list(words(term.text))
    if not parts:
        return None
    if term.kind == TermKind.PHRASE or len(parts) > 1:
        exact = [EXACT_MARK + part.exact for part in parts]
        return Or([Phrase(field, exact) for field in fields])
    word = parts[0]
    alternatives: list[Query] = []
    for field in fields:
        alternatives.append(Term(field, EXACT_MARK + word.exact))
        stems = [Term(field, stem) for stem in word.stems]
        if stems:
            alternatives.append(stems[0] if len(stems) == 1 else And(stems))
        if related and len(word.stems) == 1 and len(word.stems[0]) >= RELATED_MIN_STEM:
            alternatives.append(Prefix(field, word.stems[0], boost=RELATED_BOOST))
    return Or(alternatives)


def _text_query(
    request: SearchRequest, *, title_only: bool = False, related: bool = True
) -> Query | None:
    """The words' query; without `related`, words sharing only a stem's start are left out
    (scoring them by a union of many terms is slow, and they rank below anyway)."""
    query = request.query
    fields = ("title",) if query.title_only or title_only else ("title", "body")
    clauses = []
    for clause in query.clauses:
        alternatives = [
            q for q in (_term_query(term, fields, related) for term in clause) if q is not None
        ]
        if alternatives:
            clauses.append(alternatives[0] if len(alternatives) == 1 else Or(alternatives))
    if not clauses:
        return None
    positive = clauses[0] if len(clauses) == 1 else And(clauses)
    excluded = [q for q in (_term_query(term, ("title", "body")) for term in query.excluded) if q]
    return AndNot(positive, Or(excluded)) if excluded else positive


def _any(field: str, values: Iterable[str]) -> Query:
    return Or([Term(field, value) for value in values])


def _visibility_query(scope: ReadScope) -> Query:
    allowed: list[Query] = []
    for grant in scope.grants:
        audience = Term("audience", grant.audience.value)
        if grant.network_ids is None:
            allowed.append(audience)
        elif grant.network_ids:
            allowed.append(And([audience, _any("network", (str(n) for n in grant.network_ids))]))
    if scope.participant_id is not None:
        allowed.append(
            And(
                [
                    Term("audience", Audience.PARTICIPANTS.value),
                    Term("participants", str(scope.participant_id)),
                ]
            )
        )
    return Or(allowed)


def _filter_query(request: SearchRequest) -> Query:
    query = request.query
    filters: list[Query] = [_visibility_query(request.scope)]
    if request.kinds is not None:
        filters.append(_any("kind", request.kinds))
    if request.network_ids is not None:
        filters.append(_any("network", (str(n) for n in request.network_ids)))
    if request.author_ids is not None:
        filters.append(_any("author", (str(n) for n in request.author_ids)))
    if query.categories:
        filters.append(_any("category", query.categories))
    if query.tags:
        filters.append(_any("tags", query.tags))
    if query.statuses:
        filters.append(_any("status", query.statuses))
    if request.after is not None or request.before is not None:
        start = _micros(request.after) if request.after else None
        end = _micros(request.before) - 1 if request.before else None
        filters.append(NumericRange("created", start, end))
    return And(filters)


def _wants_results(request: SearchRequest, text: Query | None) -> bool:
    """Filters alone list results only when they narrow something down."""
    return text is not None or (request.query.has_narrowing_filter and not request.query.has_words)


# --- the index folder ---------------------------------------------------------------


@dataclass
class _Opened:
    path: Path
    index: index.FileIndex
    searcher: Searcher
    stamp: tuple[int, int] | None


class WhooshBackend:
    name = "whoosh"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.RLock()
        self._opened: _Opened | None = None
        self._columns: dict[str, Columns] = {}
        # Documents each filter allows, per segment: segments never change but for
        # deletions, which the matching removes.
        self._allowed: OrderedDict[tuple[str, str], set[int]] = OrderedDict()
        self._terms = TermSets()
        self._postings = TermPostings()

    # --- files

    @property
    def _current_link(self) -> Path:
        return self.root / "current"

    @property
    def _stamp_path(self) -> Path:
        return self.root / "stamp"

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self._stamp_path)
        except FileNotFoundError:
            return None
        return info.st_ino, info.st_mtime_ns

    def _touch_stamp(self) -> None:
        temporary = self.root / f"stamp.{uuid.uuid4().hex}"
        temporary.write_text(f"{time.time_ns()}\n")
        os.replace(temporary, self._stamp_path)

    def _current_path(self) -> Path | None:
        try:
            return self.root / os.readlink(self._current_link)
        except FileNotFoundError:
            return None

    def _point_current_to(self, folder: Path) -> None:
        temporary = self.root / f"current.{uuid.uuid4().hex}"
        os.symlink(folder.name, temporary)
        os.replace(temporary, self._current_link)

    def _new_folder(self, prefix: str) -> Path:
        return self.root / f"{prefix}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"

    def _ensure_index(self) -> None:
        """Create an empty index when there is none yet (the caller holds the writer lock)."""
        if self._current_path() is not None:
            return
        folder = self._new_folder("index")
        folder.mkdir(parents=True)
        index.create_in(str(folder), SCHEMA)
        self._point_current_to(folder)
        self._touch_stamp()

    # --- locking

    @contextmanager
    def writer_lock(self, timeout: float) -> Iterator[bool]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "writer.lock", "a+") as lock_file:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.02)
            try:
                self._ensure_index()
                yield True
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    # --- reading

    def _refresh(self) -> _Opened | None:
        """The searcher for the latest committed index, reopened only when the stamp moved."""
        stamp = self._read_stamp()
        opened = self._opened
        if opened is not None and stamp == opened.stamp:
            return opened
        path = self._current_path()
        if path is None:
            return None
        if opened is not None and opened.path == path:
            opened.searcher = _renewed(opened)
            opened.stamp = stamp
        else:
            ix = index.open_dir(str(path))
            if opened is not None:
                opened.searcher.close()
            self._opened = opened = _Opened(path, ix, ix.searcher(), stamp)
        live = {reader.segment().segid for _sub, reader, _offset in _leaves(opened.searcher)}
        self._columns = {segid: cols for segid, cols in self._columns.items() if segid in live}
        for key in [key for key in self._allowed if key[0] not in live]:
            del self._allowed[key]
        self._terms.keep_only(live)
        self._postings.keep_only(live)
        return opened

    @contextmanager
    def _searching(self) -> Iterator[Searcher | None]:
        # One searcher per process, used by one thread at a time: Whoosh is pure Python, so
        # under the GIL this costs no throughput, and refresh() may close what it replaces.
        with self._lock:
            opened = self._refresh()
            yield opened.searcher if opened is not None else None

    def _columns_of(self, reader: SegmentReader) -> Columns:
        segid = reader.segment().segid
        columns = self._columns.get(segid)
        if columns is None:
            created = self._terms.column(reader, "created")
            columns = Columns(
                kind=list(reader.column_reader("kind")),
                group=list(reader.column_reader("group")),
                network=list(reader.column_reader("network")),
                created=created,
                newest=sorted(range(len(created)), key=created.__getitem__, reverse=True),
            )
            self._columns[segid] = columns
        return columns

    def _allowed_docs(self, sub: Searcher, filters: Query) -> set[int]:
        key = (sub.reader().segment().segid, repr(filters))
        allowed = self._allowed.get(key)
        if allowed is None:
            allowed = self._allowed[key] = docset(filters, sub, self._terms)
            if len(self._allowed) > ALLOWED_CACHE_SIZE:
                self._allowed.popitem(last=False)
        else:
            self._allowed.move_to_end(key)
        return allowed

    def _matches(self, searcher: Searcher, request: SearchRequest, text: Query | None):
        filters = _filter_query(request)
        leaves = []
        for sub, reader, offset in _leaves(searcher):
            allowed = self._allowed_docs(sub, filters)
            if text is None:
                docs = allowed - reader.deleted_docs_set
            else:
                docs = allowed & docset(text, sub, self._terms)
            if docs:
                leaves.append(LeafMatches(sub, offset, self._columns_of(reader), docs))
        return leaves

    def _best(self, request: SearchRequest, text: Query | None, leaves, wanted: int):
        if text is None:
            return best_groups(
                leaves, None, None, request.query.order, wanted, self._terms, self._postings
            )
        title = _text_query(request, title_only=True)
        scoring = _text_query(request, related=False) or text
        return best_groups(
            leaves, scoring, title, request.query.order, wanted, self._terms, self._postings
        )

    def search(self, request: SearchRequest) -> SearchPage:
        text = _text_query(request)
        if not _wants_results(request, text):
            return SearchPage([], 0, 0)
        with self._searching() as searcher:
            if searcher is None:
                return SearchPage([], 0, 0)
            leaves = self._matches(searcher, request, text)
            facets = count(leaves)
            wanted = request.offset + request.limit
            best = self._best(request, text, leaves, wanted)
            groups = facets.groups
            hits = [
                Hit(_document(searcher.stored_fields(docnum)), score, groups[group])
                for group, score, docnum in best[request.offset : wanted]
            ]
            return SearchPage(
                hits=hits,
                total_groups=len(groups),
                total_matches=sum(groups.values()),
                kind_counts=dict(facets.kinds),
                network_counts={
                    None if key == NONE else int(key): number
                    for key, number in facets.networks.items()
                },
            )

    def suggest(self, request: SearchRequest) -> list[Hit]:
        text = _text_query(request)
        if not _wants_results(request, text):
            return []
        with self._searching() as searcher:
            if searcher is None:
                return []
            leaves = self._matches(searcher, request, text)
            best = self._best(request, text, leaves, request.limit)
            return [
                Hit(_document(searcher.stored_fields(docnum)), score) for _g, score, docnum in best
            ]

    # --- writing

    def _writable(self) -> _Opened:
        """The opened index, up to date with the last commit (the caller holds the writer lock)."""
        opened = self._refresh()
        if opened is None:
            raise RuntimeError("no search index: writer_lock() creates it")
        if not opened.searcher.up_to_date():
            # A writer died between its commit and its stamp: the stamp is not enough here,
            # since document numbers from a stale searcher would delete the wrong documents.
            opened.searcher = _renewed(opened)
        return opened

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str]) -> None:
        keys = {document.key for document in upserts} | set(deletes)
        with self._lock:
            opened = self._writable()
            docnums = [n for key in keys for n in opened.searcher.document_numbers(key=key)]
            writer = opened.index.writer(**WRITER_OPTIONS)
            try:
                for docnum in docnums:
                    writer.delete_document(docnum)
                for document in upserts:
                    writer.add_document(**_fields(document))
            except BaseException:
                writer.cancel()
                raise
            writer.commit(merge=False)
            self._touch_stamp()

    def maintenance_due(self) -> bool:
        with self._searching() as searcher:
            if searcher is None:
                return False
            return bool(
                _merge_plan([reader.segment() for _sub, reader, _offset in _leaves(searcher)])
            )

    def maintain(self) -> int:
        """Merge the smallest full tier of segments, in a process of its own: a merge is pure
        Python, and in this one it would hold the interpreter, and so every request, for
        seconds. The caller holds the writer lock, which the child works under."""
        with self._lock:
            path = self._writable().path
        started = time.monotonic()
        child = _MERGING.Process(
            target=_merge_tier, args=(str(path),), name="maillage-search-merge"
        )
        child.start()
        child.join()
        if child.exitcode not in range(0, MERGE_FAILED):
            raise RuntimeError(f"merging search segments failed (exit code {child.exitcode})")
        if child.exitcode:
            self._touch_stamp()
            log.info(
                "merged %s search segments in %.2f s", child.exitcode, time.monotonic() - started
            )
        return child.exitcode

    def rebuild(self, batches: Iterable[Sequence[SearchDocument]]) -> Iterator[int]:
        for stale in self.root.glob("build-*"):
            shutil.rmtree(stale, ignore_errors=True)
        build = self._new_folder("build")
        build.mkdir(parents=True)
        ix = index.create_in(str(build), SCHEMA)
        writer = None
        count = 0
        try:
            ahead, rest = read_ahead(batches, PARALLEL_MIN_DOCUMENTS)
            writer = bulk_writer(ix, sum(len(batch) for batch in ahead), **WRITER_OPTIONS)
            for batch in chain(ahead, rest):
                for document in batch:
                    writer.add_document(**_fields(document))
                count += len(batch)
                yield count
            commit_bulk(writer)
        except BaseException:
            if writer is not None:
                cancel_bulk(writer)
            shutil.rmtree(build, ignore_errors=True)
            raise
        final = self.root / build.name.replace("build-", "index-", 1)
        os.rename(build, final)
        previous = self._current_path()
        self._point_current_to(final)
        self._touch_stamp()
        # The previous index stays until the next rebuild: another process may still be
        # finishing a search on it before it notices the new stamp.
        for old in self.root.glob("index-*"):
            if old not in (final, previous):
                shutil.rmtree(old, ignore_errors=True)

    def stats(self) -> dict[str, int]:
        with self._searching() as searcher:
            documents = searcher.doc_count() if searcher is not None else 0
            path = self._opened.path if self._opened is not None else None
        size = sum(f.stat().st_size for f in path.iterdir()) if path is not None else 0
        return {"documents": documents, "bytes": size}

    def warm(self) -> None:
        """Open the searcher and read each segment's columns (a second at 100,000 posts)."""
        with self._searching() as searcher:
            if searcher is not None:
                for _sub, reader, _offset in _leaves(searcher):
                    self._columns_of(reader)

    def close(self) -> None:
        with self._lock:
            if self._opened is not None:
                self._opened.searcher.close()
                self._opened = None


def _renewed(opened: _Opened) -> Searcher:
    """The searcher for the latest commit, reusing the readers of unchanged segments.

    Whoosh's own `refresh()` reuses a segment's reader whenever the segment id is the
    same, even when the commit deleted documents in it: deleted documents would stay
    findable. Here a segment whose deletions changed gets a new reader.
    """
    toc = opened.index._read_toc()
    reusable = {
        reader.segment().segment_id(): reader
        for reader, _offset in opened.searcher.reader().leaf_readers()
        if isinstance(reader, SegmentReader)
    }
    readers = []
    for segment in toc.segments:
        reader = reusable.pop(segment.segment_id(), None)
        if reader is not None and reader.segment().deleted_count() != segment.deleted_count():
            reusable[segment.segment_id()] = reader  # closed below
            reader = None
        if reader is None:
            reader = SegmentReader(
                opened.index.storage, toc.schema, segment, generation=toc.generation
            )
        readers.append(reader)
    for stale in reusable.values():
        stale.close()
    # A MultiReader even for one segment: it carries the new generation (up_to_date()).
    reader = MultiReader(readers, generation=toc.generation) if readers else EmptyReader(toc.schema)
    return Searcher(reader, fromindex=opened.index)


def _leaves(searcher: Searcher) -> list[tuple[Searcher, SegmentReader, int]]:
    """(sub-searcher, its segment, its first document number) per segment; none when empty."""
    return [
        (sub, sub.reader(), offset)
        for sub, offset in searcher.leaf_searchers()
        if isinstance(sub.reader(), SegmentReader)
    ]


def _tier(doc_count: int) -> int:
    return int(math.log(max(doc_count, 1), MERGE_FACTOR))


def _merge_plan(segments: Sequence) -> list:
    """The segments of the smallest full tier, if merging them stays cheap."""
    tiers: dict[int, list] = {}
    for segment in segments:
        tiers.setdefault(_tier(segment.doc_count()), []).append(segment)
    for tier in sorted(tiers):
        members = tiers[tier]
        if (
            len(members) >= MERGE_FACTOR
            and sum(s.doc_count_all() for s in members) <= MAX_MERGE_DOCS
        ):
            return members
    return []


def _merge_tier(path: str) -> None:
    """In a child process: merge the index's smallest full tier; the exit code tells how many
    segments were merged."""
    try:
        writer = index.open_dir(path).writer(**WRITER_OPTIONS)
        plan = _merge_plan(writer.segments)
        if plan:
            writer.commit(mergetype=lambda w, segments: _merge(w, segments, plan))
        else:
            writer.cancel()
    except BaseException:
        log.exception("merging search segments failed")
        os._exit(MERGE_FAILED)
    os._exit(min(len(plan), MERGE_FAILED - 1))


def _merge(writer, segments: Sequence, plan: list) -> list:
    merged = {segment.segid for segment in plan}
    for segment in plan:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment.segid not in merged]
