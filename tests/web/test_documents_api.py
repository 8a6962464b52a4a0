"""The JSON API of the document space (session cookie + X-CSRF-Token header)."""

import pytest

from app.documents import revisions
from app.documents.models import DocumentKind
from tests import samples
from tests.factories import NetworkFactory, UserFactory
from tests.web.documents_helpers import count_rows, files_on_disk, member_setting

BASE = "Intro.\n\nPoint un.\n\nPoint deux.\n\nFin.\n"


@pytest.fixture
def api(client):
    """The client, signed in later, sending the CSRF token as a header like a script would."""

    class Api:
        def __init__(self, web):
            self.web = web

        def login(self, user):
            self.web.login(user)
            self.headers = {"X-CSRF-Token": self.web.csrf_token()}

        def get(self, url, **kwargs):
            return self.web.get(f"/api/v1{url}", **kwargs)

        def post(self, url, **kwargs):
            return self.web.post(f"/api/v1{url}", headers=getattr(self, "headers", {}), **kwargs)

        def patch(self, url, **kwargs):
            return self.web.patch(f"/api/v1{url}", headers=getattr(self, "headers", {}), **kwargs)

    return Api(client)


def test_folders(api, session):
    network, lea, bruno, _karim = member_setting()
    api.login(lea)
    base = f"/networks/{network.slug}/folders"
    created = api.post(base, json={"name": "Réunions"})
    assert created.status_code == 201 and created.json()["name"] == "Réunions"
    child = api.post(base, json={"name": "2026", "parent_id": created.json()["id"]}).json()
    assert child["parent_id"] == created.json()["id"]
    assert api.post(base, json={"name": "réunions"}).status_code == 409
    assert [f["name"] for f in api.get(base).json()] == ["2026", "Réunions"]
    renamed = api.patch(f"{base}/{child['id']}", json={"name": "Année 2026"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Année 2026"
    api.web.cookies.clear()
    api.login(bruno)
    refused = api.patch(f"{base}/{child['id']}", json={"name": "X"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_writes_need_the_csrf_header(api, session):
    network, lea, _bruno, _karim = member_setting()
    api.web.login(lea)
    response = api.web.post(f"/api/v1/networks/{network.slug}/folders", json={"name": "X"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"
    upload = api.web.post(f"/api/v1/networks/{network.slug}/files", files={"file": ("a.txt", b"x")})
    assert upload.status_code == 403


def test_files_upload_versions_and_download(api, session, settings):
    network, lea, _bruno, _karim = member_setting()
    api.login(lea)
    base = f"/networks/{network.slug}/files"
    first = api.post(base, files={"file": ("Bilan annuel.pdf", samples.pdf("un"))})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["number"] == 1 and body["content_type"] == "application/pdf" and len(body["sha256"]) == 64
    assert body["uploaded_by"] == "Léa Dubois"
    second = api.post(base, files={"file": ("bilan annuel.pdf", samples.pdf("deux"))})
    assert second.json()["number"] == 2
    file_url = second.headers["location"]
    detail = api.web.get(file_url).json()
    assert detail["version_count"] == 2 and [v["number"] for v in detail["versions"]] == [2, 1]
    old = api.web.get(detail["versions"][1]["download_url"])
    assert old.content == samples.pdf("un") and old.headers["x-content-type-options"] == "nosniff"
    latest = api.get(f"{base}/{detail['id']}/download")
    assert latest.content == samples.pdf("deux") and latest.headers["content-disposition"].startswith("attachment;")
    assert [f["name"] for f in api.get(base).json()] == ["Bilan annuel.pdf"]


@pytest.mark.parametrize(
    ("filename", "data", "status", "code"),
    [
        ("page.pdf", samples.HTML_PAGE, 422, "file_type_mismatch"),
        ("logo.pdf", samples.SVG_IMAGE, 422, "file_type_mismatch"),
        ("vide.txt", b"", 422, "empty_file"),
        ("x" * 300 + ".txt", b"x", 422, "bad_filename"),
        ("gros.txt", b"x" * 5000, 413, "too_large"),
    ],
)
def test_refused_api_uploads(api, session, settings, filename, data, status, code):
    settings.upload_max_bytes = 4000
    network, lea, _bruno, _karim = member_setting()
    api.login(lea)
    response = api.post(f"/networks/{network.slug}/files", files={"file": (filename, data)})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code and response.json()["error"]["message"]
    assert files_on_disk(settings) == [] and count_rows(session) == (0, 0)


def test_api_upload_names_lose_their_path(api, session, settings):
    network, lea, _bruno, _karim = member_setting()
    api.login(lea)
    for raw, clean in (("../../etc/passwd.txt", "passwd.txt"), ("/etc/motd.txt", "motd.txt"), ("C:\\x\\win.txt", "win.txt")):
        response = api.post(f"/networks/{network.slug}/files", files={"file": (raw, b"x")})
        assert response.status_code == 201 and response.json()["filename"] == clean
    stored = [p.name for p in (settings.data_dir / "files").rglob("*") if p.is_file()]
    assert len(stored) == 3 and not any("passwd" in name or "motd" in name for name in stored)


def test_api_download_from_a_network_you_are_not_in(api, session):
    network, lea, _bruno, _karim = member_setting()
    api.login(lea)
    file_id = api.post(f"/networks/{network.slug}/files", files={"file": ("a.txt", b"x")}).json()
    detail_url = f"/networks/{network.slug}/files/1/download"
    api.web.cookies.clear()
    assert api.get(detail_url).status_code == 401
    api.login(UserFactory())
    refused = api.get(detail_url)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert file_id


def test_documents_revisions_merge_conflict_diff_revert(api, session):
    network, lea, bruno, _karim = member_setting()
    api.login(lea)
    base = f"/networks/{network.slug}/documents"
    created = api.post(base, json={"title": "Compte rendu", "kind": "minutes", "body": BASE})
    assert created.status_code == 201, created.text
    document = created.json()
    assert document["head_number"] == 1 and document["current"]["body"] == BASE
    assert document["contributors"][0]["display_name"] == "Léa Dubois"
    doc_url = f"{base}/{document['id']}"
    saved = api.post(f"{doc_url}/revisions", json={"base_number": 1, "title": "Compte rendu", "body": BASE.replace("Intro.", "Introduction.")})
    assert saved.status_code == 201 and saved.json()["revision"]["number"] == 2 and saved.json()["merged_revisions"] == []
    merged = api.post(f"{doc_url}/revisions", json={"base_number": 1, "title": "Compte rendu", "body": BASE.replace("Fin.", "Fin du CR.")})
    assert merged.status_code == 201
    assert merged.json()["merged_revisions"] == [2] and "merged" in merged.json()["note"]
    assert "Introduction." in merged.json()["revision"]["body"] and "Fin du CR." in merged.json()["revision"]["body"]
    conflict = api.post(f"{doc_url}/revisions", json={"base_number": 1, "title": "Compte rendu", "body": BASE.replace("Intro.", "Préambule.")})
    assert conflict.status_code == 409
    payload = conflict.json()
    assert payload["error"]["code"] == "edit_conflict"
    assert payload["merge"]["head_number"] == 3 and payload["merge"]["conflicts"] == 1
    assert "<<<<<<< your version\nPréambule.\n=======\nIntroduction.\n>>>>>>> revision 3\n" in payload["merge"]["merged_body"]
    assert payload["merge"]["your_body"].startswith("Préambule.") and payload["merge"]["head_body"].startswith("Introduction.")
    unknown = api.post(f"{doc_url}/revisions", json={"base_number": 42, "title": "T", "body": "x"})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_revision"
    history = api.get(f"{doc_url}/revisions").json()
    assert [r["number"] for r in history] == [3, 2, 1]
    assert api.get(f"{doc_url}/revisions/1").json()["body"] == BASE
    assert api.get(f"{doc_url}/revisions/9").status_code == 404
    diff = api.get(f"{doc_url}/diff", params={"from": 1, "to": 3}).json()
    assert diff["added"] == 2 and diff["removed"] == 2
    change = diff["hunks"][0]["lines"][0]
    assert change["kind"] == "change" and {"op": "insert", "text": "Introduction"} in change["new"]
    reverted = api.post(f"{doc_url}/revert", json={"number": 1})
    assert reverted.status_code == 201 and reverted.json()["number"] == 4 and reverted.json()["reverted_from_number"] == 1
    listing = api.get(base).json()
    assert listing[0]["id"] == document["id"] and listing[0]["head_number"] == 4
    space = api.get(f"/networks/{network.slug}/space", params={"kind": "minutes"}).json()
    assert [item["title"] for item in space["items"]] == ["Compte rendu"]


def test_revert_without_edit_rights(api, session):
    network, lea, _bruno, _karim = member_setting()
    document = revisions.create_document(
        session, actor=lea, network=network, folder=None, kind=DocumentKind.FREE, title="T", body="a\n"
    )
    revisions.save_revision(session, actor=lea, document=document, base_number=1, title="T", body="b\n", comment="")
    public = NetworkFactory()
    api.login(UserFactory(member_of=public))
    response = api.post(f"/networks/{network.slug}/documents/{document.id}/revert", json={"number": 1})
    assert response.status_code == 403
    network.charter_number = 1
    session.flush()
    api.web.cookies.clear()
    api.login(lea)
    response = api.post(f"/networks/{network.slug}/documents/{document.id}/revert", json={"number": 1})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    session.expire_all()
    assert revisions.get_document(session, network, document.id).head_number == 2


def test_openapi_documents_the_document_routes(client):
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/networks/{slug}/folders",
        "/api/v1/networks/{slug}/files",
        "/api/v1/networks/{slug}/files/{file_id}/versions/{number}/download",
        "/api/v1/networks/{slug}/documents/{document_id}/revisions",
        "/api/v1/networks/{slug}/documents/{document_id}/diff",
        "/api/v1/networks/{slug}/documents/{document_id}/revert",
        "/api/v1/networks/{slug}/space",
    ):
        assert path in paths
    upload = paths["/api/v1/networks/{slug}/files"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    save = paths["/api/v1/networks/{slug}/documents/{document_id}/revisions"]["post"]
    assert "409" in save["responses"]
