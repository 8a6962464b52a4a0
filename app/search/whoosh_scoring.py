"""Whoosh's BM25F scores for a few candidate documents, computed a query node at a time.

Whoosh scores by walking a matcher tree to each candidate; its postings have no skip
list, so reaching the newest documents of a common word steps through every block
header before them: four tenths of a search. Here each term's postings (ids and
weights) are read once a block at a time, kept within a budget, and looked up by
bisection. The arithmetic is Whoosh's own: `scoring.bm25` with the index-wide idf and
average field length, sums over the parts of `Or` and `And`, the words' scores for a
phrase, the sum over the words a prefix stands for.
"""

from array import array
from bisect import bisect_left
from collections import OrderedDict
from itertools import islice

from whoosh.query import And, AndNot, Or, Phrase, Prefix, Query, Require, Term
from whoosh.reading import SegmentReader
from whoosh.scoring import bm25
from whoosh.searching import Searcher

from app.search.whoosh_docsets import TermSets, docset

# Postings kept: 8 bytes each (id and weight), some 32 MB per process at most.
POSTINGS_BUDGET = 4_000_000
# A prefix with more words than this scores its documents alike, rather than reading them all.
MAX_EXPANDED = 64
B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which the index is searched with

Scores = dict[int, float]


class TermPostings:
    """Least recently used term postings as parallel arrays of ids and weights."""

    def __init__(self, budget: int = POSTINGS_BUDGET) -> None:
        self.budget = budget
        self._postings: OrderedDict[tuple, tuple[array, array]] = OrderedDict()
        self._size = 0

    def keep_only(self, segids: set[str]) -> None:
        for key in [key for key in self._postings if key[0] not in segids]:
            self._size -= len(self._postings.pop(key)[0])

    def get(self, reader: SegmentReader, field: str, text: bytes) -> tuple[array, array]:
        key = (reader.segment().segid, field, text)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = _read(reader, field, text)
        if len(found[0]) <= self.budget:
            self._postings[key] = found
            self._size += len(found[0])
            while self._size > self.budget:
                _key, (dropped, _weights) = self._postings.popitem(last=False)
                self._size -= len(dropped)
        return found


def _read(reader: SegmentReader, field: str, text: bytes) -> tuple[array, array]:
    ids, weights = array("I"), array("f")
    if (field, text) not in reader:
        return ids, weights
    matcher = reader.postings(field, text)
    matcher = getattr(matcher, "child", matcher)  # deletions are the candidates' concern
    if not hasattr(matcher, "_read_ids"):
        for doc in matcher.all_ids():
            ids.append(doc)
            weights.append(matcher.weight())
        return ids, weights
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.extend(matcher._ids[matcher._i :])
        weights.extend(matcher._weights[matcher._i :])
        matcher._next_block()
    return ids, weights


class Scorer:
    """Scores of candidates of one segment; `top` is the whole index's searcher."""

    def __init__(self, sub: Searcher, top: Searcher, terms: TermSets, postings: TermPostings):
        self.sub, self.top, self.terms, self.postings = sub, top, terms, postings
        self.reader = sub.reader()

    def scores(self, query: Query, docs: set[int]) -> Scores:
        """Each document of `docs` that `query` matches, with its score."""
        if not docs:
            return {}
        if isinstance(query, Term):
            return self._term(query.fieldname, query.text, docs, query.boost)
        if isinstance(query, Or):
            total: Scores = {}
            for part in query.subqueries:
                for doc, score in self.scores(part, docs).items():
                    total[doc] = total.get(doc, 0.0) + score
            return total
        if isinstance(query, And):
            total = {doc: 0.0 for doc in docs}
            for part in query.subqueries:
                found = self.scores(part, set(total))
                total = {doc: total[doc] + score for doc, score in found.items()}
            return total
        if isinstance(query, AndNot | Require):
            return self.scores(query.a if isinstance(query, AndNot) else query.subqueries[0], docs)
        if isinstance(query, Phrase):
            matched = docs & docset(query, self.sub, self.terms)
            return self.scores(And([Term(query.fieldname, word) for word in query.words]), matched)
        if isinstance(query, Prefix) and query.fieldname in self.sub.schema:
            expanded = list(
                islice(self.reader.expand_prefix(query.fieldname, query.text), MAX_EXPANDED + 1)
            )
            if len(expanded) <= MAX_EXPANDED:
                from_bytes = self.sub.schema[query.fieldname].from_bytes
                terms = [
                    Term(query.fieldname, from_bytes(text), boost=query.boost) for text in expanded
                ]
                return self.scores(Or(terms), docs)
        return {doc: query.boost for doc in docs & docset(query, self.sub, self.terms)}

    def _term(self, field: str, text: str, docs: set[int], boost: float) -> Scores:
        schema = self.sub.schema
        if field not in schema:
            return {}
        ids, weights = self.postings.get(self.reader, field, schema[field].to_bytes(text))
        if not ids:
            return {}
        idf = self.top.idf(field, text)
        average = self.top.avg_field_length(field) or 1
        length = self.reader.doc_field_length
        found: Scores = {}
        for doc in docs:
            at = bisect_left(ids, doc)
            if at < len(ids) and ids[at] == doc:
                tf = weights[at]
                found[doc] = boost * bm25(idf, tf, length(doc, field, 1) or 1, average, B, K1)
        return found
