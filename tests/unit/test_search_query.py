"""The query language: every operator, and broken input read as plain words with a hint."""

from datetime import date

import pytest

from app.search.kinds import scope_names
from app.search.query import MAX_QUERY_CHARS, MAX_TERMS, Order, Term, TermKind, parse_query


def parse(text: str):
    return parse_query(text, scope_names())


def hint_codes(query) -> set[str]:
    return {hint.code for hint in query.hints}


def test_words_all_must_match():
    query = parse("sécurité réseau")
    assert query.clauses == ((Term(TermKind.WORD, "sécurité"),), (Term(TermKind.WORD, "réseau"),))
    assert query.order == Order.RELEVANCE
    assert not query.hints


def test_phrase_or_exclusion_and_prefix():
    query = parse('"plan de continuité" phishing OR hameçonnage -test -"mot de passe" secu*')
    assert query.clauses == (
        (Term(TermKind.PHRASE, "plan de continuité"),),
        (Term(TermKind.WORD, "phishing"), Term(TermKind.WORD, "hameçonnage")),
        (Term(TermKind.PREFIX, "secu"),),
    )
    assert query.excluded == (Term(TermKind.WORD, "test"), Term(TermKind.PHRASE, "mot de passe"))


def test_every_filter():
    query = parse(
        "crise @Claire #incidents tag:RGPD network:rssi-public in:title in:documents "
        "in:posts in:files after:2026-01-01 before:2026-01-31 "
        "status:open status:answered order:latest"
    )
    assert query.authors == {"claire"}
    assert query.categories == {"incidents"}
    assert query.tags == {"rgpd"}
    assert query.networks == {"rssi-public"}
    assert query.title_only
    assert query.scopes == {"documents", "posts", "files"}
    assert query.after == date(2026, 1, 1)
    assert query.before == date(2026, 1, 31)
    assert query.statuses == {"open", "answered"}
    assert query.order == Order.LATEST
    assert query.clauses == ((Term(TermKind.WORD, "crise"),),)
    assert not query.hints


def test_filters_alone_list_by_date():
    query = parse("@claire")
    assert query.is_searchable and not query.has_words
    assert query.order == Order.LATEST


def test_partial_dates_mean_their_first_day():
    assert parse("x after:2026-02").after == date(2026, 2, 1)
    assert parse("x before:2025").before == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('"plan de continuité', "open_quote"),
        ("(phishing OR spam", "parentheses"),
        ("phishing)", "parentheses"),
        ("*", "lonely_star"),
        ("se*", "short_prefix"),
        ("crise couleur:rouge", "unknown_filter_couleur"),
        ("crise before:hier", "bad_date_before"),
        ("crise after:2026-13-45", "bad_date_after"),
        ("crise status:perdu", "unknown_status"),
        ("crise order:hasard", "unknown_order"),
        ("crise in:partout", "unknown_scope"),
        ("crise network:pas/bon", "bad_network"),
        ("OR crise", "lonely_or"),
        ("crise OR", "lonely_or"),
        ("crise -@claire", "excluded_filter"),
        ("crise tag:", "empty_filter_tag"),
        ("crise after:2026-02-01 before:2026-01-01", "empty_dates"),
    ],
)
def test_broken_input_is_read_with_a_hint(text, code):
    query = parse(text)
    assert code in hint_codes(query)
    assert all(hint.message for hint in query.hints)


def test_unclosed_quote_searches_its_words_one_by_one():
    query = parse('"plan de continuité')
    assert query.clauses == ((Term(TermKind.WORD, "plan"),), (Term(TermKind.WORD, "continuité"),))


def test_unknown_filter_and_bad_date_are_searched_as_words():
    query = parse("couleur:rouge before:hier")
    assert [clause[0].text for clause in query.clauses] == ["couleur:rouge"]
    assert query.before is None
    assert "bad_date_before" in hint_codes(query)


def test_star_alone_and_empty_input_search_nothing():
    for text in ("", "   ", "*", "**", '""', "()", "-", "le la de"):
        query = parse(text)
        assert not query.is_searchable, text


def test_very_long_input_is_cut_with_a_hint():
    query = parse("sécurité " * 1200)  # about 10,000 characters
    assert len(query.text) <= MAX_QUERY_CHARS
    assert {"too_long", "too_many_words"} <= hint_codes(query)
    assert len(query.positive_terms()) == MAX_TERMS


def test_one_huge_word_is_cut_too():
    query = parse("a" * 10_000)
    assert len(query.text) == MAX_QUERY_CHARS
    assert "too_long" in hint_codes(query)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""""',
        "((((",
        "))))",
        "-*",
        "@",
        "#",
        ":",
        "tag:\x00",
        "OR OR OR",
        "in:",
        "@" * 500,
        "é" * 10_000,
        "\u202e\u0000",
    ],
)
def test_nothing_typed_ever_raises(text):
    parse(text)
