"""Which documents match, what the facets count, and which one best represents each group.

Matching is done with bulk sets (whoosh_docsets), so its cost follows the number of
postings read, not Python steps per document. Ranking scores documents with Whoosh's
own BM25F, one matcher walk over the candidates only. When a query matches more than
SCORED_WINDOW documents (a word found in most posts), the candidates are the matches
in titles and the newest matches, up to that window each: scoring every one of 90,000
documents in pure Python took over a second, and for so common a word the newest
discussions are the useful ones. Deeper pages go on through the rest, newest first.
"""

import heapq
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh.query import Query
from whoosh.searching import Searcher

from app.search.query import Order
from app.search.whoosh_docsets import TermSets, docset

SCORED_WINDOW = 250


@dataclass(frozen=True)
class Columns:
    """Per-document values of one segment, read once per segment and kept."""

    kind: list[str]
    group: list[str]
    network: list[str]
    created: list[int]


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


def _newest(leaves: list[LeafMatches], excluded: set[int] = frozenset()) -> Iterator[tuple]:
    """(0.0, global docnum, leaf) of every match not excluded, newest first."""
    everything = [
        (leaf.columns.created[doc], leaf.offset + doc, leaf)
        for leaf in leaves
        for doc in leaf.docs
        if leaf.offset + doc not in excluded
    ]
    everything.sort(key=lambda item: item[0], reverse=True)
    for _created, docnum, leaf in everything:
        yield 0.0, docnum, leaf


def _newest_of(leaf: LeafMatches, docs: set[int], limit: int) -> list[int]:
    created = leaf.columns.created
    return heapq.nlargest(limit, docs, key=created.__getitem__)


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


def _scored(leaf: LeafMatches, text: Query, docs: set[int]) -> Iterator[tuple]:
    """(score, global docnum, leaf) of each of `docs`, walking the text matcher once in
    order; a document the scoring query does not match (a related form only) scores 0."""
    matcher = text.matcher(leaf.sub, leaf.sub.context())
    for doc in sorted(docs):
        if matcher.is_active() and matcher.id() < doc:
            matcher.skip_to(doc)
        matched = matcher.is_active() and matcher.id() == doc
        yield (matcher.score() if matched else 0.0), leaf.offset + doc, leaf


def _score_then_newest(hit: tuple) -> tuple[float, int]:
    score, docnum, leaf = hit
    return score, leaf.columns.created[docnum - leaf.offset]


def _ranked(leaves, text: Query | None, title: Query | None, order: Order, terms: TermSets):
    if text is None or order == Order.LATEST:
        yield from _newest(leaves)
        return
    candidates = _candidates(leaves, title, terms)
    scored = [
        hit
        for position, docs in candidates.items()
        for hit in _scored(leaves[position], text, docs)
    ]
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
) -> list[tuple[str, float, int]]:
    """(group, score, global docnum) of the best document of each of the first `wanted` groups."""
    found: dict[str, tuple[float, int]] = {}
    for score, docnum, leaf in _ranked(leaves, text, title, order, terms):
        group = leaf.columns.group[docnum - leaf.offset]
        if group not in found:
            found[group] = (score, docnum)
            if len(found) >= wanted:
                break
    return [(group, score, docnum) for group, (score, docnum) in found.items()]
