"""Sanctions in the permission policy, as a table: silenced and suspended members, and who
may sanction, note or suspend an account.

Each row gives, for one action on one network, the answer for each person (in the order of
PEOPLE): `ok`, or the error `require` raises (`404`, `403`, `401`). The "outsider" is a pilot
of ANOTHER network: moderating rights there give none here. The policy reads the principal
only, so the sanctions come as the seats web/deps.py loads (silenced seat, suspended network).
"""

from datetime import UTC, datetime

import pytest

from app import policy
from app.accounts.models import User
from app.errors import Forbidden, NotAuthenticated, NotFound
from app.networks.models import ContentVisibility, MembershipMode, Network, Role
from app.policy import ANONYMOUS, Action, NetworkSeat, Principal, Restriction

PEOPLE = (
    "anonymous",
    "outsider",
    "member",
    "silenced",
    "suspended",
    "animator",
    "copilot",
    "pilot",
    "site admin",
)
NETWORK_ID, OTHER_NETWORK_ID = 1, 2
RESTRICTION = Restriction(until=datetime(2030, 1, 1, tzinfo=UTC), reason="Propos déplacés")
NETWORKS = {
    "members/request": (ContentVisibility.MEMBERS, MembershipMode.REQUEST),
    "members/open": (ContentVisibility.MEMBERS, MembershipMode.OPEN),
    "public/open": (ContentVisibility.PUBLIC, MembershipMode.OPEN),
    "public/request": (ContentVisibility.PUBLIC, MembershipMode.REQUEST),
}

# fmt: off
TABLE = [
    # action                 network            anon out mem sil sus ani cop pil adm
    (Action.MEMBER_SANCTION,      "members/request", "401 404 403 403 404 ok  ok  ok  ok"),
    (Action.MEMBER_SANCTION,      "public/open",     "401 403 403 403 403 ok  ok  ok  ok"),
    (Action.MEMBER_NOTE,          "members/request", "401 404 403 403 404 ok  ok  ok  ok"),
    (Action.MEMBER_NOTE,          "public/open",     "401 403 403 403 403 ok  ok  ok  ok"),
    (Action.ACCOUNT_SUSPEND,      "nothing",         "401 403 403 403 403 403 403 403 ok"),
    # A silenced member reads but posts nothing: topics, replies, messages, documents, files.
    (Action.NETWORK_READ,         "members/request", "401 403 ok  ok  403 ok  ok  ok  ok"),
    (Action.NETWORK_READ,         "public/open",     "ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    (Action.NETWORK_POST,         "members/request", "401 404 ok  403 404 ok  ok  ok  403"),
    (Action.NETWORK_POST,         "public/open",     "401 403 ok  403 403 ok  ok  ok  403"),
    (Action.MESSAGE_SEND,         "members/request", "401 404 ok  403 404 ok  ok  ok  403"),
    (Action.FILE_UPLOAD,          "members/request", "401 404 ok  403 404 ok  ok  ok  403"),
    (Action.DOCUMENT_CREATE,      "members/request", "401 404 ok  403 404 ok  ok  ok  403"),
    (Action.FOLDER_CREATE,        "members/request", "401 404 ok  403 404 ok  ok  ok  403"),
    # A suspended member is a non-member meanwhile, who may not join or ask to join again.
    (Action.DIRECTORY_VIEW,       "members/request", "401 404 ok  ok  404 ok  ok  ok  ok"),
    (Action.NETWORK_JOIN,         "members/open",    "401 ok  403 403 403 403 403 403 ok"),
    (Action.NETWORK_JOIN,         "public/open",     "401 ok  403 403 403 403 403 403 ok"),
    (Action.NETWORK_REQUEST_JOIN, "members/request", "401 ok  403 403 403 403 403 403 ok"),
    (Action.NETWORK_REQUEST_JOIN, "public/request",  "401 ok  403 403 403 403 403 403 ok"),
    (Action.NETWORK_LEAVE,        "members/request", "401 403 ok  ok  403 ok  ok  ok  403"),
]
# fmt: on

ERRORS = {"404": NotFound, "403": Forbidden, "401": NotAuthenticated}
ROLES = {
    "member": Role.MEMBER,
    "animator": Role.ANIMATOR,
    "copilot": Role.COPILOT,
    "pilot": Role.PILOT,
}


def make_principal(person: str) -> Principal:
    if person == "anonymous":
        return ANONYMOUS
    user = User(
        id=PEOPLE.index(person) + 10,
        username=person.replace(" ", "-"),
        display_name=person,
        is_site_admin=person == "site admin",
    )
    if person == "outsider":
        return Principal(user=user, seats={OTHER_NETWORK_ID: NetworkSeat(Role.PILOT, None)})
    if person == "silenced":
        return Principal(user=user, seats={NETWORK_ID: NetworkSeat(Role.MEMBER, None, RESTRICTION)})
    if person == "suspended":
        return Principal(user=user, suspended_from={NETWORK_ID: RESTRICTION})
    if person in ROLES:
        return Principal(user=user, seats={NETWORK_ID: NetworkSeat(ROLES[person], None)})
    return Principal(user=user)


def make_network(kind: str) -> Network | None:
    if kind == "nothing":
        return None
    visibility, mode = NETWORKS[kind]
    return Network(
        id=NETWORK_ID,
        slug="reseau",
        name="Réseau",
        content_visibility=visibility,
        membership_mode=mode,
        charter_number=0,
    )


def cases() -> list:
    return [
        pytest.param(action, kind, person, expected, id=f"{action}-{kind}-{person}")
        for action, kind, answers in TABLE
        for person, expected in zip(PEOPLE, answers.split(), strict=True)
    ]


@pytest.mark.parametrize(("action", "kind", "person", "expected"), cases())
def test_sanctions_policy_table(action, kind, person, expected):
    principal = make_principal(person)
    network = make_network(kind)

    assert policy.can(principal, action, network) is (expected == "ok")
    if expected == "ok":
        policy.require(principal, action, network)
    else:
        with pytest.raises(ERRORS[expected]) as raised:
            policy.require(principal, action, network)
        assert type(raised.value) is ERRORS[expected]


def test_the_silenced_seat_keeps_its_role_for_reading_staff_sections():
    """Silence takes posting away, nothing else: the seat still counts as a member's."""
    principal = make_principal("silenced")
    assert policy.category_read_access(principal, make_network("members/request"))
