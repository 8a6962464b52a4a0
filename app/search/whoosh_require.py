"""Whoosh's `Require` query, without the assertion failure that broke searches at scale.

Whoosh skips blocks of postings that cannot reach the top results ("quality"
skipping). Its `RequireMatcher.skip_to_quality` moves the scored side, then asks
the intersection to realign both sides, and that asserts they are apart: when
the skip lands exactly on the required side's current document (common once
an index has many segments and a filter matches most documents), the search
failed with an `AssertionError`. Here the realignment runs only when needed.
"""

from whoosh.matching.wrappers import RequireMatcher
from whoosh.query import Require


class _AligningRequireMatcher(RequireMatcher):
    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        if self.a.is_active() and self.b.is_active() and self.a.id() != self.b.id():
            self.child._find_next()
        return skipped


class ScoredRequire(Require):
    """Documents matching both queries, scored by the first alone."""

    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        required = self.b.matcher(searcher, searcher.boolean_context())
        return _AligningRequireMatcher(scored, required)
