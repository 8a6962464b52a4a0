"""Highlighted excerpts: the stored text, escaped, with the matched words in <mark>.

Both backends return plain stored text and this module marks it, so the two mark the
same words the same way and nothing but <mark> ever reaches the page unescaped.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

from app.search.analysis import RELATED_MIN_STEM, prefix_term, words
from app.search.query import ParsedQuery, TermKind

EXCERPT_CHARS = 240
CONTEXT_CHARS = 60
# Long texts (extracted files) are scanned this far for matches; beyond, the excerpt
# shows their beginning rather than spending the request on one hit.
SCAN_CHARS = 20_000


@dataclass(frozen=True)
class Matcher:
    exact: frozenset[str]
    stems: frozenset[str]
    prefixes: tuple[str, ...]
    related: tuple[str, ...]

    @classmethod
    def for_query(cls, query: ParsedQuery) -> "Matcher":
        exact: set[str] = set()
        stems: set[str] = set()
        prefixes: list[str] = []
        related: list[str] = []
        for term in query.positive_terms():
            if term.kind == TermKind.PREFIX:
                prefixes.append(prefix_term(term.text))
                continue
            parts = list(words(term.text))
            exact.update(part.exact for part in parts)
            if term.kind == TermKind.WORD and len(parts) == 1:
                stems.update(parts[0].stems)
                related.extend(s for s in parts[0].stems if len(s) >= RELATED_MIN_STEM)
        return cls(frozenset(exact), frozenset(stems), tuple(prefixes), tuple(related))

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = []
        for word in words(text[:SCAN_CHARS]):
            if (
                word.exact in self.exact
                or any(s in self.stems for s in word.stems)
                or word.exact.startswith(self.prefixes)
                or any(s.startswith(self.related) for s in word.stems)
            ):
                found.append((word.start, word.end))
        return found


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    pieces: list[Markup] = []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[position:span_start]))
        pieces.append(Markup("<mark>%s</mark>") % text[span_start:span_end])
        position = span_end
    pieces.append(escape(text[position:end]))
    return Markup("").join(pieces)


def mark_all(text: str, matcher: Matcher) -> Markup:
    """The whole (short) text with every match marked: titles."""
    return _marked(text, matcher.spans(text), 0, len(text))


def excerpt(text: str, matcher: Matcher, size: int = EXCERPT_CHARS) -> Markup:
    """About `size` characters of `text` around its densest matches, marked."""
    text = " ".join(text.split())
    spans = matcher.spans(text)
    if len(text) <= size:
        return _marked(text, spans, 0, len(text))
    start = 0
    if spans:
        best = max(
            range(len(spans)),
            key=lambda i: (
                sum(1 for s in spans[i:] if s[1] <= spans[i][0] + size - CONTEXT_CHARS),
                -i,
            ),
        )
        start = max(0, spans[best][0] - CONTEXT_CHARS)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[best][0] else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = Markup("… ") if start > 0 else Markup("")
    suffix = Markup(" …") if end < len(text) else Markup("")
    return prefix + _marked(text, spans, start, end) + suffix
