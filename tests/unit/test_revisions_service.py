"""Co-authored documents: append-only revisions, merge of concurrent saves, diff and revert."""

import pytest
from sqlalchemy import func, select

from app.documents import revisions
from app.documents.diff import diff_texts
from app.documents.kinds import starting_text
from app.documents.models import DocumentKind, DocumentRevision
from app.documents.revisions import EditConflict
from app.errors import Invalid, NotFound
from tests.factories import FolderFactory, NetworkFactory, UserFactory

BASE = "# Réunion\n\nIntroduction.\n\nPoint un.\n\nPoint deux.\n\nConclusion.\n"


@pytest.fixture
def setting(session):
    network = NetworkFactory()
    lea = UserFactory(member_of=network, display_name="Léa")
    bruno = UserFactory(member_of=network, display_name="Bruno")
    document = revisions.create_document(
        session, actor=lea, network=network, folder=None, kind=DocumentKind.FREE, title="Notes", body=BASE
    )
    return network, lea, bruno, document


def save(session, actor, document, base, body, title="Notes", comment=""):
    return revisions.save_revision(
        session, actor=actor, document=document, base_number=base, title=title, body=body, comment=comment
    )


def test_create_and_save_append_revisions(session, setting):
    _network, lea, bruno, document = setting
    first = revisions.get_revision(session, document)
    assert first.number == 1 and first.author == lea and first.comment == "First version"
    assert "<h3>Réunion</h3>" in first.body_html
    result = save(session, bruno, document, 1, BASE.replace("Point un.", "Point un, précisé."), comment="Précision")
    assert result.revision.number == 2 and result.merged == []
    assert document.head_number == 2 and document.updated_by_id == bruno.id
    assert revisions.get_revision(session, document, 1).body == BASE
    history = revisions.list_revisions(session, document)
    assert [(r.number, r.author_name, r.comment) for r in history] == [(2, "Bruno", "Précision"), (1, "Léa", "First version")]
    contributors = revisions.list_contributors(session, document)
    assert {(c.user.display_name, c.revisions) for c in contributors} == {("Léa", 1), ("Bruno", 1)}
    assert contributors[0].last_at.tzinfo is not None


def test_text_is_normalised_and_script_is_sanitised(session, setting):
    _network, lea, _bruno, document = setting
    result = save(session, lea, document, 1, "Ligne\r\n<script>alert(1)</script>\r\n\r\n")
    assert result.revision.body == "Ligne\n<script>alert(1)</script>\n"
    assert "<script>" not in result.revision.body_html


def test_non_overlapping_concurrent_saves_merge(session, setting):
    _network, lea, bruno, document = setting
    save(session, lea, document, 1, BASE.replace("Introduction.", "Introduction revue."))
    result = save(session, bruno, document, 1, BASE.replace("Conclusion.", "Conclusion revue."))
    assert result.revision.number == 3
    assert [r.number for r in result.merged] == [2]
    assert "Introduction revue." in result.revision.body and "Conclusion revue." in result.revision.body
    assert result.revision.base_number == 1


def test_overlapping_saves_conflict_and_save_nothing(session, setting):
    _network, lea, bruno, document = setting
    save(session, lea, document, 1, BASE.replace("Point un.", "Point un selon Léa."))
    with pytest.raises(EditConflict) as error:
        save(session, bruno, document, 1, BASE.replace("Point un.", "Point un selon Bruno."))
    conflict = error.value
    assert conflict.status_code == 409 and conflict.code == "edit_conflict"
    assert conflict.conflicts == 1 and conflict.head.number == 2
    assert "<<<<<<< your version\nPoint un selon Bruno.\n=======\nPoint un selon Léa.\n>>>>>>> revision 2\n" in conflict.merged_text
    assert "Léa" in conflict.message
    assert document.head_number == 2
    assert session.scalar(select(func.count()).select_from(DocumentRevision)) == 2


def test_conflict_leaves_the_database_as_it_was(db):
    with db.sessions() as session:
        network = NetworkFactory._meta.model(slug="c", name="C")
        lea, bruno = UserFactory.build(), UserFactory.build()
        session.add_all([network, lea, bruno])
        session.flush()
        document = revisions.create_document(
            session, actor=lea, network=network, folder=None, kind=DocumentKind.FREE, title="T", body=BASE
        )
        save(session, lea, document, 1, BASE.replace("Point un.", "A."), title="T")
        session.commit()
        with pytest.raises(EditConflict):
            save(session, bruno, document, 1, BASE.replace("Point un.", "B."), title="T")
        session.rollback()
        session.expire_all()
        assert revisions.get_document(session, network, document.id).head_number == 2
        assert [r.number for r in revisions.list_revisions(session, document)] == [2, 1]


def test_resolved_text_saves_and_markers_left_in_are_refused(session, setting):
    _network, lea, bruno, document = setting
    save(session, lea, document, 1, BASE.replace("Point un.", "Point un selon Léa."))
    with pytest.raises(EditConflict) as error:
        save(session, bruno, document, 1, BASE.replace("Point un.", "Point un selon Bruno."))
    with pytest.raises(Invalid) as refused:
        save(session, bruno, document, error.value.head.number, error.value.merged_text)
    assert refused.value.code == "unresolved_conflict"
    resolved = error.value.merged_text.split("<<<<<<<")[0] + "Point un selon Léa et Bruno.\n\nPoint deux.\n\nConclusion.\n"
    assert save(session, bruno, document, 2, resolved).revision.number == 3


def test_both_changing_the_title_differently_is_a_conflict(session, setting):
    _network, lea, bruno, document = setting
    save(session, lea, document, 1, BASE, title="Titre de Léa")
    with pytest.raises(EditConflict):
        save(session, bruno, document, 1, BASE + "Ajout.\n", title="Titre de Bruno")
    result = save(session, bruno, document, 1, BASE + "Ajout.\n", title="Notes")
    assert result.revision.title == "Titre de Léa" and result.revision.body.endswith("Ajout.\n")


@pytest.mark.parametrize("base", [0, 2, 99, -1])
def test_save_against_a_revision_that_does_not_exist(session, setting, base):
    _network, lea, _bruno, document = setting
    with pytest.raises(Invalid) as error:
        save(session, lea, document, base, BASE + "x\n")
    assert error.value.code == "unknown_revision"
    assert document.head_number == 1


def test_unchanged_save_is_refused(session, setting):
    _network, lea, _bruno, document = setting
    with pytest.raises(Invalid) as error:
        save(session, lea, document, 1, BASE.replace("\n", "\r\n"))
    assert error.value.code == "no_change"


def test_revert_makes_a_new_revision(session, setting):
    _network, lea, bruno, document = setting
    save(session, bruno, document, 1, "Tout autre chose.\n", title="Autre")
    reverted = revisions.revert_document(session, actor=lea, document=document, number=1)
    assert reverted.number == 3 and reverted.body == BASE and reverted.title == "Notes"
    assert reverted.reverted_from_number == 1 and reverted.comment == "Back to revision 1"
    assert document.title == "Notes"
    assert [r.number for r in revisions.list_revisions(session, document)] == [3, 2, 1]
    with pytest.raises(Invalid):
        revisions.revert_document(session, actor=lea, document=document, number=3)
    with pytest.raises(NotFound):
        revisions.revert_document(session, actor=lea, document=document, number=9)


def test_documents_of_another_network_are_not_found(session, setting):
    _network, _lea, _bruno, document = setting
    with pytest.raises(NotFound):
        revisions.get_document(session, NetworkFactory(), document.id)
    with pytest.raises(NotFound):
        revisions.create_document(
            session, actor=_lea, network=_network, folder=FolderFactory(), kind=DocumentKind.FREE, title="x", body=""
        )


def test_kinds_start_from_their_template():
    assert "## Items" in starting_text(DocumentKind.AGENDA)
    assert "## Decisions" in starting_text(DocumentKind.MINUTES)
    assert starting_text(DocumentKind.FREE) == ""


def test_diff_is_by_line_and_by_word():
    old = "Un.\nLe chat dort.\nTrois.\nQuatre.\n"
    new = "Un.\nLe chien dort.\nQuatre.\nCinq.\n"
    diff = diff_texts(old, new)
    kinds = [(line.kind, line.old_number, line.new_number) for hunk in diff.hunks for line in hunk.lines]
    assert kinds == [("equal", 1, 1), ("change", 2, 2), ("delete", 3, None), ("equal", 4, 3), ("insert", None, 4)]
    change = diff.hunks[0].lines[1]
    assert str(change.old_html) == "Le <del>chat</del> dort."
    assert str(change.new_html) == "Le <ins>chien</ins> dort."
    assert (diff.added, diff.removed) == (2, 2)


def test_diff_escapes_and_folds_long_unchanged_runs():
    old = "".join(f"ligne {n}\n" for n in range(100))
    new = old.replace("ligne 50\n", "<b>ligne</b> 50\n")
    diff = diff_texts(old, new)
    assert len(diff.hunks) == 1 and diff.hunks[0].skipped_before == 47 and diff.skipped_after == 46
    assert "&lt;b&gt;" in str(diff.hunks[0].lines[3].new_html)
    assert diff_texts(old, old).identical
