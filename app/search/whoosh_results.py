"""Which documents match, what the facets count, and which one best represents each group.

Matching is done with bulk sets (whoosh_docsets), so its cost follows the number of
postings read, not Python steps per document. Ranking scores the candidates only,
with Whoosh's BM25F (see whoosh_scoring). When a query matches more than
SCORED_WINDOW documents (a word found in most posts), the candidates are the matches
in titles and the newest matches, up to that window each: scoring every one of 90,000
documents in pure Python took over a second, and for so common a word the newest
discussions are the useful ones. Deeper pages go on through the rest, newest first.
"""

import heapq
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from whoosh.query import Query
from whoosh.searching import Searcher

from app.search.query import Order
from app.search.whoosh_docsets import TermSets, docset
from app.search.whoosh_scoring import Scorer, TermPostings

SCORED_WINDOW = 250


@dataclass(frozen=True)
class Columns:
    """Per-document values of one segment, read once per segment and kept."""

    kind: list[str]
    group: list[str]
    network: list[str]
    created: list[int]
    newest: list[int]  # the documents, newest first


@dataclass
class LeafMatches:
    sub: Searcher
    offset: int
    columns: Columns
    docs: set[int]


@dataclass
class Facets:
    kinds: Counter
    networks: Counter
    groups: Counter


def count(leaves: list[LeafMatches]) -> Facets:
    facets = Facets(Counter(), Counter(), Counter())
    for leaf in leaves:
        columns = leaf.columns
        facets.kinds.update(map(columns.kind.__getitem__, leaf.docs))
        facets.networks.update(map(columns.network.__getitem__, leaf.docs))
        facets.groups.update(map(columns.group.__getitem__, leaf.docs))
    return facets


# A match set holding more than this share of its segment is walked in the segment's
# newest-first order; a smaller one is sorted.
DENSE_SHARE = 0.1


def _newest_docs(leaf: LeafMatches, docs: set[int]) -> Iterator[int]:
    if len(docs) > DENSE_SHARE * len(leaf.columns.newest):
        return (doc for doc in leaf.columns.newest if doc in docs)
    return iter(sorted(docs, key=leaf.columns.created.__getitem__, reverse=True))


def _newest_of_leaf(leaf: LeafMatches, excluded: set[int]) -> Iterator[tuple]:
    for doc in _newest_docs(leaf, leaf.docs):
        if leaf.offset + doc not in excluded:
            yield leaf.columns.created[doc], leaf.offset + doc, leaf


def _newest(leaves: list[LeafMatches], excluded: set[int] = frozenset()) -> Iterator[tuple]:
    """(0.0, global docnum, leaf) of every match not excluded, newest first."""
    streams = [_newest_of_leaf(leaf, excluded) for leaf in leaves]
    for _created, docnum, leaf in heapq.merge(*streams, key=lambda item: item[0], reverse=True):
        yield 0.0, docnum, leaf


def _newest_of(leaf: LeafMatches, docs: set[int], limit: int) -> list[int]:
    return list(islice(_newest_docs(leaf, docs), limit))


def _candidates(
    leaves: list[LeafMatches], title: Query | None, terms: TermSets
) -> dict[int, set[int]]:
    """Segment-local candidates to score, per leaf index."""
    total = sum(len(leaf.docs) for leaf in leaves)
    if total <= SCORED_WINDOW:
        return {position: leaf.docs for position, leaf in enumerate(leaves)}
    chosen: dict[int, set[int]] = {}
    for position, leaf in enumerate(leaves):
        # Each segment's share of the window follows its share of the matches.
        share = max(1, SCORED_WINDOW * len(leaf.docs) // total)
        picked = set(_newest_of(leaf, leaf.docs, share))
        if title is not None:
            picked |= set(_newest_of(leaf, docset(title, leaf.sub, terms) & leaf.docs, share))
        chosen[position] = picked
    return chosen


def _scored(leaf: LeafMatches, text: Query, docs: set[int], scorer: Scorer) -> Iterator[tuple]:
    """(score, global docnum, leaf) of each of `docs`; a document the scoring query does not
    match (a related form only) scores 0."""
    scores = scorer.scores(text, docs)
    for doc in docs:
        yield scores.get(doc, 0.0), leaf.offset + doc, leaf


def _score_then_newest(hit: tuple) -> tuple[float, int]:
    score, docnum, leaf = hit
    return score, leaf.columns.created[docnum - leaf.offset]


def _ranked(
    leaves,
    text: Query | None,
    title: Query | None,
    order: Order,
    terms: TermSets,
    postings: TermPostings,
):
    if text is None or order == Order.LATEST:
        yield from _newest(leaves)
        return
    candidates = _candidates(leaves, title, terms)
    scored = []
    for position, docs in candidates.items():
        leaf = leaves[position]
        scorer = Scorer(leaf.sub, leaf.sub.get_parent(), terms, postings)
        scored.extend(_scored(leaf, text, docs, scorer))
    scored.sort(key=_score_then_newest, reverse=True)
    yield from scored
    if sum(len(docs) for docs in candidates.values()) < sum(len(leaf.docs) for leaf in leaves):
        yield from _newest(leaves, {docnum for _score, docnum, _leaf in scored})


def best_groups(
    leaves: list[LeafMatches],
    text: Query | None,
    title: Query | None,
    order: Order,
    wanted: int,
    terms: TermSets,
    postings: TermPostings,
) -> list[tuple[str, float, int]]:
    """(group, score, global docnum) of the best document of each of the first `wanted` groups."""
    found: dict[str, tuple[float, int]] = {}
    for score, docnum, leaf in _ranked(leaves, text, title, order, terms, postings):
        group = leaf.columns.group[docnum - leaf.offset]
        if group not in found:
            found[group] = (score, docnum)
            if len(found) >= wanted:
                break
    return [(group, score, docnum) for group, (score, docnum) in found.items()]
