"""Uploads: new files, versions by name, refusals that leave nothing behind."""

import hashlib

import pytest
from sqlalchemy import func, select

from app.documents import files, folders
from app.documents.models import FileVersion, StoredFile
from app.errors import Invalid, NotFound
from app.storage import LocalStorage
from tests import samples
from tests.factories import FolderFactory, NetworkFactory, UserFactory


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "files")


def stored_blobs(storage) -> list:
    return [path for path in storage.root.rglob("*") if path.is_file()] if storage.root.exists() else []


def upload(session, storage, tmp_path, *, actor, network, data: bytes, filename: str, folder=None, into=None):
    source = tmp_path / "incoming"
    source.write_bytes(data)
    return files.upload_file(
        session, storage=storage, actor=actor, network=network, folder=folder, source=source,
        filename=filename, size=len(data), sha256=hashlib.sha256(data).hexdigest(), into=into,
    )


def test_upload_then_same_name_makes_a_version(session, storage, tmp_path):
    network = NetworkFactory()
    lea, bruno = UserFactory(member_of=network), UserFactory(member_of=network)
    first = upload(session, storage, tmp_path, actor=lea, network=network, data=samples.pdf("v1"), filename="Bilan.pdf")
    second = upload(session, storage, tmp_path, actor=bruno, network=network, data=samples.pdf("v2"), filename="bilan.PDF")
    assert first.is_new_file and not second.is_new_file
    assert second.version.file_id == first.version.file_id
    stored = files.get_file(session, network, first.version.file_id)
    session.refresh(stored)
    assert stored.version_count == 2 and stored.name == "Bilan.pdf"
    versions = files.list_versions(session, stored)
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].uploaded_by == bruno and versions[0].filename == "bilan.PDF"
    assert "v2" in versions[0].extracted_text
    assert versions[1].sha256 == hashlib.sha256(samples.pdf("v1")).hexdigest()
    with storage.open(versions[1].storage_key) as stream:
        assert stream.read() == samples.pdf("v1")


def test_same_name_in_another_folder_is_another_file(session, storage, tmp_path):
    network = NetworkFactory()
    lea = UserFactory(member_of=network)
    folder = FolderFactory(network=network)
    a = upload(session, storage, tmp_path, actor=lea, network=network, data=b"a", filename="notes.txt")
    b = upload(session, storage, tmp_path, actor=lea, network=network, data=b"b", filename="notes.txt", folder=folder)
    assert a.version.file_id != b.version.file_id
    assert [s.name for s, _v in files.list_files(session, network, folder)] == ["notes.txt"]


def test_upload_into_an_existing_file_whatever_its_name(session, storage, tmp_path):
    network = NetworkFactory()
    lea = UserFactory(member_of=network)
    first = upload(session, storage, tmp_path, actor=lea, network=network, data=b"a", filename="plan.txt")
    second = upload(
        session, storage, tmp_path, actor=lea, network=network, data=b"b", filename="plan-final.txt",
        into=first.version.file,
    )
    assert second.version.file_id == first.version.file_id and second.version.number == 2


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "vide.pdf", "empty_file"),
        (samples.HTML_PAGE, "facture.pdf", "file_type_mismatch"),
        (samples.SVG_IMAGE, "logo.pdf", "file_type_mismatch"),
        (b"x", "evil\x00.txt", "bad_filename"),
        (b"x", "a" * 300 + ".txt", "bad_filename"),
        (b"x", "script.js", "file_type_refused"),
        (b"x", "", "no_file"),
    ],
)
def test_refused_uploads_leave_nothing(session, storage, tmp_path, data, filename, code):
    network = NetworkFactory()
    lea = UserFactory(member_of=network)
    with pytest.raises(Invalid) as error:
        upload(session, storage, tmp_path, actor=lea, network=network, data=data, filename=filename)
    assert error.value.code == code
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert session.scalar(select(func.count()).select_from(FileVersion)) == 0
    assert stored_blobs(storage) == []


def test_folder_of_another_network_is_not_found(session, storage, tmp_path):
    network, other = NetworkFactory(), NetworkFactory()
    lea = UserFactory(member_of=network)
    with pytest.raises(NotFound):
        upload(session, storage, tmp_path, actor=lea, network=network, data=b"x", filename="a.txt", folder=FolderFactory(network=other))
    with pytest.raises(NotFound):
        folders.get_folder(session, network, FolderFactory(network=other).id)


def test_a_rolled_back_upload_deletes_its_blob(db, storage, tmp_path):
    with db.sessions() as session:
        network = NetworkFactory._meta.model(slug="rollback", name="R")
        session.add(network)
        lea = UserFactory.build()
        session.add(lea)
        session.flush()
        upload(session, storage, tmp_path, actor=lea, network=network, data=b"x", filename="a.txt")
        assert len(stored_blobs(storage)) == 1
        session.rollback()
    assert stored_blobs(storage) == []
