"""The local-disk storage, and blobs forgotten when their transaction does not commit."""

import io

import pytest
from sqlalchemy import text

from app.storage import LocalStorage, track_new_blob


def test_save_open_delete(tmp_path):
    storage = LocalStorage(tmp_path / "files")
    key = storage.save(io.BytesIO(b"contenu"))
    assert len(key) == 32 and key.isalnum()
    with storage.open(key) as stream:
        assert stream.read() == b"contenu"
    assert not list((tmp_path / "files").rglob("*.part"))
    storage.delete(key)
    storage.delete(key)
    with pytest.raises(FileNotFoundError):
        storage.open(key)


def test_two_saves_never_share_a_name(tmp_path):
    storage = LocalStorage(tmp_path)
    assert storage.save(io.BytesIO(b"a")) != storage.save(io.BytesIO(b"a"))


@pytest.mark.parametrize("key", ["../../etc/passwd", "", "ab", "a/b/c", "..%2f"])
def test_keys_cannot_point_outside(tmp_path, key):
    with pytest.raises(FileNotFoundError):
        LocalStorage(tmp_path).open(key)


def test_blobs_of_a_rolled_back_transaction_are_deleted(tmp_path, db):
    storage = LocalStorage(tmp_path)
    with db.sessions() as session:
        session.execute(text("select 1"))
        key = storage.save(io.BytesIO(b"x"))
        track_new_blob(session, storage, key)
        session.rollback()
    with pytest.raises(FileNotFoundError):
        storage.open(key)


def test_blobs_of_a_closed_uncommitted_session_are_deleted(tmp_path, db):
    storage = LocalStorage(tmp_path)
    session = db.sessions()
    session.execute(text("select 1"))
    key = storage.save(io.BytesIO(b"x"))
    track_new_blob(session, storage, key)
    session.close()
    with pytest.raises(FileNotFoundError):
        storage.open(key)


def test_blobs_of_a_committed_transaction_stay(tmp_path, db):
    storage = LocalStorage(tmp_path)
    with db.sessions() as session:
        session.execute(text("select 1"))
        key = storage.save(io.BytesIO(b"x"))
        track_new_blob(session, storage, key)
        with session.begin_nested():
            session.execute(text("select 1"))
        session.commit()
    with storage.open(key) as stream:
        assert stream.read() == b"x"
