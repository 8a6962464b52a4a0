"""The French analyser, through the backend the settings select (Whoosh, or PostgreSQL)."""

from app.search.analysis import fold, stem, words
from tests.search_support import bodies, doc, find


def test_words_keep_identifiers_whole_and_fold_accents():
    found = [
        (word.exact, word.stems)
        for word in words("Sécurité du RGPD-2024 : écrire à jean.dupont@example.org")
    ]
    assert found[0] == ("securite", ("secur",))
    assert ("rgpd-2024", ("rgpd", "2024")) in found
    assert any(exact == "jean.dupont@example.org" for exact, _stems in found)
    # French stop words give no term at all, accented or not.
    assert not any(exact in ("du", "a", "à") for exact, _stems in found)


def test_stemming_happens_before_folding():
    assert stem("sécurité") == stem("sécurités") == "secur"
    assert fold("Éléphant") == "elephant"


def test_accented_word_finds_plain_plural_and_capitalised_forms(search_backend, index_documents):
    index_documents(
        doc("La securite des postes de travail"),
        doc("Sécurités multiples du réseau"),
        doc("Un tout autre sujet : la messagerie"),
    )
    found = bodies(find(search_backend, "sécurité"))
    assert sorted(found) == ["La securite des postes de travail", "Sécurités multiples du réseau"]
    # And the other way round: typed without accents, the accented text is found.
    assert len(find(search_backend, "securites").hits) == 2


def test_exact_word_ranks_above_a_related_form(search_backend, index_documents):
    index_documents(
        doc("Comment sécuriser les imprimantes partagées"),
        doc("La sécurité des imprimantes partagées"),
    )
    assert bodies(find(search_backend, "sécurité")) == [
        "La sécurité des imprimantes partagées",
        "Comment sécuriser les imprimantes partagées",
    ]


def test_english_words_are_found(search_backend, index_documents):
    index_documents(
        doc("Our password rotation policy was rewritten after the audit"),
        doc("Politique de mots de passe"),
    )
    assert bodies(find(search_backend, "password policy")) == [
        "Our password rotation policy was rewritten after the audit"
    ]
    assert len(find(search_backend, "rotation audit").hits) == 1


def test_codes_and_email_addresses_are_found_exactly(search_backend, index_documents):
    index_documents(
        doc("Le plan RGPD-2024 est validé"),
        doc("Le plan RGPD-2023 est archivé"),
        doc("Écrire à jean.dupont@example.org pour l'inscription"),
        doc("Écrire à marie.durand@example.org pour le reste"),
    )
    assert bodies(find(search_backend, "RGPD-2024")) == ["Le plan RGPD-2024 est validé"]
    assert bodies(find(search_backend, "rgpd-2024")) == ["Le plan RGPD-2024 est validé"]
    assert bodies(find(search_backend, "jean.dupont@example.org")) == [
        "Écrire à jean.dupont@example.org pour l'inscription"
    ]


def test_title_ranks_above_body(search_backend, index_documents):
    index_documents(
        doc("On parle aussi de sauvegarde ici, en passant", title="Réunion de janvier"),
        doc("Le compte rendu", title="Sauvegarde des serveurs"),
    )
    assert [hit.document.title for hit in find(search_backend, "sauvegarde").hits] == [
        "Sauvegarde des serveurs",
        "Réunion de janvier",
    ]
