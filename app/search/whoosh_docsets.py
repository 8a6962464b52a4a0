"""The documents a query matches in one segment, as a Python set, read in bulk.

Whoosh answers `query.docs()` by stepping its matchers one document at a time in
Python: about 10 µs a document, so a word found in 90,000 posts took a second
before anything was ranked. Term postings are read here a block at a time, and the
boolean operators are set operations done in C. Query types without a bulk reading
here fall back to Whoosh's own stepping.

A phrase is matched in two steps: the documents holding each pair of its consecutive
words (one term of the `<field>_pairs` field each, see analysis.PairTokenizer), then,
for phrases of three words or more, the positions of its words in those few
documents. An index written before the pairs fields existed gets the documents
holding all the words instead: correct, slower for common words.

Reading a common word's postings still means unpickling every block (positions
included), so the sets of the terms read are kept per segment, within a budget of
document numbers. Segments never change but for deletions, which are removed from
each set as it is handed out. Sets handed out are shared: callers never change them.
"""

import math
from collections import OrderedDict
from itertools import pairwise

from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import (
    And,
    AndNot,
    NullQuery,
    NumericRange,
    Or,
    Phrase,
    Prefix,
    Query,
    Require,
    Term,
)
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher

from app.search.analysis import EXACT_MARK, pair_term

# About 60 bytes a number in a Python set: some 60 MB per process at most.
TERM_CACHE_BUDGET = 1_000_000


class TermSets:
    """Least recently used term postings, as sets, within TERM_CACHE_BUDGET numbers."""

    def __init__(self, budget: int = TERM_CACHE_BUDGET) -> None:
        self.budget = budget
        self._sets: OrderedDict[tuple, frozenset[int]] = OrderedDict()
        self._size = 0
        self._columns: dict[tuple[str, str], list] = {}

    def keep_only(self, segids: set[str]) -> None:
        """Forget the segments merged away."""
        for key in [key for key in self._sets if key[0] not in segids]:
            self._size -= len(self._sets.pop(key))
        for key in [key for key in self._columns if key[0] not in segids]:
            del self._columns[key]

    def column(self, reader: SegmentReader, field: str) -> list:
        """Every document's value of a sortable field, read once per segment."""
        key = (reader.segment().segid, field)
        if key not in self._columns:
            self._columns[key] = list(reader.column_reader(field))
        return self._columns[key]

    def ids(self, reader: SegmentReader, field: str, text: bytes) -> frozenset[int]:
        key = (reader.segment().segid, field, text)
        found = self._sets.get(key)
        if found is None:
            found = frozenset(_all_ids(reader.postings(field, text)))
            if len(found) <= self.budget:
                self._sets[key] = found
                self._size += len(found)
                while self._size > self.budget:
                    _key, dropped = self._sets.popitem(last=False)
                    self._size -= len(dropped)
        else:
            self._sets.move_to_end(key)
        deleted = reader.deleted_docs_set
        return found - deleted if deleted else found


def _all_ids(matcher) -> list[int]:
    """Whoosh's own `all_ids` steps one posting at a time; its leaf postings matcher holds
    each block's ids decoded, so they are taken a block at a time. Deletions are left
    to the caller."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not hasattr(matcher, "_read_ids"):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    return ids


def _term_ids(reader: SegmentReader, terms: TermSets, field: str, text: bytes) -> frozenset[int]:
    if (field, text) not in reader:
        return frozenset()
    return terms.ids(reader, field, text)


def _all_of(sets: list) -> frozenset[int] | set[int]:
    sets = sorted(sets, key=len)
    found = sets[0] if sets else frozenset()
    for other in sets[1:]:
        if not found:
            break
        found = found & other
    return found


def _phrase_docs(phrase: Phrase, sub: Searcher, terms: TermSets) -> frozenset[int] | set[int]:
    field, phrase_words = phrase.fieldname, phrase.words
    reader = sub.reader()
    to_bytes = sub.schema[field].to_bytes
    pairs_field = f"{field}_pairs"
    if len(phrase_words) > 1 and pairs_field in sub.schema:
        exact = [word.removeprefix(EXACT_MARK) for word in phrase_words]
        pairs_bytes = sub.schema[pairs_field].to_bytes
        candidates = _all_of(
            [
                _term_ids(reader, terms, pairs_field, pairs_bytes(pair_term(first, second)))
                for first, second in pairwise(exact)
            ]
        )
        if len(phrase_words) == 2:
            return candidates
    else:
        candidates = _all_of([_term_ids(reader, terms, field, to_bytes(w)) for w in phrase_words])
    return _in_sequence(reader, field, [to_bytes(word) for word in phrase_words], candidates)


def _in_sequence(
    reader: SegmentReader, field: str, phrase_words: list[bytes], candidates
) -> set[int]:
    """The candidates where the words stand one after the other, read from their positions."""
    if not candidates:
        return set()
    matchers = [reader.postings(field, word) for word in phrase_words]
    found = set()
    for doc in sorted(candidates):
        starts = None
        for offset, matcher in enumerate(matchers):
            if matcher.is_active() and matcher.id() < doc:
                matcher.skip_to(doc)
            if not matcher.is_active() or matcher.id() != doc:
                break
            shifted = {position - offset for position in matcher.value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                break
        else:
            found.add(doc)
    return found


def _in_range(query: NumericRange, reader: SegmentReader, terms: TermSets) -> set[int]:
    """A range of a sortable numeric field, read from its column rather than its terms."""
    low = -math.inf if query.start is None else query.start
    high = math.inf if query.end is None else query.end
    found = {
        doc
        for doc, value in enumerate(terms.column(reader, query.fieldname))
        if low <= value <= high
        and not (query.startexcl and value == low)
        and not (query.endexcl and value == high)
    }
    return found - reader.deleted_docs_set if reader.has_deletions() else found


def docset(query: Query, sub: Searcher, terms: TermSets) -> frozenset[int] | set[int]:
    """Segment-local numbers of the live documents `query` matches in `sub`'s segment."""
    reader = sub.reader()
    if query is NullQuery:
        return frozenset()
    if isinstance(query, Term):
        if query.fieldname not in sub.schema:
            return frozenset()
        text = sub.schema[query.fieldname].to_bytes(query.text)
        return _term_ids(reader, terms, query.fieldname, text)
    if isinstance(query, Prefix):
        found: set[int] = set()
        for text in reader.expand_prefix(query.fieldname, query.text):
            found |= _term_ids(reader, terms, query.fieldname, text)
        return found
    if isinstance(query, Phrase):
        return _phrase_docs(query, sub, terms)
    if isinstance(query, NumericRange) and query.fieldname in sub.schema:
        return _in_range(query, reader, terms)
    if isinstance(query, Or):
        found = set()
        for part in query.subqueries:
            found |= docset(part, sub, terms)
        return found
    if isinstance(query, And | Require):
        parts = query.subqueries
        found = docset(parts[0], sub, terms)
        for part in parts[1:]:
            if not found:
                break
            found = found & docset(part, sub, terms)
        return found
    if isinstance(query, AndNot):
        found = docset(query.a, sub, terms)
        return found - docset(query.b, sub, terms) if found else found
    return set(query.docs(sub))
