"""The permission policy as a table: every action, every kind of person, the objects that matter.

Each row gives, for one action on one object, the answer for each person (in the
order of PEOPLE: anonymous, outsider, member, member with an old charter, animator,
co-pilot, pilot, site admin):
`ok` (allowed), or the error `require` raises: `404` NotFound (may not even see it),
`403` Forbidden (sees it, may not act), `401` NotAuthenticated (must sign in first),
`-` when the combination cannot happen (an anonymous visitor has no profile of their own).
No database is needed: the policy reads only the principal and the object.
"""

import re
from pathlib import Path

import pytest

from app import policy
from app.accounts.models import User
from app.errors import Forbidden, NotAuthenticated, NotFound
from app.networks.models import ContentVisibility, MembershipMode, Network, Role
from app.policy import ANONYMOUS, Action, NetworkSeat, Principal

A = Action

PEOPLE = (
    "anonymous",
    "outsider",  # pilot of another network: rights elsewhere must not leak here
    "member",  # accepted the current charter
    "member, old charter",  # accepted an earlier version, or none
    "animator",
    "copilot",
    "pilot",
    "site admin",  # not a member of the network
)

# Objects: networks named visibility/membership/charter ("v2": at version 2, "none": no
# charter yet); "nothing" for actions without an object; "person" is someone else's
# profile, "self" the acting person's own.
NETWORKS = {
    "members/request/v2": (ContentVisibility.MEMBERS, MembershipMode.REQUEST, 2),
    "members/invitation/v2": (ContentVisibility.MEMBERS, MembershipMode.INVITATION, 2),
    "members/open/none": (ContentVisibility.MEMBERS, MembershipMode.OPEN, 0),
    "public/open/v2": (ContentVisibility.PUBLIC, MembershipMode.OPEN, 2),
    "public/request/none": (ContentVisibility.PUBLIC, MembershipMode.REQUEST, 0),
}

# fmt: off
TABLE = [
    # action              object                   anon out mem old ani cop pil adm
    (A.NETWORK_CREATE,      "nothing",               "401 403 403 403 403 403 403 ok"),

    (A.NETWORK_VIEW,        "members/request/v2",    "ok  ok  ok  ok  ok  ok  ok  ok"),
    (A.NETWORK_VIEW,        "members/invitation/v2", "ok  ok  ok  ok  ok  ok  ok  ok"),

    (A.NETWORK_READ,        "members/request/v2",    "401 403 ok  ok  ok  ok  ok  ok"),
    (A.NETWORK_READ,        "members/open/none",     "401 403 ok  ok  ok  ok  ok  ok"),
    (A.NETWORK_READ,        "public/open/v2",        "ok  ok  ok  ok  ok  ok  ok  ok"),

    (A.NETWORK_EDIT,        "members/request/v2",    "401 404 403 403 403 ok  ok  ok"),
    (A.NETWORK_EDIT,        "public/open/v2",        "401 403 403 403 403 ok  ok  ok"),

    (A.NETWORK_LINK,        "members/request/v2",    "401 404 403 403 403 ok  ok  ok"),
    (A.NETWORK_LINK,        "public/open/v2",        "401 403 403 403 403 ok  ok  ok"),

    (A.NETWORK_JOIN,        "members/open/none",     "401 ok  403 403 403 403 403 ok"),
    (A.NETWORK_JOIN,        "public/open/v2",        "401 ok  403 403 403 403 403 ok"),
    (A.NETWORK_JOIN,        "members/request/v2",    "401 403 403 403 403 403 403 403"),
    (A.NETWORK_JOIN,        "members/invitation/v2", "401 403 403 403 403 403 403 403"),

    (A.NETWORK_REQUEST_JOIN, "members/request/v2",    "401 ok  403 403 403 403 403 ok"),
    (A.NETWORK_REQUEST_JOIN, "public/request/none",   "401 ok  403 403 403 403 403 ok"),
    (A.NETWORK_REQUEST_JOIN, "public/open/v2",        "401 403 403 403 403 403 403 403"),
    (A.NETWORK_REQUEST_JOIN, "members/invitation/v2", "401 403 403 403 403 403 403 403"),

    # The last pilot may not leave: a service rule (Conflict), not a permission.
    (A.NETWORK_LEAVE,       "members/request/v2",    "401 403 ok  ok  ok  ok  ok  403"),
    (A.NETWORK_LEAVE,       "public/open/v2",        "401 403 ok  ok  ok  ok  ok  403"),

    (A.NETWORK_INVITE,      "members/invitation/v2", "401 404 403 403 ok  ok  ok  ok"),
    (A.NETWORK_INVITE,      "public/open/v2",        "401 403 403 403 ok  ok  ok  ok"),

    (A.NETWORK_POST,        "members/request/v2",    "401 404 ok  403 ok  ok  ok  403"),
    (A.NETWORK_POST,        "public/open/v2",        "401 403 ok  403 ok  ok  ok  403"),
    (A.NETWORK_POST,        "members/open/none",     "401 404 ok  ok  ok  ok  ok  403"),
    (A.NETWORK_POST,        "public/request/none",   "401 403 ok  ok  ok  ok  ok  403"),

    (A.JOIN_REQUEST_REVIEW, "members/request/v2",    "401 404 403 403 ok  ok  ok  ok"),
    (A.JOIN_REQUEST_REVIEW, "public/request/none",   "401 403 403 403 ok  ok  ok  ok"),

    (A.ROLE_ASSIGN,         "members/request/v2",    "401 404 403 403 403 ok  ok  ok"),
    (A.ROLE_ASSIGN,         "public/open/v2",        "401 403 403 403 403 ok  ok  ok"),

    (A.ROLE_ASSIGN_PILOT,   "members/request/v2",    "401 404 403 403 403 403 ok  ok"),
    (A.ROLE_ASSIGN_PILOT,   "public/open/v2",        "401 403 403 403 403 403 ok  ok"),

    (A.CHARTER_EDIT,        "members/request/v2",    "401 404 403 403 403 ok  ok  ok"),
    (A.CHARTER_EDIT,        "public/request/none",   "401 403 403 403 403 ok  ok  ok"),

    (A.CHARTER_ACCEPT,      "members/request/v2",    "401 403 ok  ok  ok  ok  ok  403"),
    (A.CHARTER_ACCEPT,      "public/open/v2",        "401 403 ok  ok  ok  ok  ok  403"),
    (A.CHARTER_ACCEPT,      "members/open/none",     "401 403 403 403 403 403 403 403"),

    (A.DIRECTORY_VIEW,      "members/request/v2",    "401 404 ok  ok  ok  ok  ok  ok"),
    (A.DIRECTORY_VIEW,      "public/open/v2",        "401 403 ok  ok  ok  ok  ok  ok"),

    (A.CATEGORY_MANAGE,     "members/request/v2",    "401 404 403 403 ok  ok  ok  ok"),
    (A.CATEGORY_MANAGE,     "public/open/v2",        "401 403 403 403 ok  ok  ok  ok"),

    (A.TOPIC_ANNOUNCE,      "members/request/v2",    "401 404 403 403 ok  ok  ok  ok"),
    (A.TOPIC_ANNOUNCE,      "public/open/v2",        "401 403 403 403 ok  ok  ok  ok"),

    (A.POST_SEE_HIDDEN,     "members/request/v2",    "401 404 403 403 ok  ok  ok  ok"),
    (A.POST_SEE_HIDDEN,     "public/open/v2",        "401 403 403 403 ok  ok  ok  ok"),

    # The outsider is a pilot of another network: no power here.
    (A.MODERATE,            "members/request/v2",    "401 404 403 403 ok  ok  ok  ok"),
    (A.MODERATE,            "public/open/v2",        "401 403 403 403 ok  ok  ok  ok"),

    (A.MODERATION_LOG_VIEW, "members/request/v2",    "401 404 403 403 ok  ok  ok  ok"),
    (A.MODERATION_LOG_VIEW, "public/open/v2",        "401 403 403 403 ok  ok  ok  ok"),

    (A.MESSAGE_SEND,        "members/request/v2",    "401 404 ok  403 ok  ok  ok  403"),
    (A.MESSAGE_SEND,        "public/open/v2",        "401 403 ok  403 ok  ok  ok  403"),

    (A.PROFILE_VIEW,        "person",                "401 ok  ok  ok  ok  ok  ok  ok"),
    (A.PROFILE_VIEW,        "self",                  "-   ok  ok  ok  ok  ok  ok  ok"),

    (A.PROFILE_EDIT,        "person",                "401 403 403 403 403 403 403 403"),
    (A.PROFILE_EDIT,        "self",                  "-   ok  ok  ok  ok  ok  ok  ok"),
]
# fmt: on

ERRORS = {"404": NotFound, "403": Forbidden, "401": NotAuthenticated}
NETWORK_ID = 1
OTHER_NETWORK_ID = 2
OTHER_PERSON = User(
    id=999, username="someone-else", display_name="Someone else", is_site_admin=False
)
ROLES = {
    "member": Role.MEMBER,
    "animator": Role.ANIMATOR,
    "copilot": Role.COPILOT,
    "pilot": Role.PILOT,
}


def make_network(kind: str) -> Network:
    visibility, mode, charter_number = NETWORKS[kind]
    return Network(
        id=NETWORK_ID,
        slug="reseau",
        name="Réseau",
        content_visibility=visibility,
        membership_mode=mode,
        charter_number=charter_number,
    )


def make_principal(person: str, charter_number: int) -> Principal:
    if person == "anonymous":
        return ANONYMOUS
    user = User(
        id=PEOPLE.index(person) + 10,
        username=person.replace(" ", "-").replace(",", ""),
        display_name=person,
        is_site_admin=person == "site admin",
    )
    current = charter_number or None
    if person == "outsider":
        seats = {OTHER_NETWORK_ID: NetworkSeat(Role.PILOT, 1)}
    elif person == "member, old charter":
        seats = {NETWORK_ID: NetworkSeat(Role.MEMBER, (charter_number - 1) or None)}
    elif person in ROLES:
        seats = {NETWORK_ID: NetworkSeat(ROLES[person], current)}
    else:
        seats = {}
    return Principal(user=user, seats=seats)


def make_object(kind: str, principal: Principal):
    if kind == "nothing":
        return None
    if kind == "person":
        return OTHER_PERSON
    if kind == "self":
        return principal.user
    return make_network(kind)


def cases() -> list:
    params = []
    for action, kind, answers in TABLE:
        for person, expected in zip(PEOPLE, answers.split(), strict=True):
            if expected != "-":
                params.append(
                    pytest.param(action, kind, person, expected, id=f"{action}-{kind}-{person}")
                )
    return params


@pytest.mark.parametrize(("action", "kind", "person", "expected"), cases())
def test_policy_table(action, kind, person, expected):
    charter_number = NETWORKS[kind][2] if kind in NETWORKS else 0
    principal = make_principal(person, charter_number)
    obj = make_object(kind, principal)

    assert policy.can(principal, action, obj) is (expected == "ok")
    # Templates ask with the plain string; it must give the same answer.
    assert policy.can(principal, action.value, obj) is (expected == "ok")
    if expected == "ok":
        policy.require(principal, action, obj)
    else:
        with pytest.raises(ERRORS[expected]) as raised:
            policy.require(principal, action, obj)
        assert type(raised.value) is ERRORS[expected]


def _actions_in_domain_tables() -> set[Action]:
    """Actions on domain objects (categories, topics, notifications...) are tabled in
    their domain's policy test, tests/unit/test_<domain>_policy.py."""
    found = set()
    for path in Path(__file__).parent.glob("test_*_policy.py"):
        found |= {Action[name] for name in re.findall(r"Action\.([A-Z_]+)", path.read_text())}
    return found


def test_every_action_has_rows_in_a_table():
    """A new action must be added to a table, with an answer for every person."""
    assert {row[0] for row in TABLE} | _actions_in_domain_tables() == set(Action)
    assert set(policy.RULES) == set(Action)
    for action, kind, answers in TABLE:
        assert len(answers.split()) == len(PEOPLE), action
        assert set(answers.split()) <= {"ok", "404", "403", "401", "-"}, action
        assert kind in NETWORKS or kind in ("nothing", "person", "self"), action


def test_every_network_action_is_checked_on_a_members_only_network():
    """Outsiders of a members-only network are the case most likely to leak data."""
    network_actions = {row[0] for row in TABLE if row[1] in NETWORKS}
    members_only = {row[0] for row in TABLE if row[1].startswith("members/")}
    assert network_actions == members_only


def test_a_seen_by_chain_never_loops():
    """A rule may name itself ("hidden when refused"): the chain ends there."""
    for action, rule in policy.RULES.items():
        seen = {action}
        current = rule.seen_by
        while current is not None and current not in (policy.RULES[current].seen_by,):
            assert current not in seen, action
            seen.add(current)
            current = policy.RULES[current].seen_by


