"""Who may do what in the document space: one table per action."""

import pytest

from app.documents.models import Folder
from app.errors import Forbidden, NotAuthenticated, NotFound
from app.networks.models import ContentVisibility, Network, Role
from app.policy import Action, NetworkSeat, Principal, require
from tests.factories import UserFactory

NETWORK_ID = 7
CREATOR_ID = 1


def network(visibility=ContentVisibility.MEMBERS, charter_number=0) -> Network:
    return Network(id=NETWORK_ID, slug="n", name="N", content_visibility=visibility, charter_number=charter_number)


def principal(kind: str, *, user_id: int = 2, accepted: int | None = None) -> Principal:
    if kind == "anonymous":
        return Principal()
    user = UserFactory.build(id=user_id, is_site_admin=kind == "admin")
    if kind in ("outsider", "admin"):
        return Principal(user=user)
    return Principal(user=user, seats={NETWORK_ID: NetworkSeat(Role(kind), accepted)})


def folder(net: Network, created_by_id: int = CREATOR_ID) -> Folder:
    return Folder(id=3, network=net, network_id=net.id, name="F", name_key="f", created_by_id=created_by_id)


def outcome(p: Principal, action: Action, obj) -> str:
    try:
        require(p, action, obj)
    except NotAuthenticated:
        return "sign-in"
    except NotFound:
        return "not-found"
    except Forbidden:
        return "forbidden"
    return "allowed"


@pytest.mark.parametrize(
    ("who", "visibility", "expected"),
    [
        ("member", ContentVisibility.MEMBERS, "allowed"),
        ("outsider", ContentVisibility.MEMBERS, "not-found"),
        ("anonymous", ContentVisibility.MEMBERS, "sign-in"),
        ("admin", ContentVisibility.MEMBERS, "allowed"),
        ("outsider", ContentVisibility.PUBLIC, "allowed"),
        ("anonymous", ContentVisibility.PUBLIC, "allowed"),
    ],
)
@pytest.mark.parametrize("action", [Action.CONTENT_READ, Action.FILE_DOWNLOAD, Action.DOCUMENT_VIEW])
def test_reading_files_and_documents_follows_the_network(who, visibility, expected, action):
    item = folder(network(visibility))
    assert outcome(principal(who), action, item) == expected


@pytest.mark.parametrize(
    ("who", "charter_number", "accepted", "expected"),
    [
        ("member", 0, None, "allowed"),
        ("member", 2, 2, "allowed"),
        ("member", 2, 1, "forbidden"),
        ("animator", 1, None, "forbidden"),
        ("outsider", 0, None, "forbidden"),
        ("anonymous", 0, None, "sign-in"),
    ],
)
@pytest.mark.parametrize("action", [Action.FOLDER_CREATE, Action.FILE_UPLOAD, Action.DOCUMENT_CREATE])
def test_writing_in_the_space_needs_the_current_charter(who, charter_number, accepted, expected, action):
    net = network(ContentVisibility.PUBLIC, charter_number)
    assert outcome(principal(who, accepted=accepted), action, net) == expected


def test_writing_in_a_private_network_is_hidden_from_outsiders():
    assert outcome(principal("outsider"), Action.FILE_UPLOAD, network()) == "not-found"
    assert outcome(principal("outsider"), Action.DOCUMENT_EDIT, folder(network())) == "not-found"


@pytest.mark.parametrize(
    ("who", "user_id", "accepted", "expected"),
    [
        ("member", CREATOR_ID, 1, "allowed"),
        ("member", CREATOR_ID, None, "forbidden"),
        ("member", 99, 1, "forbidden"),
        ("animator", 99, None, "allowed"),
        ("pilot", 99, None, "allowed"),
        ("admin", 99, None, "allowed"),
        ("outsider", CREATOR_ID, None, "not-found"),
        ("anonymous", 0, None, "sign-in"),
    ],
)
def test_folder_rename_is_for_staff_or_the_creator(who, user_id, accepted, expected):
    item = folder(network(charter_number=1))
    assert outcome(principal(who, user_id=user_id, accepted=accepted), Action.FOLDER_RENAME, item) == expected


@pytest.mark.parametrize(
    ("who", "accepted", "expected"),
    [
        ("member", 1, "allowed"),
        ("member", None, "forbidden"),
        ("copilot", 1, "allowed"),
        ("outsider", None, "not-found"),
        ("anonymous", None, "sign-in"),
    ],
)
def test_document_edit_is_for_members_who_may_post(who, accepted, expected):
    document = folder(network(charter_number=1))
    assert outcome(principal(who, accepted=accepted), Action.DOCUMENT_EDIT, document) == expected
