"""The document space pages: list and filters, folders, uploads, downloads."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.db import utcnow
from app.documents import revisions
from app.documents.models import Document, DocumentKind, StoredFile
from app.networks.models import ContentVisibility
from tests import samples
from tests.factories import FolderFactory, NetworkFactory, UserFactory
from tests.web.documents_helpers import count_rows, files_on_disk, member_setting, upload


def make_document(session, network, author, title, kind=DocumentKind.FREE, folder=None, body="Texte.\n"):
    return revisions.create_document(
        session, actor=author, network=network, folder=folder, kind=kind, title=title, body=body
    )


# --- the space ------------------------------------------------------------------------


def test_space_lists_documents_and_files_with_a_tab(client, session):
    network, lea, bruno, _karim = member_setting()
    folder = FolderFactory(network=network, name="Réunions", name_key="réunions")
    make_document(session, network, lea, "Ordre du jour de mars", DocumentKind.AGENDA, folder)
    client.login(bruno)
    assert upload(client, network, "bilan.pdf", samples.pdf()).status_code == 303
    page = client.get(f"/n/{network.slug}/documents")
    assert page.status_code == 200
    assert 'aria-current="page">Documents</a>' in page.text or ">Documents</a>" in page.text
    assert "Ordre du jour de mars" in page.text and "bilan.pdf" in page.text
    assert "Réunions" in page.text
    home = client.get(f"/n/{network.slug}")
    assert f'href="http://testserver/n/{network.slug}/documents"' in home.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=minutes", {"CR de février"}),
        ("kind=file", {"plan.txt"}),
        ("kind=agenda", {"ODJ de mars"}),
        ("folder={folder}", {"ODJ de mars", "plan.txt"}),
        ("author={bruno}", {"CR de février", "plan.txt"}),
        ("since={today}", {"ODJ de mars", "CR de février", "plan.txt"}),
        ("until={long_ago}", set()),
        ("sort=title", {"ODJ de mars", "CR de février", "plan.txt"}),
    ],
)
def test_space_filters(client, session, query, expected):
    network, lea, bruno, _karim = member_setting()
    folder = FolderFactory(network=network)
    make_document(session, network, lea, "ODJ de mars", DocumentKind.AGENDA, folder)
    minutes = make_document(session, network, lea, "CR de février", DocumentKind.MINUTES)
    revisions.save_revision(session, actor=bruno, document=minutes, base_number=1, title="CR de février", body="Autre.\n", comment="")
    client.login(bruno)
    upload(client, network, "plan.txt", b"plan", folder_id=folder.id)
    today = utcnow().date()
    url = f"/n/{network.slug}/documents?" + query.format(
        folder=folder.id, bruno=bruno.id, today=today.isoformat(), long_ago=(today - timedelta(days=400)).isoformat()
    )
    page = client.get(url, headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert page.text.lstrip().startswith('<div id="space-items">')
    titles = set(re.findall(r'<a href="[^"]+/(?:documents/\d+|files/\d+)">([^<]+)</a>', page.text))
    assert titles == expected


def test_space_sorts_by_title(client, session):
    network, lea, _bruno, _karim = member_setting()
    for title in ("Beta", "alpha", "Gamma"):
        make_document(session, network, lea, title)
    client.login(lea)
    page = client.get(f"/n/{network.slug}/documents?sort=title").text
    assert page.index("alpha") < page.index("Beta") < page.index("Gamma")


def test_space_ignores_broken_filters_with_a_message(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    page = client.get(f"/n/{network.slug}/documents?since=pas-une-date&kind=<script>")
    assert page.status_code == 200
    assert "Some filters were not valid" in page.text
    assert "<script>" not in page.text


def test_space_query_count_does_not_grow_with_items(client, session, connection):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    statements = []
    event.listen(connection, "before_cursor_execute", lambda *args: statements.append(1))
    make_document(session, network, lea, "Un")
    statements.clear()
    client.get(f"/n/{network.slug}/documents")
    few = len(statements)
    for n in range(12):
        make_document(session, network, lea, f"Doc {n}", folder=FolderFactory(network=network))
    statements.clear()
    client.get(f"/n/{network.slug}/documents")
    assert len(statements) == few


def test_space_of_a_private_network(client, session):
    network, _lea, _bruno, _karim = member_setting()
    assert client.get(f"/n/{network.slug}/documents", follow_redirects=False).status_code == 303
    client.login(UserFactory())
    assert client.get(f"/n/{network.slug}/documents").status_code == 403


def test_public_network_space_is_readable_but_not_writable_by_outsiders(client, session):
    network, lea, _bruno, _karim = member_setting(ContentVisibility.PUBLIC)
    make_document(session, network, lea, "Public doc")
    page = client.get(f"/n/{network.slug}/documents")
    assert "Public doc" in page.text and "Upload a file" not in page.text
    client.login(UserFactory())
    assert upload(client, network, "a.txt", b"x").status_code == 403


# --- folders --------------------------------------------------------------------------


def test_folder_create_nested_and_rename(client, session):
    network, lea, bruno, karim = member_setting()
    client.login(lea)
    response = client.post_form(f"/n/{network.slug}/documents/folders", {"name": "Réunions", "parent_id": ""})
    assert response.status_code == 303
    folder_id = int(response.headers["location"].rsplit("=", 1)[1])
    response = client.post_form(f"/n/{network.slug}/documents/folders", {"name": "2026", "parent_id": str(folder_id)})
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Réunions</a> › <span aria-current=\"page\">2026</span>" in page.text
    duplicate = client.post_form(f"/n/{network.slug}/documents/folders", {"name": "réunions", "parent_id": ""})
    assert duplicate.status_code == 422 and "already there" in duplicate.text
    rename = client.post_form(f"/n/{network.slug}/documents/folders/{folder_id}/rename", {"name": "Rencontres"})
    assert rename.status_code == 303
    other = client.__class__(client.app, base_url="http://testserver")
    other.login(bruno)
    assert other.get(f"/n/{network.slug}/documents/folders/{folder_id}/rename").status_code == 403
    assert other.post_form(f"/n/{network.slug}/documents/folders/{folder_id}/rename", {"name": "X"}).status_code == 403
    staff = client.__class__(client.app, base_url="http://testserver")
    staff.login(karim)
    assert staff.post_form(f"/n/{network.slug}/documents/folders/{folder_id}/rename", {"name": "Par Karim"}).status_code == 303


def test_folder_forms_refuse_forgery_and_other_networks(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    forged = client.post_form(f"/n/{network.slug}/documents/folders", {"name": "X"}, csrf=False)
    assert forged.status_code == 403
    foreign = FolderFactory(network=NetworkFactory())
    assert client.post_form(
        f"/n/{network.slug}/documents/folders", {"name": "X", "parent_id": str(foreign.id)}
    ).status_code == 422
    assert client.get(f"/n/{network.slug}/documents/folders/{foreign.id}/rename").status_code == 404
    blank = client.post_form(f"/n/{network.slug}/documents/folders", {"name": "   "})
    assert blank.status_code == 422 and "required" in blank.text


# --- uploads --------------------------------------------------------------------------


def test_upload_page_and_versions(client, session, settings):
    network, lea, bruno, _karim = member_setting()
    client.login(lea)
    page = client.get(f"/n/{network.slug}/documents/upload")
    assert 'enctype="multipart/form-data"' in page.text and "<progress" in page.text and "upload.js" in page.text
    first = upload(client, network, "Compte rendu.pdf", samples.pdf("première"))
    assert first.status_code == 303
    file_page = client.get(first.headers["location"])
    assert "Compte rendu.pdf" in file_page.text and "Version 1" in file_page.text
    second = upload(client, network, "compte RENDU.pdf", samples.pdf("seconde"))
    assert second.headers["location"] == first.headers["location"]
    file_page = client.get(second.headers["location"])
    assert "Version 2" in file_page.text and "Version 1" in file_page.text
    file_id = int(first.headers["location"].rsplit("/", 1)[1])
    third = upload(client, network, "autre nom.pdf", samples.pdf("troisième"), into=file_id)
    assert third.headers["location"] == first.headers["location"]
    assert count_rows(session) == (1, 3)
    old = client.get(f"/n/{network.slug}/documents/files/{file_id}/v/1")
    assert old.content == samples.pdf("première")
    assert client.get(f"/n/{network.slug}/documents/files/{file_id}/download").content == samples.pdf("troisième")
    assert client.get(f"/n/{network.slug}/documents/files/{file_id}/v/9").status_code == 404
    assert list((settings.data_dir / "tmp").iterdir()) == []


def test_htmx_upload_answers_with_a_redirect_header_or_the_form(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    done = upload(client, network, "a.txt", b"x", headers={"HX-Request": "true"})
    assert done.status_code == 204 and done.headers["HX-Redirect"].startswith(f"/n/{network.slug}/documents/files/")
    refused = upload(client, network, "a.pdf", samples.HTML_PAGE, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert refused.text.lstrip().startswith('<form id="upload-form"') and "is not PDF" in refused.text


@pytest.mark.parametrize(
    ("filename", "data", "status", "message"),
    [
        ("facture.pdf", samples.HTML_PAGE, 422, "The content of this file is not PDF"),
        ("logo.pdf", samples.SVG_IMAGE, 422, "The content of this file is not PDF"),
        ("logo.svg", samples.SVG_IMAGE, 422, "Files of this type are not accepted"),
        ("vide.txt", b"", 422, "The file is empty."),
        ("a" * 250 + ".txt", b"x", 422, "The file name is too long"),
        ("..", b"x", 422, "no usable name"),
        ("", b"", 422, "Choose a file to upload."),
    ],
)
def test_refused_uploads_say_why_and_leave_nothing(client, session, settings, filename, data, status, message):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    response = upload(client, network, filename, data)
    assert response.status_code == status
    assert message in response.text.replace("&#39;", "'")
    assert count_rows(session) == (0, 0)
    assert files_on_disk(settings) == []


def test_control_characters_in_a_raw_multipart_name_are_refused(client, session, settings):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    token = client.csrf_token()
    boundary = "maillage-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="rapport\x00.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + samples.pdf() + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(
        f"/n/{network.slug}/documents/upload",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 422
    assert "control characters" in response.text
    assert files_on_disk(settings) == [] and count_rows(session) == (0, 0)


def test_a_body_that_is_not_a_multipart_form(client, session, settings):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    token = client.csrf_token()
    broken = client.post(
        f"/n/{network.slug}/documents/upload",
        content=b"--x\r\nnonsense",
        headers={"Content-Type": "multipart/form-data; boundary=x", "X-CSRF-Token": token},
    )
    assert broken.status_code == 422
    plain = client.post(f"/n/{network.slug}/documents/upload", data={"csrf_token": token})
    assert plain.status_code == 422 and "multipart" in plain.text
    assert files_on_disk(settings) == []


def test_path_tricks_are_neutralised(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    for name in ("../../../etc/cron.txt", "/etc/passwd.txt", "C:\\Windows\\win.txt"):
        assert upload(client, network, name, b"x").status_code == 303
    session.expire_all()
    names = sorted(f.name for f in session.query(StoredFile).filter_by(network_id=network.id))
    assert names == ["cron.txt", "passwd.txt", "win.txt"]


def test_oversized_upload_is_refused_and_nothing_stays(client, session, settings):
    settings.upload_max_bytes = 2000
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    # Under the declared-length cap (cap + form overhead), so the stream itself is cut.
    response = upload(client, network, "gros.txt", b"x" * 3000)
    assert response.status_code == 413
    assert "The file is too large: at most 2 KB." in response.text
    assert count_rows(session) == (0, 0)
    assert files_on_disk(settings) == []
    assert upload(client, network, "juste.txt", b"x" * 2000).status_code == 303


def test_oversized_upload_is_refused_from_its_declared_length(client, session, settings):
    settings.upload_max_bytes = 2000
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    response = upload(client, network, "enorme.txt", b"x" * 200_000)
    assert response.status_code == 413
    assert files_on_disk(settings) == []


def test_upload_without_the_csrf_token_writes_nothing(client, session, settings):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    response = upload(client, network, "a.txt", b"x", csrf=False)
    assert response.status_code == 403
    assert files_on_disk(settings) == [] and count_rows(session) == (0, 0)
    wrong = client.post(
        f"/n/{network.slug}/documents/upload",
        data={"csrf_token": "forged"},
        files={"file": ("a.txt", b"x", "text/plain")},
    )
    assert wrong.status_code == 403 and files_on_disk(settings) == []


def test_upload_needs_the_right_to_post(client, session, settings):
    network = NetworkFactory(charter_number=1)
    newcomer = UserFactory(member_of=network)
    client.login(newcomer)
    assert client.get(f"/n/{network.slug}/documents/upload").status_code == 403
    assert upload(client, network, "a.txt", b"x").status_code == 403
    assert files_on_disk(settings) == []


def test_upload_into_a_folder_of_another_network_is_not_found(client, session, settings):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    foreign = FolderFactory(network=NetworkFactory())
    response = upload(client, network, "a.txt", b"x", folder_id=foreign.id)
    assert response.status_code == 404
    assert files_on_disk(settings) == [] and count_rows(session) == (0, 0)
    assert upload(client, network, "a.txt", b"x", folder_id="abc").status_code == 422


# --- downloads ------------------------------------------------------------------------


def test_download_headers(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    location = upload(client, network, "Réunion d'été.pdf", samples.pdf()).headers["location"]
    file_id = location.rsplit("/", 1)[1]
    response = client.get(f"/n/{network.slug}/documents/files/{file_id}/download?inline=1")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Reunion d'ete.pdf\"; filename*=UTF-8''R%C3%A9union%20d%27%C3%A9t%C3%A9.pdf"
    )
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "private, no-cache"
    again = client.get(
        f"/n/{network.slug}/documents/files/{file_id}/download", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


def test_only_images_are_served_inline(client, session):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    location = upload(client, network, "photo.png", samples.png()).headers["location"]
    file_id = location.rsplit("/", 1)[1]
    inline = client.get(f"/n/{network.slug}/documents/files/{file_id}/download?inline=1")
    assert inline.headers["content-type"] == "image/png"
    assert inline.headers["content-disposition"].startswith("inline;")
    attached = client.get(f"/n/{network.slug}/documents/files/{file_id}/download")
    assert attached.headers["content-disposition"].startswith("attachment;")
    assert "?inline=1" in client.get(location).text
    text = upload(client, network, "page.txt", b"<html><script>alert(1)</script>").headers["location"]
    served = client.get(text.replace("/files/", "/files/", 1) + "/download?inline=1")
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    assert served.headers["content-disposition"].startswith("attachment;")


def test_downloads_check_permission_every_time(client, session, make_client):
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    location = upload(client, network, "secret.txt", b"confidentiel").headers["location"]
    file_id = location.rsplit("/", 1)[1]
    url = f"/n/{network.slug}/documents/files/{file_id}/download"
    assert client.get(url).status_code == 200
    outsider = make_client()
    outsider.login(UserFactory())
    assert outsider.get(url).status_code == 403
    assert outsider.get(location).status_code == 403
    assert make_client().get(url, follow_redirects=False).status_code == 303
    elsewhere = NetworkFactory()
    UserFactory(member_of=elsewhere)
    assert client.get(f"/n/{elsewhere.slug}/documents/files/{file_id}/download").status_code == 403
    mine = NetworkFactory()
    lea_seat = UserFactory(member_of=mine)
    other_client = make_client()
    other_client.login(lea_seat)
    assert other_client.get(f"/n/{mine.slug}/documents/files/{file_id}/download").status_code == 404
    client.post_form(f"/n/{network.slug}/leave")
    assert client.get(url).status_code == 403
