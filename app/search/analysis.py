"""The French analyser: how text becomes index terms.

Each word of a text gives two terms at the same position:
- its *exact* form, lower-cased and accent-folded but not stemmed, with identifiers
  kept whole ("rgpd-2024", "jean.dupont@example.org", "v2.1"), marked with a leading
  "=" so it never collides with a stem. Codes, email addresses, English words and
  accent-less spellings match as typed; phrases match word for word; prefixes
  (`secu*`) are never stemmed.
- its *stem*: the French Snowball stem of each part of the word, accent-folded only
  after stemming because the stemmer relies on accents ("sécurité" -> "sécur", while
  "securite" -> "securit"). "Sécurités" and "sécurité" share a stem.
A query word looks for both: a document holding the exact form scores above one
holding only the stem. Stop words (French, and the commonest English ones) give no
term. One pass makes both terms, so indexing pays for one tokenisation.
"""

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from whoosh.analysis import Token, Tokenizer
from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.french import FrenchStemmer

EXACT_MARK = "="
# A query word whose stem has at least this many letters also finds the stem's longer
# relatives ("sécurité" -> "sécur" finds "sécuriser"), ranked far below the word itself.
RELATED_MIN_STEM = 5
# Letters and digits, joined into one token by - _ . @ + / when a letter or digit follows.
WORD_RE = re.compile(r"\w+(?:[-_.@+/]\w+)*")
PART_RE = re.compile(r"\w+")

# Common English words too: members paste English text and error messages.
ENGLISH_STOP_WORDS = frozenset(
    "the and of to is are was were be been for with this that it its by from at as".split()
)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case and strip accents, the same way the analyser does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache
def stop_words() -> frozenset[str]:
    french = frozenset(stopwords_for_language("fr"))
    # Queries are often typed without accents: "a" for "à", "ete" for "été".
    return french | {fold(word) for word in french} | ENGLISH_STOP_WORDS


_stemmer = FrenchStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The folded French stem of one lower-case word (no punctuation inside)."""
    return fold(_stemmer.stem(word))


class Word(NamedTuple):
    """One word of a text: where it is, its exact form and the stems of its parts."""

    position: int
    start: int
    end: int
    exact: str
    stems: tuple[str, ...]


def words(text: str) -> Iterator[Word]:
    stops = stop_words()
    position = 0
    for match in WORD_RE.finditer(text):
        lowered = match.group().lower()
        if lowered in stops:
            continue
        parts = (
            PART_RE.findall(lowered) if len(lowered) > 1 and not lowered.isalnum() else [lowered]
        )
        stems = tuple(stem(part) for part in parts if part not in stops)
        yield Word(position, match.start(), match.end(), fold(lowered), stems)
        position += 1


def exact_terms(text: str) -> list[str]:
    """The exact forms of the words of `text`, without their mark."""
    return [word.exact for word in words(text)]


def prefix_term(text: str) -> str:
    """A prefix as exact forms are stored: folded, never stemmed."""
    return fold(text).strip()


def pair_term(first: str, second: str) -> str:
    """The term of two consecutive words' exact forms, as the pairs fields hold them."""
    return f"{first} {second}"


# The words of the text analysed last: a document's text is analysed twice in a row,
# for its words and for its pairs, by the one thread that writes the index.
_last_analysed: tuple[str | None, list[Word]] = (None, [])


def _analysed(text: str) -> list[Word]:
    global _last_analysed
    last_text, last_words = _last_analysed
    if text == last_text:
        return last_words
    found = list(words(text))
    _last_analysed = (text, found)
    return found


class _Tokenizer(Tokenizer):
    """What Whoosh passes an analyser; `_terms` yields (text, position, start, end)."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, position, start, end in self._terms(_analysed(value)):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class FrenchTokenizer(_Tokenizer):
    """Whoosh's view of `words`: the exact term, then the stems, at each position."""

    def _terms(self, analysed: list[Word]) -> Iterator[tuple[str, int, int, int]]:
        for word in analysed:
            for text in (EXACT_MARK + word.exact, *word.stems):
                yield text, word.position, word.start, word.end


class PairTokenizer(_Tokenizer):
    """Each two consecutive words as one term, for phrases: "sécurité des données" is the
    pair "securite donnees", a single posting list where a phrase of common words would
    otherwise intersect two long lists and compare positions in every document of both."""

    def _terms(self, analysed: list[Word]) -> Iterator[tuple[str, int, int, int]]:
        for first, second in pairwise(analysed):
            yield pair_term(first.exact, second.exact), first.position, first.start, second.end
