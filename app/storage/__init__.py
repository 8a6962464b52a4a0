"""Where uploaded files live: a small interface and its local-disk implementation.

Files are kept under generated names, never under the names people gave them, in
the data folder (outside static/, so the web server never serves them directly).
Code outside this package knows only `FileStorage`; a shared volume or an object
store can take the local disk's place without the callers noticing.

Blobs written during a database transaction that is then rolled back would be left
behind with no row pointing at them: `track_new_blob` remembers them on the session
and they are deleted unless the
transaction commits.
"""

import os
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.config import Settings

COPY_CHUNK = 1024 * 1024
_SESSION_KEY = "new_blobs"


class FileStorage(Protocol):
    def save(self, stream: BinaryIO) -> str:
        """Store the rest of `stream` under a new generated key and return the key."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes for reading; raises FileNotFoundError for an unknown key."""

    def delete(self, key: str) -> None:
        """Forget `key`; deleting a missing key is not an error."""


class LocalStorage:
    """Blobs as files under `root`, spread over 256 sub-folders by their first two characters."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        # Keys are made here, but a corrupted row must not lead outside the root.
        if len(key) < 3 or not key.isalnum():
            raise FileNotFoundError(key)
        return self.root / key[:2] / key

    def save(self, stream: BinaryIO) -> str:
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        try:
            with partial.open("xb") as target:
                shutil.copyfileobj(stream, target, COPY_CHUNK)
                target.flush()
                os.fsync(target.fileno())
            partial.rename(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except FileNotFoundError:
            pass


def storage_for(settings: Settings) -> FileStorage:
    return LocalStorage(settings.data_dir / "files")


def temporary_dir(settings: Settings) -> Path:
    """Where uploads are received before they are checked: the data folder, not /tmp,
    so a large upload never fills a small system partition and moves stay on one disk."""
    path = settings.data_dir / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def track_new_blob(session: Session, storage: FileStorage, key: str) -> None:
    """Delete `key` from `storage` if the session's transaction is rolled back."""
    session.info.setdefault(_SESSION_KEY, []).append((storage, key))


@event.listens_for(Session, "after_commit")
def _keep_new_blobs(session: Session) -> None:
    # Releasing a savepoint also fires after_commit; only the outermost commit keeps them.
    if not session.in_nested_transaction():
        session.info.pop(_SESSION_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _delete_uncommitted_blobs(session: Session, transaction) -> None:
    # Rolled back or closed without a commit: no row points at these blobs any more.
    if transaction.parent is None:
        for storage, key in session.info.pop(_SESSION_KEY, []):
            storage.delete(key)
