"""Co-authored documents in the browser's forms: create, edit, merge, conflict, history, diff, revert."""

import html
import re

from app.documents import revisions
from app.documents.models import DocumentKind
from tests.factories import NetworkFactory, UserFactory
from tests.web.documents_helpers import member_setting

BASE = "# Réunion\n\nIntroduction.\n\nPoint un.\n\nPoint deux.\n\nConclusion.\n"


def new_document(session, network, author, body=BASE, title="Notes de réunion"):
    return revisions.create_document(
        session, actor=author, network=network, folder=None, kind=DocumentKind.FREE, title=title, body=body
    )


def edit(client, network, document, base, body, title="Notes de réunion", comment="", **extra):
    return client.post_form(
        f"/n/{network.slug}/documents/{document.id}/edit",
        {"base_number": str(base), "title": title, "body": body, "comment": comment, **extra},
    )


def test_new_agenda_starts_from_its_template_and_is_created(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    page = client.get(f"/n/{network.slug}/documents/new?kind=agenda")
    assert page.status_code == 200 and "## Items" in page.text and 'value="Meeting agenda"' in page.text
    assert "## Decisions" in client.get(f"/n/{network.slug}/documents/new?kind=minutes").text
    response = client.post_form(
        f"/n/{network.slug}/documents/new",
        {"title": "ODJ <b>mars</b>", "kind": "agenda", "folder_id": "", "body": "1. **Accueil**\n<script>x()</script>", "comment": ""},
    )
    assert response.status_code == 303
    document_page = client.get(response.headers["location"])
    assert "<strong>Accueil</strong>" in document_page.text
    assert "ODJ &lt;b&gt;mars&lt;/b&gt;" in document_page.text
    assert "<script>x()" not in document_page.text
    assert "Meeting agenda" in document_page.text and "Léa Dubois" in document_page.text


def test_new_document_form_errors_and_no_js_preview(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    missing = client.post_form(f"/n/{network.slug}/documents/new", {"title": "", "kind": "free", "body": "x"})
    assert missing.status_code == 422 and "This field is required." in missing.text
    bad_kind = client.post_form(f"/n/{network.slug}/documents/new", {"title": "T", "kind": "poème", "body": "x"})
    assert bad_kind.status_code == 422
    preview = client.post_form(
        f"/n/{network.slug}/documents/new", {"title": "T", "kind": "free", "body": "*aperçu*", "action": "preview"}
    )
    assert preview.status_code == 200 and "<em>aperçu</em>" in preview.text
    assert client.get(f"/n/{network.slug}/documents").text.count("/documents/1\"") == 0


def test_live_preview_fragment(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    response = client.post_form(
        f"/n/{network.slug}/documents/preview", {"body": "## Titre\n<img src=x onerror=alert(1)>"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<h4>Titre</h4>" in response.text and "<img" not in response.text
    assert "<html" not in response.text


def test_edit_page_and_plain_save(client, session):
    network, lea, bruno, _karim = member_setting()
    document = new_document(session, network, lea)
    client.login(bruno)
    page = client.get(f"/n/{network.slug}/documents/{document.id}/edit")
    assert 'name="base_number" value="1"' in page.text and "Point un." in page.text
    assert 'hx-post="http://testserver/n/' in page.text
    response = edit(client, network, document, 1, BASE.replace("Point un.", "Point un précisé."), comment="Précision")
    assert response.status_code == 303
    shown = client.get(response.headers["location"])
    assert "Saved as revision 2." in shown.text
    assert "Point un précisé." in shown.text and "Précision" in shown.text
    assert "Bruno Lefèvre" in shown.text and "Léa Dubois" in shown.text


def test_no_js_preview_while_editing_saves_nothing(client, session):
    network, lea, _bruno, _karim = member_setting()
    document = new_document(session, network, lea)
    client.login(lea)
    response = edit(client, network, document, 1, "**gras**", action="preview")
    assert response.status_code == 200 and "<strong>gras</strong>" in response.text
    session.expire_all()
    assert revisions.get_document(session, network, document.id).head_number == 1


def test_two_members_from_the_same_base_merge_with_a_note(client, session, make_client):
    network, lea, bruno, _karim = member_setting()
    document = new_document(session, network, lea)
    client.login(lea)
    other = make_client()
    other.login(bruno)
    assert edit(client, network, document, 1, BASE.replace("Introduction.", "Introduction de Léa.")).status_code == 303
    response = edit(other, network, document, 1, BASE.replace("Conclusion.", "Conclusion de Bruno."))
    assert response.status_code == 303
    page = other.get(response.headers["location"]).text
    assert "Saved as revision 3. Changes saved meanwhile by Léa Dubois were kept and merged with yours." in page
    assert "Introduction de Léa." in page and "Conclusion de Bruno." in page


def test_overlapping_edits_return_the_editor_with_both_versions(client, session, make_client):
    network, lea, bruno, _karim = member_setting()
    document = new_document(session, network, lea)
    client.login(lea)
    other = make_client()
    other.login(bruno)
    edit(client, network, document, 1, BASE.replace("Point un.", "Point un selon Léa."))
    conflict = edit(other, network, document, 1, BASE.replace("Point un.", "Point un selon Bruno."))
    assert conflict.status_code == 409
    text = conflict.text
    assert "saved revision 2 while you were editing" in text
    assert 'name="base_number" value="2"' in text
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt; your version\nPoint un selon Bruno.\n=======\nPoint un selon Léa.\n&gt;&gt;&gt;&gt;&gt;&gt;&gt; revision 2" in text
    assert 'id="conflict-mine"' in text and 'id="conflict-theirs"' in text
    session.expire_all()
    assert revisions.get_document(session, network, document.id).head_number == 2
    marked = html.unescape(re.search(r'<textarea id="body"[^>]*>([^<]*)</textarea>', text).group(1))
    still = edit(other, network, document, 2, marked)
    assert still.status_code == 422 and "conflict markers" in still.text
    resolved = edit(other, network, document, 2, BASE.replace("Point un.", "Point un selon Léa et Bruno."))
    assert resolved.status_code == 303


def test_save_against_a_revision_that_does_not_exist(client, session):
    network, lea, _bruno, _karim = member_setting()
    document = new_document(session, network, lea)
    client.login(lea)
    response = edit(client, network, document, 7, "Texte.")
    assert response.status_code == 422 and "Revision 7 of this document does not exist." in response.text
    assert edit(client, network, document, 0, "Texte.").status_code == 422
    assert edit(client, network, document, "abc", "Texte.").status_code == 422


def test_history_diff_views_and_old_revision(client, session):
    network, lea, bruno, _karim = member_setting()
    document = new_document(session, network, lea, body="Un.\nLe chat dort.\nTrois.\n")
    revisions.save_revision(
        session, actor=bruno, document=document, base_number=1, title="Notes de réunion",
        body="Un.\nLe chien dort.\nTrois.\nQuatre <i>!</i>\n", comment="Chien",
    )
    client.login(lea)
    history = client.get(f"/n/{network.slug}/documents/{document.id}/history").text
    assert "Revision 2" in history and "Chien" in history and 'name="from" value="1"' in history
    inline = client.get(f"/n/{network.slug}/documents/{document.id}/diff?from=1&to=2").text
    assert "Le <del>chat</del> dort." in inline and "Le <ins>chien</ins> dort." in inline
    assert "Quatre &lt;i&gt;!&lt;/i&gt;" in inline and 'class="diff diff-inline"' in inline
    side = client.get(
        f"/n/{network.slug}/documents/{document.id}/diff?from=1&to=2&view=side", headers={"HX-Request": "true"}
    )
    assert side.text.lstrip().startswith('<div id="diff" class="diff diff-side">')
    assert '<td class="diff-old">Le <del>chat</del> dort.</td>' in side.text
    old = client.get(f"/n/{network.slug}/documents/{document.id}/r/1").text
    assert "Le chat dort." in old and "Restore this revision" in old
    assert client.get(f"/n/{network.slug}/documents/{document.id}/r/5").status_code == 404
    assert client.get(f"/n/{network.slug}/documents/{document.id}/diff?from=1&to=9").status_code == 404
    assert client.get(f"/n/{network.slug}/documents/{document.id}/diff?from=x&to=2").status_code == 422


def test_revert_needs_edit_rights(client, session, make_client):
    network, lea, bruno, _karim = member_setting()
    document = new_document(session, network, lea)
    revisions.save_revision(session, actor=bruno, document=document, base_number=1, title="Vandalisme", body="rien\n", comment="")
    reader_network = NetworkFactory(charter_number=1)
    outsider = make_client()
    outsider.login(UserFactory(member_of=reader_network))
    assert outsider.post_form(f"/n/{network.slug}/documents/{document.id}/revert", {"number": "1"}).status_code == 403
    network.charter_number = 1
    session.flush()
    unaccepted = make_client()
    unaccepted.login(lea)
    refused = unaccepted.post_form(f"/n/{network.slug}/documents/{document.id}/revert", {"number": "1"})
    assert refused.status_code == 403
    assert "Restore this revision" not in unaccepted.get(f"/n/{network.slug}/documents/{document.id}/r/1").text
    session.expire_all()
    assert revisions.get_document(session, network, document.id).head_number == 2


def test_revert_makes_a_new_revision(client, session):
    network, lea, bruno, _karim = member_setting()
    document = new_document(session, network, lea)
    revisions.save_revision(session, actor=bruno, document=document, base_number=1, title="Vandalisme", body="rien\n", comment="")
    client.login(lea)
    response = client.post_form(f"/n/{network.slug}/documents/{document.id}/revert", {"number": "1", "comment": "Retour"})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Revision 1 is the current text again, as revision 3." in page
    assert "Notes de réunion" in page and "Point un." in page
    again = client.post_form(f"/n/{network.slug}/documents/{document.id}/revert", {"number": "3"})
    assert again.status_code == 422 and "nothing to revert" in again.text
    assert client.post_form(f"/n/{network.slug}/documents/{document.id}/revert", {"number": "9"}).status_code == 404
    forged = client.post_form(f"/n/{network.slug}/documents/{document.id}/revert", {"number": "1"}, csrf=False)
    assert forged.status_code == 403


def test_documents_of_a_private_network_stay_hidden(client, session, make_client):
    network, lea, _bruno, _karim = member_setting()
    document = new_document(session, network, lea)
    client.login(UserFactory())
    for path in ("", "/edit", "/history", "/r/1", "/diff?from=1&to=1"):
        assert client.get(f"/n/{network.slug}/documents/{document.id}{path}").status_code == 403
    elsewhere = NetworkFactory()
    member = make_client()
    member.login(UserFactory(member_of=elsewhere))
    assert member.get(f"/n/{elsewhere.slug}/documents/{document.id}").status_code == 404
