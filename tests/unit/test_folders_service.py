"""Folders: nested, names unique among siblings regardless of case."""

import pytest

from app.documents import folders
from app.errors import Conflict, Invalid
from tests.factories import NetworkFactory, UserFactory


def test_nested_folders_and_tree(session):
    network = NetworkFactory()
    lea = UserFactory(member_of=network)
    meetings = folders.create_folder(session, actor=lea, network=network, name="  Réunions ", parent=None)
    y2026 = folders.create_folder(session, actor=lea, network=network, name="2026", parent=meetings)
    folders.create_folder(session, actor=lea, network=network, name="Archives", parent=None)
    assert meetings.name == "Réunions"
    tree = folders.folder_tree(folders.list_folders(session, network))
    assert [(c.name, c.depth, c.path) for c in tree] == [
        ("Archives", 0, "Archives"),
        ("Réunions", 0, "Réunions"),
        ("2026", 1, "Réunions / 2026"),
    ]
    assert [f.name for f in folders.folder_path(session, y2026)] == ["Réunions", "2026"]


def test_sibling_names_are_unique_but_cousins_may_share(session):
    network = NetworkFactory()
    lea = UserFactory(member_of=network)
    a = folders.create_folder(session, actor=lea, network=network, name="Notes", parent=None)
    with pytest.raises(Conflict):
        folders.create_folder(session, actor=lea, network=network, name="NOTES", parent=None)
    folders.create_folder(session, actor=lea, network=network, name="Notes", parent=a)
    other = folders.create_folder(session, actor=lea, network=network, name="Autre", parent=None)
    with pytest.raises(Conflict):
        folders.rename_folder(session, folder=other, name="notes")
    folders.rename_folder(session, folder=other, name="Comptes rendus")
    assert other.name_key == "comptes rendus"


@pytest.mark.parametrize("name", ["", "   ", "a/b", "..", "x\\y"])
def test_bad_folder_names(session, name):
    network = NetworkFactory()
    lea = UserFactory(member_of=network)
    with pytest.raises(Invalid):
        folders.create_folder(session, actor=lea, network=network, name=name, parent=None)


def test_depth_is_capped(session):
    network = NetworkFactory()
    lea = UserFactory(member_of=network)
    parent = None
    for depth in range(folders.MAX_DEPTH):
        parent = folders.create_folder(session, actor=lea, network=network, name=f"n{depth}", parent=parent)
    with pytest.raises(Invalid):
        folders.create_folder(session, actor=lea, network=network, name="trop", parent=parent)
