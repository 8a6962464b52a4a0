"""The candidates' scores are Whoosh's own BM25F scores, for every kind of query node."""

import pytest

from app.search.query import parse_query
from app.search.whoosh_backend import WhooshBackend, _leaves, _text_query
from app.search.whoosh_docsets import TermSets, docset
from app.search.whoosh_scoring import Scorer, TermPostings
from tests.search_support import EVERYTHING, doc

TEXTS = [
    "Sécurité des données : le plan de sauvegarde des serveurs.",
    "Sécurité, sécurité et encore sécurité des postes de travail.",
    "Sauvegarde quotidienne ; la sécurisation des sauvegardes suit.",
    "Le plan de continuité parle de sauvegarde et de sécurité des données.",
    "Rien à voir : une réunion de rentrée.",
]


@pytest.mark.parametrize(
    "text",
    [
        "sécurité",
        "sécurité sauvegarde",
        "sécurité OR réunion",
        "sauvegarde -continuité",
        '"sécurité des données"',
        '"plan de continuité" sauvegarde',
        "sécu*",
    ],
)
def test_scores_equal_whooshs_own(tmp_path, text):
    from app.search.backend import SearchRequest
    from app.search.kinds import scope_names

    backend = WhooshBackend(tmp_path / "search")
    with backend.writer_lock(5):
        backend.apply(
            [doc(body, title="Sécurité" if n == 3 else "") for n, body in enumerate(TEXTS)], []
        )
    request = SearchRequest(query=parse_query(text, scope_names()), scope=EVERYTHING)
    query = _text_query(request, related=False)
    with backend._searching() as searcher:
        for sub, _reader, _offset in _leaves(searcher):
            docs = set(docset(query, sub, TermSets()))
            assert docs
            ours = Scorer(sub, searcher, TermSets(), TermPostings()).scores(query, docs)
            matcher = query.matcher(sub, sub.context())
            theirs = {}
            while matcher.is_active():
                theirs[matcher.id()] = matcher.score()
                matcher.next()
            assert set(ours) == docs
            for number in docs:
                assert ours[number] == pytest.approx(theirs[number], rel=1e-6), (text, number)
    backend.close()
