"""The query language typed in the search box, parsed into a `ParsedQuery`.

    sécurité réseau        every word must match (in any form: "réseaux" too)
    "plan de continuité"   these words, in this order
    phishing OR hameçonnage  either word
    -test                  without this word (or "-"exact phrase")
    secu*                  words starting with "secu" (at least three letters)
    @claire  #incidents  tag:rgpd  network:rssi-public
    in:title  in:posts  in:documents  in:files  in:topics  in:networks
    after:2026-01-01  before:2026-02-01  status:open|closed|answered|unanswered
    order:latest|relevance

Parsing never fails: whatever is not understood is searched as plain words and
explained by a hint. Each backend translates the result into its own query.
"""

import enum
import re
from dataclasses import dataclass, field
from datetime import date

from app.i18n import _
from app.search.analysis import exact_terms, fold, prefix_term

MAX_QUERY_CHARS = 300
MAX_TERMS = 16
MIN_PREFIX_CHARS = 3
STATUSES = ("open", "closed", "answered", "unanswered")
USERNAME = re.compile(r"^[\w.-]{1,60}$")
SLUG = re.compile(r"^[\w-]{1,80}$")
FILTER = re.compile(r"^([a-z]+):(.*)$", re.IGNORECASE)
TITLE_SCOPE = "title"


class TermKind(enum.StrEnum):
    WORD = "word"
    PHRASE = "phrase"
    PREFIX = "prefix"


class Order(enum.StrEnum):
    RELEVANCE = "relevance"
    LATEST = "latest"


@dataclass(frozen=True)
class Term:
    kind: TermKind
    text: str  # as typed, without quotes or star


@dataclass(frozen=True)
class Hint:
    code: str
    message: str


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    # Every clause must match; a clause matches when any of its terms does (OR).
    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    title_only: bool = False
    scopes: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    networks: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    after: date | None = None
    before: date | None = None
    order: Order = Order.RELEVANCE
    hints: tuple[Hint, ...] = ()

    @property
    def has_words(self) -> bool:
        return bool(self.clauses)

    @property
    def has_narrowing_filter(self) -> bool:
        """A filter selective enough to list results without any word."""
        return bool(self.authors or self.categories or self.tags or self.networks)

    @property
    def is_searchable(self) -> bool:
        return self.has_words or self.has_narrowing_filter

    def positive_terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]


@dataclass
class _Builder:
    scope_names: frozenset[str]
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    pending_or: bool = False
    title_only: bool = False
    scopes: set[str] = field(default_factory=set)
    authors: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    networks: set[str] = field(default_factory=set)
    statuses: set[str] = field(default_factory=set)
    after: date | None = None
    before: date | None = None
    order: Order | None = None
    hints: dict[str, Hint] = field(default_factory=dict)

    def hint(self, code: str, message: str) -> None:
        self.hints.setdefault(code, Hint(code, message))

    def term_count(self) -> int:
        return sum(len(clause) for clause in self.clauses) + len(self.excluded)

    def add_term(self, term: Term, *, excluded: bool = False) -> None:
        if not exact_terms(term.text):
            # Only stop words or punctuation: nothing any index could match.
            return
        if self.term_count() >= MAX_TERMS:
            self.hint(
                "too_many_words", _("Only the first %(count)s words are searched.", count=MAX_TERMS)
            )
            return
        if excluded:
            self.excluded.append(term)
        elif self.pending_or and self.clauses:
            self.clauses[-1].append(term)
        else:
            self.clauses.append([term])
        self.pending_or = False

    def add_or(self) -> None:
        if not self.clauses or self.pending_or:
            self.hint("lonely_or", _("OR needs a word on each side; it was ignored."))
            return
        self.pending_or = True


def parse_query(raw: str, scope_names: frozenset[str]) -> ParsedQuery:
    """Read what was typed into a structured query; never raises.

    `scope_names` are the words `in:` accepts besides `title` (one per kind of content).
    """
    builder = _Builder(scope_names=scope_names)
    text = " ".join(raw.split())
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
        builder.hint(
            "too_long",
            _(
                "Your search was too long: only its first %(count)s characters were used.",
                count=MAX_QUERY_CHARS,
            ),
        )
    for token, quoted, excluded in _tokens(text, builder):
        if quoted:
            words = token.split()
            kind = TermKind.PHRASE if len(words) > 1 else TermKind.WORD
            builder.add_term(Term(kind, " ".join(words)), excluded=excluded)
        else:
            _read_bare(token, excluded, builder)
    if builder.pending_or:
        builder.hint("lonely_or", _("OR needs a word on each side; it was ignored."))
    if builder.after and builder.before and builder.after >= builder.before:
        builder.hint(
            "empty_dates",
            _(
                "No date is both after %(after)s and before %(before)s.",
                after=builder.after.isoformat(),
                before=builder.before.isoformat(),
            ),
        )
    order = builder.order or (Order.RELEVANCE if builder.clauses else Order.LATEST)
    return ParsedQuery(
        text=text,
        clauses=tuple(tuple(clause) for clause in builder.clauses),
        excluded=tuple(builder.excluded),
        title_only=builder.title_only,
        scopes=frozenset(builder.scopes),
        authors=frozenset(builder.authors),
        categories=frozenset(builder.categories),
        tags=frozenset(builder.tags),
        networks=frozenset(builder.networks),
        statuses=frozenset(builder.statuses),
        after=builder.after,
        before=builder.before,
        order=order,
        hints=tuple(builder.hints.values()),
    )


def _tokens(text: str, builder: _Builder):
    """Yield (text, quoted, excluded) for each token; quotes left open become plain words."""
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        excluded = char == "-" and position + 1 < length and not text[position + 1].isspace()
        start = position + 1 if excluded else position
        if start < length and text[start] == '"':
            end = text.find('"', start + 1)
            if end == -1:
                builder.hint(
                    "open_quote", _("A quote was not closed: its words were searched one by one.")
                )
                text = text[:start] + text[start + 1 :]
                length = len(text)
                position = start
                continue
            yield text[start + 1 : end], True, excluded
            position = end + 1
            continue
        end = start
        while end < length and not text[end].isspace() and text[end] != '"':
            end += 1
        yield text[start:end], False, excluded
        position = end


def _read_bare(word: str, excluded: bool, builder: _Builder) -> None:
    if "(" in word or ")" in word:
        builder.hint(
            "parentheses", _("Parentheses are not needed: OR joins the words on each side of it.")
        )
        word = word.replace("(", " ").replace(")", " ").strip()
        for part in word.split():
            _read_bare(part, excluded, builder)
        return
    if not word:
        return
    if word == "OR" and not excluded:
        builder.add_or()
        return
    if _read_filter(word, excluded, builder):
        return
    if word.endswith("*"):
        stem = word.rstrip("*")
        if not stem:
            builder.hint(
                "lonely_star",
                _("A star alone matches everything; add at least three letters before it."),
            )
            return
        if len(prefix_term(stem)) < MIN_PREFIX_CHARS:
            builder.hint(
                "short_prefix",
                _(
                    "A prefix needs at least %(count)s letters before the star: "
                    "%(word)s was searched as a word.",
                    count=MIN_PREFIX_CHARS,
                    word=stem,
                ),
            )
            builder.add_term(Term(TermKind.WORD, stem), excluded=excluded)
            return
        builder.add_term(Term(TermKind.PREFIX, stem), excluded=excluded)
        return
    builder.add_term(Term(TermKind.WORD, word), excluded=excluded)


def _read_filter(token: str, excluded: bool, builder: _Builder) -> bool:
    """Apply `token` as a filter; False when it is not filter syntax (a plain word)."""
    if token[0] in "@#" and len(token) > 1:
        pattern = USERNAME if token[0] == "@" else SLUG
        value = token[1:].lower()
        if not pattern.match(value):
            return False
        if excluded:
            builder.hint(
                "excluded_filter",
                _("Filters cannot be excluded: %(filter)s was ignored.", filter=token),
            )
            return True
        (builder.authors if token[0] == "@" else builder.categories).add(value)
        return True
    match = FILTER.match(token)
    if match is None or match.group(2).startswith("//"):
        return False
    name, value = match.group(1).lower(), match.group(2).strip()
    reader = _FILTERS.get(name)
    if reader is None:
        builder.hint(
            "unknown_filter_" + name,
            _(
                "%(name)s: is not a filter; it was searched as words. Filters: %(filters)s.",
                name=name,
                filters=", ".join(f"{known}:" for known in _FILTERS),
            ),
        )
        return False
    if excluded:
        builder.hint(
            "excluded_filter",
            _("Filters cannot be excluded: %(filter)s was ignored.", filter=token),
        )
        return True
    if not value:
        builder.hint(
            "empty_filter_" + name, _("%(name)s: needs a value; it was ignored.", name=name)
        )
        return True
    reader(value, builder)
    return True


def _read_in(value: str, builder: _Builder) -> None:
    scope = fold(value)
    if scope == TITLE_SCOPE:
        builder.title_only = True
    elif scope in builder.scope_names:
        builder.scopes.add(scope)
    else:
        names = ", ".join(sorted({TITLE_SCOPE, *builder.scope_names}))
        builder.hint(
            "unknown_scope",
            _("in:%(value)s is not known; use one of: %(names)s.", value=value, names=names),
        )


def _read_tag(value: str, builder: _Builder) -> None:
    builder.tags.add(normalize_keyword(value))


def _read_network(value: str, builder: _Builder) -> None:
    if SLUG.match(value):
        builder.networks.add(value.lower())
    else:
        builder.hint("bad_network", _("network:%(value)s is not a network address.", value=value))


def _read_status(value: str, builder: _Builder) -> None:
    status = fold(value)
    if status in STATUSES:
        builder.statuses.add(status)
    else:
        builder.hint(
            "unknown_status",
            _(
                "status:%(value)s is not known; use one of: %(names)s.",
                value=value,
                names=", ".join(STATUSES),
            ),
        )


def _read_order(value: str, builder: _Builder) -> None:
    try:
        builder.order = Order(fold(value))
    except ValueError:
        builder.hint(
            "unknown_order",
            _("order:%(value)s is not known; use order:latest or order:relevance.", value=value),
        )


def _date_reader(attribute: str):
    def read(value: str, builder: _Builder) -> None:
        parsed = parse_date(value)
        if parsed is None:
            builder.hint(
                "bad_date_" + attribute,
                _(
                    "%(name)s:%(value)s is not a date; "
                    "write it as 2026-01-31 (or 2026-01, or 2026).",
                    name=attribute,
                    value=value,
                ),
            )
            return
        setattr(builder, attribute, parsed)

    return read


def parse_date(value: str) -> date | None:
    """A day, a month (its first day) or a year (its first day); None when it does not parse."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
    if match is None:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def normalize_keyword(value: str) -> str:
    """Tags and other keywords, as stored in and looked up from the index."""
    return fold(value).strip()


_FILTERS = {
    "in": _read_in,
    "tag": _read_tag,
    "network": _read_network,
    "status": _read_status,
    "order": _read_order,
    "after": _date_reader("after"),
    "before": _date_reader("before"),
}
