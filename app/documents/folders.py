"""Folders of a network's document space: nested, named uniquely among their siblings."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.documents.filetypes import name_key
from app.documents.models import Folder
from app.errors import Conflict, Invalid, NotFound
from app.i18n import _
from app.networks.models import Network

MAX_DEPTH = 8


@dataclass(frozen=True)
class FolderChoice:
    """A folder in a flat list of the tree, for menus: `depth` 0 is the top level."""

    id: int
    name: str
    depth: int
    path: str


def get_folder(session: Session, network: Network, folder_id: int) -> Folder:
    folder = session.scalar(
        select(Folder).where(Folder.id == folder_id).options(joinedload(Folder.network))
    )
    if folder is None or folder.network_id != network.id:
        raise NotFound()
    return folder


def list_folders(session: Session, network: Network) -> list[Folder]:
    return list(
        session.scalars(select(Folder).where(Folder.network_id == network.id).order_by(Folder.name_key))
    )


def folder_tree(folders: list[Folder]) -> list[FolderChoice]:
    """The folders depth first, children after their parent, each level by name."""
    children: dict[int | None, list[Folder]] = {}
    for folder in sorted(folders, key=lambda f: f.name_key):
        children.setdefault(folder.parent_id, []).append(folder)
    choices: list[FolderChoice] = []

    def walk(parent_id: int | None, depth: int, prefix: str) -> None:
        for folder in children.get(parent_id, []):
            path = f"{prefix}{folder.name}"
            choices.append(FolderChoice(folder.id, folder.name, depth, path))
            walk(folder.id, depth + 1, f"{path} / ")

    walk(None, 0, "")
    return choices


def folder_path(session: Session, folder: Folder | None) -> list[Folder]:
    """`folder` and its ancestors, outermost first (for breadcrumbs)."""
    path: list[Folder] = []
    while folder is not None:
        path.append(folder)
        folder = session.get(Folder, folder.parent_id) if folder.parent_id else None
    return list(reversed(path))


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Invalid(_("This field is required."), field="name")
    if any(char in cleaned for char in "/\\") or cleaned in (".", ".."):
        raise Invalid(_("A folder name cannot contain / or \\."), field="name")
    return cleaned


def _check_free(session: Session, network: Network, parent_id: int | None, key: str, exclude_id=None) -> None:
    query = select(Folder.id).where(
        Folder.network_id == network.id,
        func.coalesce(Folder.parent_id, 0) == (parent_id or 0),
        Folder.name_key == key,
    )
    if exclude_id is not None:
        query = query.where(Folder.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(_("A folder with this name is already there."), field="name")


def create_folder(
    session: Session, *, actor: User, network: Network, name: str, parent: Folder | None
) -> Folder:
    """Add a folder in `parent` (or at the top level); flushes for its id.

    Raises Conflict when a sibling has the same name, Invalid for an empty or
    slash-bearing name or a tree deeper than MAX_DEPTH.
    """
    name = _clean_name(name)
    if parent is not None and parent.network_id != network.id:
        raise NotFound()
    if len(folder_path(session, parent)) >= MAX_DEPTH:
        raise Invalid(_("Folders cannot be nested more than %(n)s deep.", n=MAX_DEPTH), field="parent_id")
    key = name_key(name)
    _check_free(session, network, parent.id if parent else None, key)
    folder = Folder(
        network_id=network.id,
        network=network,
        parent_id=parent.id if parent else None,
        name=name,
        name_key=key,
        created_by_id=actor.id,
    )
    session.add(folder)
    session.flush()
    return folder


def rename_folder(session: Session, *, folder: Folder, name: str) -> Folder:
    """Give `folder` a new name; raises Conflict when a sibling already has it."""
    name = _clean_name(name)
    key = name_key(name)
    _check_free(session, folder.network, folder.parent_id, key, exclude_id=folder.id)
    folder.name = name
    folder.name_key = key
    return folder
