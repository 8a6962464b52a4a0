"""Exact phrases, through the backend the settings select; on Whoosh, also on an index
written before the pairs fields existed (words' positions only)."""

import pytest
from whoosh import index
from whoosh.fields import Schema

from app.search.analysis import PairTokenizer
from app.search.query import parse_query
from app.search.whoosh_backend import SCHEMA, WRITER_OPTIONS, _fields, _term_query
from app.search.whoosh_docsets import TermSets, docset
from tests.search_support import bodies, doc, find

TEXTS = [
    "Le plan de continuité d'activité a été testé en juin.",
    "Un plan de reprise, puis la continuité du service.",
    "La continuité du plan de charge.",
    "Sécurité des données personnelles : le registre.",
    "Données et sécurité : deux sujets.",
    "Plan Continuité Activité, version 2.",
]
# (phrase, the texts it finds on both backends, those Whoosh finds too): Whoosh leaves
# stop words out of phrases ("la continuité du plan" holds "continuité plan"), where
# PostgreSQL keeps their place.
CASES = [
    ('"plan de continuité"', [0], [5]),
    ('"continuité d\'activité"', [0], [5]),
    ('"plan de continuité d\'activité"', [0], [5]),
    ('"plan continuité activité version"', [5], []),
    ('"sécurité des données"', [3], []),
    ('"données sécurité"', [], [4]),
    ('"continuité plan"', [], [2]),
    ('"activité plan"', [], []),
    ('"sécurité"', [3, 4], []),
]


@pytest.mark.parametrize(("phrase", "expected", "whoosh_also"), CASES)
def test_phrases_match_words_in_order(
    search_backend, index_documents, phrase, expected, whoosh_also
):
    index_documents(*(doc(text) for text in TEXTS))
    if search_backend.name == "whoosh":
        expected = expected + whoosh_also
    assert sorted(bodies(find(search_backend, phrase))) == sorted(TEXTS[i] for i in expected)


def test_pairs_are_consecutive_exact_forms():
    pairs = [token.text for token in PairTokenizer()("La Sécurité des données, RGPD-2024")]
    assert pairs == ["securite donnees", "donnees rgpd-2024"]


def test_an_index_without_pairs_finds_the_same_phrases(tmp_path):
    old_schema = Schema(**{name: SCHEMA[name] for name in SCHEMA.names() if "pairs" not in name})
    ix = index.create_in(str(tmp_path), old_schema)
    writer = ix.writer(**WRITER_OPTIONS)
    for text in TEXTS:
        fields = _fields(doc(text))
        writer.add_document(**{k: v for k, v in fields.items() if "pairs" not in k})
    writer.commit()
    with ix.searcher() as searcher:
        for phrase, expected, whoosh_also in CASES:
            term = parse_query(phrase, frozenset()).clauses[0][0]
            found = docset(_term_query(term, ("body",)), searcher, TermSets())
            assert sorted(found) == sorted(expected + whoosh_also), phrase
